import { expect, inject, it } from 'vitest';
import { call, customerWithTicket } from './api.js';
import { describeInBrowser } from './browser.js';
import { expectClean, signIn } from './flows.js';
import { browserFixture } from './fixture.js';

describeInBrowser(
  'reply collision in the browser',
  () => {
    const fixture = browserFixture();

    it('stops a reply written while the customer wrote, shows what came, and sends on "Send anyway"', async () => {
      const agent = await fixture.server.createUser('agent', 'Ada Agent');
      const { token, ticketId } = await customerWithTicket(fixture.server.url, 'Cora Customer', 'Printer jams');
      const staff = await fixture.open();
      // The refused send is the point of the test.
      staff.allow(/^409 POST \/api\/tickets\/[\w-]+\/messages$/);
      await signIn(staff.page, agent);
      await staff.page.goto(`/tickets/${ticketId}`);
      await staff.page.getByLabel('Your reply').fill('Have you tried turning it off and on?');

      // The customer writes while the agent is still typing.
      const news = await call(fixture.server.url, 'POST', `/api/tickets/${ticketId}/messages`, { token, body: { body: 'Now it smokes too!' } });
      expect(news.status).toBe(201);

      await staff.page.getByRole('button', { name: 'Send reply' }).click();
      const notice = staff.page.locator('.missed-messages');
      await notice.waitFor();
      await expect(notice.textContent()).resolves.toContain('Now it smokes too!');
      // Nothing was sent: the reply is still in the box.
      await expect(staff.page.getByLabel('Your reply').inputValue()).resolves.toBe('Have you tried turning it off and on?');

      await notice.getByRole('button', { name: 'Send anyway' }).click();
      await staff.page.locator('.message-body', { hasText: 'Have you tried turning it off and on?' }).waitFor();
      await expect(notice.count()).resolves.toBe(0);
      const messages = await call(fixture.server.url, 'GET', `/api/tickets/${ticketId}/messages`, { token });
      expect((messages.body.items as { body: string }[]).map((message) => message.body)).toEqual([
        'Now it smokes too!',
        'Have you tried turning it off and on?',
      ]);
      expectClean(staff.problems);
    });
  },
  inject('webBuildError'),
);
