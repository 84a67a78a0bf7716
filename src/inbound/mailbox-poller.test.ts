import { count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { inboundMails } from './inbound.schema.js';
import { takeInMail } from './intake.service.js';
import { appleMailWithImage, gmailMail, outlookHtmlOnly, plainMail } from './mail-fixtures.js';
import type { Periodic } from '../periodic.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { testConfig } from '../test/config.js';
import { describeEachDatabase } from '../test/databases.js';
import { describeWithDovecot, startDovecot, type TestDovecot } from '../test/dovecot.js';
import { createDesk, type Desk } from '../tickets/tickets.test-support.js';
import { tickets } from '../tickets/tickets.schema.js';
import { startMailboxPolling, TAKEN_KEYWORD } from './mailbox-poller.js';

const waitFor = async (check: () => Promise<boolean>, what: string, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describeWithDovecot('mailbox polling against a real Dovecot', () => {
  let dovecot: TestDovecot;
  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(() => dovecot.stop());

  describeEachDatabase('polling', (kind) => {
    let t: TestApp;
    let desk: Desk;
    const pollers: Periodic[] = [];
    let folder: string;
    beforeEach(async () => {
      // A folder of its own per test: the server is shared by the suite.
      folder = `T${Date.now()}${Math.floor(Math.random() * 1000)}`;
      const base = testConfig().inbound;
      t = await createTestApp(kind, { inbound: { ...base, pollIntervalMs: 200, imap: { ...dovecot.mailbox, folder } } });
      desk = await createDesk(t);
    });
    afterEach(async () => {
      await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
      await t.close();
    });

    const ticketCount = async () => (await t.database.db.select({ n: count() }).from(tickets))[0]?.n ?? 0;
    const inboundCount = async () => (await t.database.db.select({ n: count() }).from(inboundMails))[0]?.n ?? 0;

    it('turns mail in IMAP_URL’s folder into tickets, flags each only once it is taken, and picks up new mail while idle', async () => {
      await dovecot.append([gmailMail('Hello from Gmail'), outlookHtmlOnly('Hello from <i>Outlook</i>'), appleMailWithImage()], folder);
      pollers.push(startMailboxPolling(t.ctx));
      await waitFor(async () => (await ticketCount()) === 3, 'three tickets');
      await waitFor(async () => (await dovecot.messages(folder)).every((message) => message.flags.has(TAKEN_KEYWORD)), 'flags');

      await dovecot.append([plainMail('One more, while idle')], folder);
      await waitFor(async () => (await ticketCount()) === 4, 'the fourth ticket');
      expect(await inboundCount()).toBe(4);
    });

    it('takes each message exactly once with several processes polling, and does not take again a message stored before a crash', async () => {
      const raws = Array.from({ length: 12 }, (_, n) => plainMail(`Mail ${n}`, { from: `sender${n}@plain.example` }));
      await dovecot.append(raws, folder);
      // A process died after storing the first message and before flagging it on the server:
      // seen again, its Message-ID answers that it was taken.
      const [first] = await dovecot.messages(folder);
      const stored = await takeInMail(t.ctx, { mailboxKey: 'env', mailboxId: null }, raws[0] ?? Buffer.alloc(0));
      expect(stored.duplicate).toBe(false);
      expect(first?.flags.has(TAKEN_KEYWORD)).toBe(false);

      pollers.push(startMailboxPolling(t.ctx, { holder: 'one' }), startMailboxPolling(t.ctx, { holder: 'two' }));
      await waitFor(async () => (await dovecot.messages(folder)).every((message) => message.flags.has(TAKEN_KEYWORD)), 'every message flagged');
      expect(await ticketCount()).toBe(12);
      expect(await inboundCount()).toBe(12);
      const placed = await t.database.db.select({ n: count() }).from(inboundMails).where(eq(inboundMails.status, 'placed'));
      expect(placed[0]?.n).toBe(12);
    });

    it('polls a mailbox a manager added, and its connection test logs in', async () => {
      await t.close();
      t = await createTestApp(kind, { inbound: { ...testConfig().inbound, pollIntervalMs: 200 } });
      desk = await createDesk(t);
      const { host, port, user, password } = dovecot.mailbox;
      const body = { address: 'support@helpline.test', host, port, tls: false, username: user, password, folder };
      const created = await t.request({ method: 'POST', url: '/api/mailboxes', token: desk.manager.accessToken, body });
      const { id } = created.json<{ id: string }>();
      await dovecot.append([plainMail('Via a stored mailbox')], folder);
      const tested = await t.request({ method: 'POST', url: `/api/mailboxes/${id}/test`, token: desk.manager.accessToken });
      expect(tested.json()).toEqual({ ok: true, messages: 1 });
      await t.request({ method: 'PATCH', url: `/api/mailboxes/${id}`, token: desk.manager.accessToken, body: { password: 'wrong password' } });
      const refused = await t.request({ method: 'POST', url: `/api/mailboxes/${id}/test`, token: desk.manager.accessToken });
      expect(refused.json()).toMatchObject({ ok: false, error: expect.stringMatching(/auth|fail|invalid/i) });
      await t.request({ method: 'PATCH', url: `/api/mailboxes/${id}`, token: desk.manager.accessToken, body: { password } });

      pollers.push(startMailboxPolling(t.ctx));
      await waitFor(async () => (await ticketCount()) === 1, 'the ticket');
      const [row] = await t.database.db.select().from(inboundMails);
      expect(row).toMatchObject({ mailboxId: id, mailboxKey: id, uid: 1, status: 'placed' });
    });
  });
});
