import { expect, inject, it } from 'vitest';
import { customerWithTicket } from './api.js';
import { describeInBrowser } from './browser.js';
import { browserFixture } from './fixture.js';
import { expectClean, signIn } from './flows.js';

describeInBrowser(
  'agent workspace in the browser',
  () => {
    const fixture = browserFixture();

    it('a macro made in the app, bulk changes with tags from the queue, a saved view counting live, the macro applied from the reply box', async () => {
      const { server } = fixture;
      const manager = await server.createUser('manager', 'Mia Manager');
      const first = await customerWithTicket(server.url, 'Carl Customer', 'Charged twice');
      const second = await customerWithTicket(server.url, 'Dora Customer', 'Charged twice too');
      const watched = await fixture.open();
      const { page } = watched;
      await signIn(page, manager);

      // A shared macro, made on the macros page.
      await page.getByRole('link', { name: 'Macros' }).first().click();
      const form = page.getByRole('form', { name: 'New macro' });
      await form.getByLabel('Name').fill('Refund issued');
      await form.getByLabel('Reply text').fill('Hello {{requester.firstName}}, ticket #{{ticket.number}} is refunded.');
      await form.getByLabel('Set status').selectOption('waiting_on_customer');
      await form.getByLabel('Add tags (comma-separated)').fill('refund');
      await form.getByLabel('Shared with the whole desk').check();
      await form.getByRole('button', { name: 'Create macro' }).click();
      await page.locator('[data-macro="Refund issued"]', { hasText: 'Shared' }).waitFor();

      // Bulk: tick both tickets in the queue, tag them and raise their priority at once.
      await page.goto('/queue?tab=all');
      await page.getByLabel('Select #1').check();
      await page.getByLabel('Select #2').check();
      const bar = page.getByRole('region', { name: 'Change the selected tickets' });
      await bar.getByText('2 selected').waitFor();
      await bar.getByLabel('Priority').selectOption('high');
      await bar.getByLabel('Add tag').fill('Outage');
      await bar.getByRole('button', { name: 'Apply to 2' }).click();
      await page.getByText('2 of 2 tickets changed').waitFor();
      await expect.poll(() => page.locator('.ticket-table .tag', { hasText: 'outage' }).count()).toBe(2);
      // The queue filters by the new tag.
      await page.locator('.toolbar').getByLabel(/^Tag/).selectOption('outage');
      await page.waitForURL(/tag=outage/);
      await expect.poll(() => page.locator('.ticket-table tbody tr').count()).toBe(2);
      // …and keeps that as a view, whose count follows the stream.
      await page.getByRole('button', { name: 'Save as view' }).click();
      await page.getByLabel('View name').fill('Outage');
      await page.getByRole('button', { name: 'Save view' }).click();
      const outage = page.locator('[data-view="Outage"] .view-count');
      await expect.poll(() => outage.textContent()).toBe('2');
      const closed = await fetch(`${server.url}/api/tickets/${second.ticketId}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${second.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'closed' }),
      });
      expect(closed.status).toBe(200);
      await expect.poll(() => outage.textContent(), { timeout: 10_000 }).toBe('1');
      await page.locator('[data-view="Outage"]').click();

      await expect.poll(() => page.locator('.ticket-table tbody tr').count()).toBe(1);

      // The macro from the reply box: the composer is filled, the ticket changed as the macro says.
      await page.goto(`/tickets/${first.ticketId}`);
      await page.getByLabel('Macro', { exact: true }).fill('Refund issued');
      await page.getByRole('button', { name: 'Apply macro' }).click();
      await expect.poll(() => page.getByRole('textbox', { name: 'Your reply' }).inputValue()).toBe('Hello Carl, ticket #1 is refunded.');
      await page.locator('.chips .status-waiting_on_customer').waitFor();
      await page.getByRole('region', { name: 'Tags' }).getByText('refund').waitFor();

      // Send and set status, in one step.
      await page.getByLabel('After sending').selectOption('resolved');
      await page.getByRole('button', { name: 'Send reply as Resolved' }).click();
      await page.locator('.conversation .message-body', { hasText: 'is refunded' }).waitFor();
      await page.locator('.chips .status-resolved').waitFor();

      // The tags are the desk's own: the customer's copy of their ticket carries none.
      const customerView = await fetch(`${server.url}/api/tickets/${second.ticketId}`, { headers: { authorization: `Bearer ${second.token}` } });
      expect(await customerView.json()).not.toHaveProperty('tags');
      expectClean(watched.problems);
    });

    it('two agents on one ticket see each other viewing, and one typing, within a second', async () => {
      const { server } = fixture;
      const ada = await server.createUser('agent', 'Ada Agent');
      const mia = await server.createUser('manager', 'Mia Manager');
      const { ticketId } = await customerWithTicket(server.url, 'Carl Customer', 'Printer on fire');
      const first = await fixture.open();
      const second = await fixture.open();
      await signIn(first.page, ada);
      await signIn(second.page, mia);
      await first.page.goto(`/tickets/${ticketId}`);
      await second.page.goto(`/tickets/${ticketId}`);

      const seenBy = (watched: typeof first) => watched.page.getByRole('status', { name: 'Also on this ticket' });
      await seenBy(first).getByText('Mia Manager is viewing').waitFor({ timeout: 5_000 });
      await seenBy(second).getByText('Ada Agent is viewing').waitFor({ timeout: 5_000 });

      await first.page.getByRole('textbox', { name: 'Your reply' }).press('O');
      const typedAt = Date.now();
      await seenBy(second).getByText('Ada Agent is typing a reply…').waitFor({ timeout: 5_000 });
      expect(Date.now() - typedAt).toBeLessThan(1_000);

      // Leaving the ticket says so at once, by moving on in the app or by leaving the page.
      await first.page.getByRole('link', { name: 'Queue' }).first().click();
      await expect.poll(() => seenBy(second).count(), { timeout: 5_000 }).toBe(0);
      await first.page.goto(`/tickets/${ticketId}`);
      await seenBy(second).getByText('Ada Agent is viewing').waitFor({ timeout: 5_000 });
      await first.page.goto('/queue');
      await expect.poll(() => seenBy(second).count(), { timeout: 5_000 }).toBe(0);
      expectClean(first.problems);
      expectClean(second.problems);
    });

    it('an agent opens a ticket on behalf of a customer, picked by name', async () => {
      const { server } = fixture;
      const ada = await server.createUser('agent', 'Ada Agent');
      await customerWithTicket(server.url, 'Carl Customer', 'Earlier question');
      const watched = await fixture.open();
      const { page } = watched;
      await signIn(page, ada);
      await page.goto('/tickets/new');
      const requester = page.getByLabel('On behalf of a customer');
      await requester.fill('carl');
      // The offered customer, as the list shows it: the agent picks it.
      const offered = page.locator('datalist option').first();
      await offered.waitFor({ state: 'attached' });
      await requester.fill((await offered.getAttribute('value')) ?? '');
      await page.getByLabel('Subject').fill('Called about an invoice');
      await page.getByLabel('What happened?').fill('Carl phoned: the invoice is wrong.');
      await page.getByRole('button', { name: 'Open ticket' }).click();
      await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
      await expect.poll(() => page.locator('.details dd').first().textContent()).toBe('Carl Customer');
      expectClean(watched.problems);
    });
  },
  inject('webBuildError'),
);
