import { expect, inject, it } from 'vitest';
import { takeInMail } from '../../src/inbound/intake.service.js';
import { gmailMail } from '../../src/inbound/mail-fixtures.js';
import { describeInBrowser } from './browser.js';
import { browserFixture } from './fixture.js';
import { expectClean, reply, signIn } from './flows.js';

describeInBrowser(
  'the email channel in the browser',
  () => {
    const fixture = browserFixture();

    it('turns a customer’s mail into a ticket live in the queue; the agent’s reply reaches their mailbox in the same thread, and their answer the ticket', async () => {
      const { server } = fixture;
      const agent = await server.createUser('agent', 'Ada Agent');
      const staff = await fixture.open();
      await signIn(staff.page, agent);
      await staff.page.getByRole('heading', { name: 'Queue' }).waitFor();
      await staff.page.locator('.live-indicator.live-live').waitFor();

      // The mail arrives (through the intake every mailbox and the push endpoint feed).
      const customer = 'cora.mail@example.test';
      const first = await takeInMail(server.ctx, { mailboxKey: 'e2e', mailboxId: null }, gmailMail('My printer is on fire.', { from: `Cora Mail <${customer}>`, subject: 'Printer on fire' }));
      expect(first).toMatchObject({ status: 'placed' });
      const ticketId = first.duplicate ? '' : (first.ticketId ?? '');

      const row = staff.page.getByRole('link', { name: 'Printer on fire' });
      await row.waitFor();
      await row.click();
      await staff.page.locator('.message-body, .ticket-description', { hasText: 'My printer is on fire.' }).first().waitFor();
      await reply(staff.page, 'Unplug it, please.');

      const root = server.ctx.threads.rootId(ticketId);
      const toCustomer = () => server.smtp.messages.filter((mail) => mail.to.includes(customer));
      await expect.poll(() => toCustomer().find((mail) => mail.text.includes('Unplug it, please.')), { timeout: 15_000 }).toBeTruthy();
      const receipt = toCustomer().find((mail) => mail.messageId === root);
      const staffReply = toCustomer().find((mail) => mail.text.includes('Unplug it, please.'));
      expect(receipt, 'the receipt starts the thread').toBeTruthy();
      expect(staffReply?.inReplyTo).toBe(root);
      expect(staffReply?.references).toContain(root);
      const replyTo = staffReply?.headers.get('reply-to') as { text?: string } | undefined;
      expect(replyTo?.text).toBe(server.ctx.threads.replyAddress(ticketId));

      // Cora answers from her mail client: her answer appears on the agent's open ticket page, live.
      const answer = gmailMail(
        'Unplugged. The smoke has stopped.',
        { from: `Cora Mail <${customer}>`, to: replyTo?.text ?? '', subject: `Re: ${staffReply?.subject ?? ''}`, inReplyTo: staffReply?.messageId ?? '', references: `${root} ${staffReply?.messageId ?? ''}` },
        'Unplug it, please.',
      );
      expect(await takeInMail(server.ctx, { mailboxKey: 'e2e', mailboxId: null }, answer)).toMatchObject({ status: 'placed', ticketId });
      await staff.page.locator('.message-body', { hasText: 'Unplugged. The smoke has stopped.' }).waitFor();
      expect(await staff.page.locator('.message-body', { hasText: 'On Tue, 1 Dec 2026' }).count()).toBe(0);
      expectClean(staff.problems);
    });
  },
  inject('webBuildError'),
);
