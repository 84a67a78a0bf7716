import type { Page } from 'playwright-core';
import { expect, inject, it } from 'vitest';
import { describeInBrowser, screenshot } from './browser.js';
import { confirmAddress, expectClean, openTicket, register, reply, signIn } from './flows.js';
import { browserFixture } from './fixture.js';

/** Marks the document; if the page reloads or navigates for real, the mark is gone. */
const markDocument = (page: Page) => page.evaluate(() => ((globalThis as { __sameDocument?: boolean }).__sameDocument = true));
const sameDocument = (page: Page) => page.evaluate(() => (globalThis as { __sameDocument?: boolean }).__sameDocument === true);

describeInBrowser(
  'live updates in the browser',
  () => {
    const fixture = browserFixture();

    it('brings a new ticket to the waiting agent and the reply back to the customer, live, and mails it', async () => {
      const agent = await fixture.server.createUser('agent', 'Ada Agent');
      const staff = await fixture.open();
      await signIn(staff.page, agent);
      await staff.page.getByRole('heading', { name: 'Queue' }).waitFor();
      await staff.page.getByText('No tickets here').waitFor();
      await staff.page.locator('.live-indicator.live-live').waitFor();
      await markDocument(staff.page);

      const customer = await fixture.open();
      const email = 'cora@example.test';
      await register(customer.page, { name: 'Cora Customer', email, password: 'cora-password' });
      // Only a confirmed address gets mail about its tickets.
      await confirmAddress(customer.page, fixture.server, email);
      const ticketId = await openTicket(customer.page, 'Cannot log in', 'The login page says my password is wrong.');
      await customer.page.locator('.message-body').first().waitFor();
      await markDocument(customer.page);

      // The agent's unassigned queue shows it without a reload.
      const row = staff.page.getByRole('link', { name: 'Cannot log in' });
      await row.waitFor();
      expect(await sameDocument(staff.page)).toBe(true);
      await screenshot(staff.page, 'agent-queue');

      await row.click();
      await staff.page.getByRole('button', { name: 'Assign to me' }).click();
      await expect.poll(() => staff.page.getByTestId('assignee').textContent()).toBe('Ada Agent');
      await reply(staff.page, 'Try resetting your password from the login page.');

      // The customer's open ticket page gets the reply live, with a toast.
      await customer.page.locator('.message-body', { hasText: 'Try resetting your password' }).waitFor();
      await customer.page.locator('.toast', { hasText: 'New reply on #' }).waitFor();
      await expect(customer.page.getByTestId('assignee').textContent()).resolves.toBe('Ada Agent');
      expect(await sameDocument(customer.page)).toBe(true);
      await screenshot(customer.page, 'customer-ticket');

      // …and by mail, with a link to the ticket page.
      await expect
        .poll(() => fixture.server.smtp.messages.find((mail) => mail.to.includes(email) && mail.text.includes('Try resetting your password')), { timeout: 15_000 })
        .toBeTruthy();
      const mail = fixture.server.smtp.messages.find((m) => m.to.includes(email) && m.text.includes('Try resetting your password'));
      expect(mail?.text).toContain(`${fixture.server.url}/tickets/${ticketId}`);

      // The link in the mail opens the ticket (a deep link served by the app).
      await customer.page.goto(`/tickets/${ticketId}`);
      await customer.page.getByRole('heading', { level: 1, name: 'Cannot log in' }).waitFor();

      expectClean(customer.problems);
      expectClean(staff.problems);
    });
  },
  inject('webBuildError'),
);
