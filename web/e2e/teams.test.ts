import { expect, inject, it } from 'vitest';
import { call, tokenOf } from './api.js';
import { describeInBrowser, type WatchedPage } from './browser.js';
import { expectClean, signIn } from './flows.js';
import { browserFixture } from './fixture.js';

describeInBrowser(
  'teams, automatic assignment and satisfaction in the browser',
  () => {
    const fixture = browserFixture();

    it('a manager sets up a team with a topic; a ticket on that topic reaches its agent; the customer rates it by the mailed link', async () => {
      const manager = await fixture.server.createUser('manager', 'Mia Manager');
      const agent = await fixture.server.createUser('agent', 'Ada Agent');
      const customer = await fixture.server.createUser('customer', 'Cora Customer');

      const managerPage: WatchedPage = await fixture.open();
      let page = managerPage.page;
      await signIn(page, manager);
      await page.getByRole('link', { name: 'Teams' }).click();
      await page.getByLabel('Team name').fill('Billing');
      await page.getByRole('button', { name: 'Add team' }).click();
      const team = page.locator('section.card', { has: page.getByRole('heading', { name: 'Billing' }) });
      await team.getByLabel('Automatic assignment').selectOption('round_robin');
      await team.getByLabel('Add to Billing').selectOption({ label: 'Ada Agent' });
      await team.getByRole('button', { name: 'Add member' }).click();
      await team.getByText('Ada Agent').first().waitFor();
      await page.getByLabel('Topic', { exact: true }).fill('Invoices');
      await page.getByLabel('Goes to').selectOption({ label: 'Billing' });
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.getByText('topic Invoices → Billing').waitFor();
      // A tag rule: tickets of no team that get the tag join Billing.
      await page.getByLabel('Tickets by').selectOption('tag');
      await page.getByLabel('Tag', { exact: true }).fill('Refund');
      await page.getByLabel('Goes to').selectOption({ label: 'Billing' });
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.getByText('tagged refund → Billing').waitFor();
      expectClean(managerPage.problems);

      // The customer chooses the topic; the ticket lands in Billing, with Ada.
      const customerPage = await fixture.open();
      page = customerPage.page;
      await signIn(page, customer);
      await page.goto('/tickets/new');
      await page.getByLabel('Topic').selectOption('Invoices');
      await page.getByLabel('Subject').fill('Charged twice');
      await page.getByLabel('What happened?').fill('Two charges on my card.');
      await page.getByRole('button', { name: 'Open ticket' }).click();
      await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
      const ticketId = new URL(page.url()).pathname.split('/').pop() ?? '';
      const agentToken = await tokenOf(fixture.server.url, agent.email, agent.password);
      const ticket = await call(fixture.server.url, 'GET', `/api/tickets/${ticketId}`, { token: agentToken });
      expect(ticket.body).toMatchObject({ team: { name: 'Billing' }, assignee: { name: 'Ada Agent' } });

      // Resolved: the customer is mailed one-click links; "Good" is the answer, a comment follows.
      expect((await call(fixture.server.url, 'PATCH', `/api/tickets/${ticketId}`, { token: agentToken, body: { status: 'resolved' } })).status).toBe(200);
      const linkIn = () => {
        const mail = fixture.server.smtp.messages.find((message) => message.to.includes(customer.email) && message.text.includes('&rating=good'));
        return /(http:\/\/\S+\/satisfaction\?token=\S+&rating=good)/.exec(mail?.text ?? '')?.[1];
      };
      await expect.poll(linkIn, { timeout: 15_000 }).toBeDefined();
      const linkPage = await fixture.open();
      await linkPage.page.goto(linkIn() ?? '');
      await linkPage.page.getByText('Thank you! Your answer: Good, I was helped').waitFor();
      await linkPage.page.getByLabel('Comment (optional)').fill('Quick and kind');
      await linkPage.page.getByRole('button', { name: 'Save comment' }).click();
      await expect
        .poll(async () => (await call(fixture.server.url, 'GET', `/api/tickets/${ticketId}/satisfaction`, { token: agentToken })).body.comment)
        .toBe('Quick and kind');

      // Staff see it on the ticket.
      const agentPage = await fixture.open();
      await signIn(agentPage.page, agent);
      await agentPage.page.goto(`/tickets/${ticketId}`);
      await agentPage.page.getByTestId('satisfaction').getByText('Good, I was helped').waitFor();
      await agentPage.page.getByTestId('team').getByText('Billing').waitFor();
      expectClean(customerPage.problems);
      expectClean(linkPage.problems);
      expectClean(agentPage.problems);
    });
  },
  inject('webBuildError'),
);
