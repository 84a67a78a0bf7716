import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, inject, it } from 'vitest';
import { call, customerWithTicket, tokenOf } from './api.js';
import { describeInBrowser, screenshot, type WatchedPage } from './browser.js';
import { expectClean, signIn } from './flows.js';
import { browserFixture } from './fixture.js';

/** Clicks a CSV button and returns the file's text. */
async function downloadCsv(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(file, 'utf8') };
}

const chartTotal = async (page: Page, title: string): Promise<number> =>
  Number(await page.locator('figure.chart', { hasText: title }).locator('svg').getAttribute('data-total'));

describeInBrowser(
  'manager console in the browser',
  () => {
    const fixture = browserFixture();

    it('sets a priority, writes and runs an escalation rule, and reads the reports with CSV', async () => {
      const manager = await fixture.server.createUser('manager', 'Mia Manager');
      const agent = await fixture.server.createUser('agent', 'Ada Agent');
      const agentToken = await tokenOf(fixture.server.url, agent.email, agent.password);

      // A morning at the desk: four tickets, two answered and resolved by the agent.
      const tickets = [];
      for (const subject of ['Invoice is wrong', 'VPN drops every hour', 'New laptop request', 'Password expired']) {
        tickets.push(await customerWithTicket(fixture.server.url, `Customer of ${subject}`, subject));
      }
      for (const { ticketId } of tickets.slice(2)) {
        expect((await call(fixture.server.url, 'PATCH', `/api/tickets/${ticketId}`, { token: agentToken, body: { assigneeId: agent.id } })).status).toBe(200);
        expect((await call(fixture.server.url, 'POST', `/api/tickets/${ticketId}/messages`, { token: agentToken, body: { body: 'On it.' } })).status).toBe(201);
        expect((await call(fixture.server.url, 'PATCH', `/api/tickets/${ticketId}`, { token: agentToken, body: { status: 'resolved' } })).status).toBe(200);
      }
      const [invoice, vpn] = tickets;
      if (!invoice || !vpn) throw new Error('tickets were not created');

      const watched: WatchedPage = await fixture.open();
      const { page } = watched;
      await signIn(page, manager);

      // Priority, from the ticket page.
      await page.goto(`/tickets/${invoice.ticketId}`);
      await page.getByLabel('Priority').selectOption('high');
      await page.getByRole('button', { name: 'Set priority' }).click();
      await page.locator('.ticket-head .chip.priority-high').waitFor();
      expect((await call(fixture.server.url, 'GET', `/api/tickets/${invoice.ticketId}`, { token: agentToken })).body.priority).toBe('high');

      // An escalation rule written with the form, then run now.
      await page.getByRole('link', { name: 'Escalation' }).click();
      await page.getByText('No rules yet').waitFor();
      await page.getByLabel('Rule name').fill('Unassigned open tickets are urgent');
      await page.getByRole('group', { name: /statuses/ }).getByLabel('Open').check();
      await page.getByLabel('is unassigned').check();
      await page.getByLabel('Set priority').selectOption('urgent');
      await page.getByLabel('the managers').check();
      await page.getByRole('button', { name: 'Create rule' }).click();
      await page.locator('.rule-list li', { hasText: 'Unassigned open tickets are urgent' }).waitFor();
      await page.getByRole('button', { name: 'Run now' }).click();
      await page.locator('.toast', { hasText: 'The rules acted on 2 tickets' }).waitFor();
      for (const { ticketId } of [invoice, vpn]) {
        expect((await call(fixture.server.url, 'GET', `/api/tickets/${ticketId}`, { token: agentToken })).body.priority).toBe('urgent');
      }
      // The rule's action is in the ticket's history.
      await page.goto(`/tickets/${vpn.ticketId}`);
      await page.locator('.ticket-head .chip.priority-urgent').waitFor();
      await page.getByText(/^History/).click();
      await expect(page.locator('.history').textContent()).resolves.toMatch(/priority/i);

      // The dashboard: cards, non-empty charts, the agent table.
      await page.getByRole('link', { name: 'Reports' }).click();
      await page.locator('.stat-card', { hasText: 'Created' }).locator('.stat-value', { hasText: '4' }).waitFor();
      await page.locator('figure.chart', { hasText: 'created vs resolved' }).waitFor();
      await page.locator('figure.chart', { hasText: 'Resolution time distribution' }).waitFor();
      expect(await chartTotal(page, 'created vs resolved')).toBe(6);
      expect(await chartTotal(page, 'Resolution time distribution')).toBe(2);
      await page.locator('figure.chart', { hasText: 'SLA met vs breached' }).locator('rect.series-met').first().waitFor();
      await page.getByRole('rowheader', { name: 'Ada Agent' }).waitFor();
      await screenshot(page, 'manager-dashboard');

      const summary = await downloadCsv(page, 'Download summary CSV');
      expect(summary.name).toMatch(/^helpline-summary-.*\.csv$/);
      expect(summary.text.split('\n')[0]).toContain('created');
      const agents = await downloadCsv(page, 'Download agents CSV');
      expect(agents.text).toContain('Ada Agent');

      expectClean(watched.problems);
    });

    it("shows a week as seven days of the manager's own time zone", async () => {
      const manager = await fixture.server.createUser('manager', 'Mia Manager');
      const zone = 'Pacific/Kiritimati'; // UTC+14: most of its days straddle two UTC dates
      const watched = await fixture.open({ timezoneId: zone });
      const { page } = watched;
      await signIn(page, manager);
      await page.getByRole('link', { name: 'Reports' }).click();
      const asked = page.waitForRequest((request) => {
        const url = new URL(request.url());
        const days = (Date.parse(url.searchParams.get('to') ?? '') - Date.parse(url.searchParams.get('from') ?? '')) / 86_400_000;
        return url.pathname === '/api/reports/daily' && url.searchParams.get('timeZone') === zone && days === 6;
      });
      await page.getByRole('button', { name: 'Last 7 days' }).click();
      const { from, to } = Object.fromEntries(new URL((await asked).url()).searchParams);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
      expect(to).toBe(today);

      const days = page.locator('figure.chart', { hasText: 'created vs resolved' }).locator('.chart-data tbody th');
      await expect.poll(() => days.count()).toBe(7);
      await expect(days.first().textContent()).resolves.toBe(from?.slice(5));
      await expect(days.last().textContent()).resolves.toBe(today.slice(5));
      expectClean(watched.problems);
    });
  },
  inject('webBuildError'),
);
