import { expect, inject, it } from 'vitest';
import { call, customerWithTicket, tokenOf } from './api.js';
import { describeInBrowser } from './browser.js';
import { browserFixture } from './fixture.js';
import { expectClean, signIn } from './flows.js';

const PHONE = { width: 390, height: 844 };

describeInBrowser(
  'opening tickets for new customers, and grouped notifications, in the browser',
  () => {
    const fixture = browserFixture();

    it('an agent makes the customer in the new-ticket form and opens the ticket for them; the customer chooses a password from the mail', async () => {
      const { server } = fixture;
      const ada = await server.createUser('agent', 'Ada Agent');
      const watched = await fixture.open();
      const { page } = watched;
      await signIn(page, ada);
      await page.goto('/tickets/new');

      await page.getByRole('button', { name: 'New customer…' }).click();
      const fields = page.getByRole('group', { name: 'New customer' });
      await fields.getByLabel('Name').fill('Nina Newcomer');
      await fields.getByLabel('Email').fill('nina.newcomer@example.test');
      await fields.getByRole('button', { name: 'Create customer' }).click();
      await expect.poll(() => page.getByLabel('On behalf of a customer').inputValue()).toBe('Nina Newcomer <nina.newcomer@example.test>');

      await page.getByLabel('Subject').fill('Phoned about a delivery');
      await page.getByLabel('What happened?').fill('Nina called: the parcel never came.');
      await page.getByRole('button', { name: 'Open ticket' }).click();
      await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
      await expect.poll(() => page.locator('.details dd').first().textContent()).toBe('Nina Newcomer');
      expectClean(watched.problems);

      // Nina's mail lets her choose a password; then the ticket is hers to follow.
      const invitation = () => server.smtp.messages.find((mail) => mail.to.includes('nina.newcomer@example.test') && mail.subject === 'Your Helpline account');
      await expect.poll(invitation, { timeout: 15_000 }).toBeTruthy();
      const link = /(http:\/\/\S+\/reset-password\?token=[\w%-]+)/.exec(invitation()?.text ?? '')?.[1];
      const nina = await fixture.open();
      await nina.page.goto(link ?? '');
      await nina.page.getByLabel('New password', { exact: true }).fill('parcel never came');
      await nina.page.getByLabel('Repeat the new password').fill('parcel never came');
      await nina.page.getByRole('button', { name: 'Change password' }).click();
      await nina.page.getByText('Your password has been changed').waitFor();
      await signIn(nina.page, { email: 'nina.newcomer@example.test', password: 'parcel never came' });
      await nina.page.getByRole('link', { name: 'Phoned about a delivery' }).waitFor();
      expectClean(nina.problems);
    });

    it('a bulk assignment is one notification on a phone: the panel fits the screen and opens the list of tickets', async () => {
      const { server } = fixture;
      const manager = await server.createUser('manager', 'Mia Manager');
      const pia = await server.createUser('agent', 'Pia Phone');
      const first = await customerWithTicket(server.url, 'Carl Customer', 'Printer jammed');
      const second = await customerWithTicket(server.url, 'Dora Customer', 'Scanner jammed');
      const watched = await fixture.open({ viewport: PHONE });
      const { page } = watched;
      await signIn(page, pia);
      await page.locator('.live-indicator.live-live').waitFor();

      const bulk = await call(server.url, 'POST', '/api/tickets/bulk', {
        token: await tokenOf(server.url, manager.email, manager.password),
        body: { ids: [first.ticketId, second.ticketId], changes: { assigneeId: pia.id } },
      });
      expect(bulk.status).toBe(200);
      // One notification, told live: the count says 1.
      await expect.poll(() => page.getByTestId('unread-count').textContent(), { timeout: 10_000 }).toBe('1');

      await page.getByRole('button', { name: /^Notifications/ }).click();
      const panel = page.getByRole('region', { name: 'Notifications' });
      await panel.getByRole('button', { name: /2 tickets were assigned to you/ }).click();
      const group = panel.getByRole('group', { name: '2 tickets were assigned to you' });
      await group.getByRole('link', { name: /Printer jammed/ }).waitFor();
      await group.getByRole('link', { name: /Scanner jammed/ }).waitFor();
      const box = await panel.boundingBox();
      expect(box?.x).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? Infinity)).toBeLessThanOrEqual(PHONE.width);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

      await group.getByRole('link', { name: /Scanner jammed/ }).click();
      await page.waitForURL(`**/tickets/${second.ticketId}`);
      await expect.poll(() => page.getByTestId('unread-count').count()).toBe(0);
      expectClean(watched.problems);
    });
  },
  inject('webBuildError'),
);
