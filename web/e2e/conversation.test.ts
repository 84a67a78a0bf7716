import { expect, inject, it } from 'vitest';
import { call, customerWithTicket, tokenOf } from './api.js';
import { describeInBrowser } from './browser.js';
import { expectClean, openTicket, register, reply, signIn } from './flows.js';
import { browserFixture } from './fixture.js';

describeInBrowser(
  'conversation in the browser',
  () => {
    const fixture = browserFixture();

    it("keeps an agent's internal note off the customer's page", async () => {
      const agent = await fixture.server.createUser('agent', 'Ada Agent');
      const customer = await fixture.open();
      await register(customer.page, { name: 'Cora Customer', email: 'cora@example.test', password: 'cora-password' });
      const ticketId = await openTicket(customer.page, 'Printer on fire', 'It started smoking after the update.');
      // The customer's own ticket offers what the server says they may do (close it), and nothing of the desk's.
      await customer.page.getByRole('button', { name: 'Close ticket' }).waitFor();
      for (const control of ['Priority', 'Assign to', 'Status']) {
        await expect(customer.page.getByLabel(control, { exact: true }).count(), control).resolves.toBe(0);
      }
      await expect(customer.page.getByRole('button', { name: /^(Assign|Set priority|Set status)/ }).count()).resolves.toBe(0);

      const staff = await fixture.open();
      await signIn(staff.page, agent);
      await staff.page.goto(`/tickets/${ticketId}`);
      await reply(staff.page, 'NOTE: customer seems to run firmware 1.2', { internal: true });
      await reply(staff.page, 'Please unplug it and tell us the firmware version.');

      // Staff see the note, marked as internal.
      const note = staff.page.locator('.message.internal');
      await expect(note.count()).resolves.toBe(1);
      await expect(note.textContent()).resolves.toContain('not visible to the customer');

      // The customer sees the public reply (live or after a reload) and never the note.
      await customer.page.reload();
      await customer.page.locator('.message-body', { hasText: 'Please unplug it' }).waitFor();
      const text = (await customer.page.locator('main').textContent()) ?? '';
      expect(text).not.toContain('firmware 1.2');
      expect(text).not.toContain('Internal note');
      await expect(customer.page.locator('.message.internal').count()).resolves.toBe(0);
      await expect(customer.page.getByLabel('Internal note (staff only)').count()).resolves.toBe(0);
      // Nor does its history mention the note.
      await customer.page.getByText(/^History/).click();
      await expect(customer.page.locator('.history').textContent()).resolves.not.toContain('internal note');

      expectClean(customer.problems);
      expectClean(staff.problems);
    });

    it('shows the SLA clocks as the server judges them: running, paused while waiting on the customer, gone once met', async () => {
      const agent = await fixture.server.createUser('agent', 'Ada Agent');
      const { ticketId } = await customerWithTicket(fixture.server.url, 'Cora Customer', 'Invoice is wrong');
      const staff = await fixture.open();
      await signIn(staff.page, agent);
      await staff.page.goto(`/tickets/${ticketId}`);
      const chips = staff.page.locator('.sla-badges .chip');
      await chips.filter({ hasText: /^First response due / }).waitFor();
      await chips.filter({ hasText: /^Resolution due / }).waitFor();

      await staff.page.getByLabel('Status').selectOption('waiting_on_customer');
      await staff.page.getByRole('button', { name: 'Set status' }).click();
      await chips.filter({ hasText: 'Resolution paused: waiting on the customer' }).waitFor();
      await expect(chips.filter({ hasText: /^First response due / }).count()).resolves.toBe(1);

      await reply(staff.page, 'We are looking into the invoice.');
      await chips.filter({ hasText: /^First response/ }).waitFor({ state: 'detached' });
      await expect(chips.allTextContents()).resolves.toEqual(['Resolution paused: waiting on the customer']);
      expectClean(staff.problems);
    });

    it("lists the queue as the agent picks: what needs attention first by default, then any other order", async () => {
      const { url } = fixture.server;
      const customer = await customerWithTicket(url, 'Quinn Queue', 'Sorted low');
      const manager = await fixture.server.createUser('manager', 'Mona Manager');
      const managerToken = await tokenOf(url, manager.email, manager.password);
      const subjects = ['Sorted urgent', 'Sorted normal', 'Sorted high'];
      for (const subject of subjects) {
        const opened = await call(url, 'POST', '/api/tickets', { token: customer.token, body: { subject, description: 'Sort me' } });
        expect(opened.status).toBe(201);
        const priority = subject.split(' ')[1];
        if (priority !== 'normal') expect((await call(url, 'PATCH', `/api/tickets/${String(opened.body.id)}`, { token: managerToken, body: { priority } })).status).toBe(200);
      }
      expect((await call(url, 'PATCH', `/api/tickets/${customer.ticketId}`, { token: managerToken, body: { priority: 'low' } })).status).toBe(200);

      const agent = await fixture.server.createUser('agent', 'Sam Sorter');
      const staff = await fixture.open();
      await signIn(staff.page, agent);
      await staff.page.goto('/queue?tab=all&q=sorted');
      const firstColumnOrder = () => staff.page.locator('#queue-panel tbody tr a', { hasText: 'Sorted' }).allTextContents();
      await staff.page.getByRole('link', { name: 'Sorted high' }).waitFor();
      // A search lists newest first, and says so instead of offering an order.
      await expect(staff.page.getByLabel('Sort').isDisabled()).resolves.toBe(true);
      await expect(firstColumnOrder()).resolves.toEqual(['Sorted high', 'Sorted normal', 'Sorted urgent', 'Sorted low']);

      await staff.page.goto('/queue?tab=all');
      await staff.page.getByRole('link', { name: 'Sorted high' }).waitFor();
      await expect(staff.page.getByLabel('Sort').inputValue()).resolves.toBe('attention');
      await expect(firstColumnOrder()).resolves.toEqual(['Sorted urgent', 'Sorted high', 'Sorted normal', 'Sorted low']);
      await staff.page.getByLabel('Sort').selectOption('oldest');
      await staff.page.waitForURL(/sort=oldest/);
      await expect.poll(firstColumnOrder).toEqual(['Sorted low', 'Sorted urgent', 'Sorted normal', 'Sorted high']);

      // On a ticket, the requester's other tickets are one click away.
      await staff.page.getByRole('link', { name: 'Sorted low' }).click();
      const others = staff.page.getByRole('list', { name: 'Other tickets of Quinn Queue' });
      await others.getByRole('link', { name: /Sorted urgent/ }).waitFor();
      await expect(others.getByRole('listitem').count()).resolves.toBe(3);
      await staff.page.getByRole('link', { name: 'All their tickets' }).click();
      await staff.page.waitForURL(/requesterId=/);
      await expect.poll(async () => (await firstColumnOrder()).length).toBe(4);
      expectClean(staff.problems);
    });

    it('shows HTML and script in subjects, bodies and names as text', async () => {
      const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>';
      const customer = await fixture.open();
      await register(customer.page, { name: `Eve ${hostile}`, email: 'eve@example.test', password: 'eve-password' });
      const ticketId = await openTicket(customer.page, `Subject ${hostile}`, `Body ${hostile}`);
      await reply(customer.page, `Reply ${hostile}`);

      const agent = await fixture.server.createUser('agent', 'Ada Agent');
      const staff = await fixture.open();
      await signIn(staff.page, agent);
      await staff.page.goto('/queue?tab=all');
      await staff.page.getByRole('link', { name: `Subject ${hostile}` }).waitFor();
      await staff.page.goto(`/tickets/${ticketId}`);
      await staff.page.locator('.message-body', { hasText: `Reply ${hostile}` }).waitFor();

      for (const page of [customer.page, staff.page]) {
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Subject ${hostile}`);
        await expect(page.locator('.message-body').first().textContent()).resolves.toBe(`Body ${hostile}`);
        await expect(page.locator('main img, main script, main b').count()).resolves.toBe(0);
        await expect(page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
      }
      await expect(staff.page.locator('.ticket-side').textContent()).resolves.toContain(`Eve ${hostile}`);

      expectClean(customer.problems);
      expectClean(staff.problems);
    });
  },
  inject('webBuildError'),
);
