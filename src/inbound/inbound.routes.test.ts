import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { decryptPassword } from '../mailboxes/mailbox-secrets.js';
import { mailboxes } from '../mailboxes/mailboxes.schema.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { testConfig } from '../test/config.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk, type Desk } from '../tickets/tickets.test-support.js';
import { takeInMail } from './intake.service.js';
import { plainMail } from './mail-fixtures.js';

const MAILBOX = { address: 'support@helpline.test', host: '127.0.0.1', port: 1, tls: false, username: 'support', password: 'imap secret pw' };

describeEachDatabase('inbound and mailbox routes', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind, { inbound: { ...testConfig().inbound, ticketsPerSenderPerHour: 1, maxBytes: 64 * 1024 } });
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const addMailbox = async () => {
    const response = await t.request({ method: 'POST', url: '/api/mailboxes', token: desk.manager.accessToken, body: MAILBOX });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string; pushSecret: string }>();
  };
  const push = (raw: Buffer | string, headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/inbound/email', headers: { 'content-type': 'message/rfc822', ...headers }, payload: raw });

  it('manages mailboxes without ever answering their password, which is stored encrypted', async () => {
    const created = await addMailbox();
    expect(created).toMatchObject({ address: MAILBOX.address, folder: 'INBOX', enabled: true, pushSecret: expect.stringMatching(/^[0-9a-f-]{36}\./) });
    const [stored] = await t.database.db.select().from(mailboxes).where(eq(mailboxes.id, created.id));
    expect(stored?.passwordEncrypted).not.toContain(MAILBOX.password);
    expect(decryptPassword(t.ctx.config.jwtSecret, stored?.passwordEncrypted ?? '')).toBe(MAILBOX.password);

    const list = await t.request({ method: 'GET', url: '/api/mailboxes', token: desk.manager.accessToken });
    const patched = await t.request({ method: 'PATCH', url: `/api/mailboxes/${created.id}`, token: desk.manager.accessToken, body: { folder: 'Support', password: 'new imap pw' } });
    expect(patched.json()).toMatchObject({ folder: 'Support' });
    for (const response of [list, patched]) {
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toMatch(/password|imap pw|imap secret|pushSecret/i);
    }
    // Nothing listens on port 1: the test says so instead of failing the request.
    const tested = await t.request({ method: 'POST', url: `/api/mailboxes/${created.id}/test`, token: desk.manager.accessToken });
    expect(tested.statusCode).toBe(200);
    expect(tested.json()).toMatchObject({ ok: false, error: expect.any(String) });

    for (const user of [desk.agent, desk.customer]) {
      const refused = await t.request({ method: 'GET', url: '/api/mailboxes', token: user.accessToken });
      expect(refused.statusCode).toBe(403);
      const change = await t.request({ method: 'PATCH', url: `/api/mailboxes/${created.id}`, token: user.accessToken, body: { folder: 'X' } });
      expect(change.statusCode).toBe(403);
    }
    expect((await t.request({ method: 'GET', url: '/api/mailboxes' })).statusCode).toBe(401);
    const bad = await t.request({ method: 'POST', url: '/api/mailboxes', token: desk.manager.accessToken, body: { ...MAILBOX, port: 0, host: 'a b' } });
    expect(bad.statusCode).toBe(400);
    expect((await t.request({ method: 'DELETE', url: `/api/mailboxes/${created.id}`, token: desk.manager.accessToken })).statusCode).toBe(204);
    expect((await t.request({ method: 'DELETE', url: `/api/mailboxes/${created.id}`, token: desk.manager.accessToken })).statusCode).toBe(404);
  });

  it('takes pushed mail with the mailbox’s secret only', async () => {
    const { id, pushSecret } = await addMailbox();
    const raw = plainMail('Pushed to us', { messageId: '<pushed@plain.example>' });
    const taken = await push(raw, { authorization: `Bearer ${pushSecret}` });
    expect(taken.statusCode, taken.body).toBe(202);
    expect(taken.json()).toMatchObject({ status: 'placed', ticketId: expect.any(String) });
    expect((await push(raw, { authorization: `Bearer ${pushSecret}` })).json()).toEqual({ id: null, status: 'duplicate', ticketId: null });

    const wrong = `${id}.${'A'.repeat(32)}`;
    const attempts: Record<string, string>[] = [{}, { authorization: `Bearer ${wrong}` }, { authorization: `Bearer ${desk.manager.accessToken}` }];
    for (const headers of attempts) {
      const refused = await push(plainMail('Sneaky'), headers);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    }
    const asJson = await t.app.inject({ method: 'POST', url: '/api/inbound/email', headers: { authorization: `Bearer ${pushSecret}` }, payload: { raw: 'x' } });
    expect(asJson.statusCode).toBe(415);
    const huge = await push(plainMail('x'.repeat(70 * 1024)), { authorization: `Bearer ${pushSecret}` });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ error: { code: expect.any(String) } });
  });

  it('lists failed and held mail for managers, who retry, release and discard it', async () => {
    const source = { mailboxKey: 'test', mailboxId: null };
    await takeInMail(t.ctx, source, plainMail('First'));
    const held = await takeInMail(t.ctx, source, plainMail('Second, over the cap'));
    const failed = await takeInMail(t.ctx, source, Buffer.from('Subject: no sender\r\n\r\nbody'));
    const list = await t.request({ method: 'GET', url: '/api/inbound/failed', token: desk.manager.accessToken });
    expect(list.statusCode).toBe(200);
    const items = list.json<{ items: { id: string; status: string; reason: string }[] }>().items;
    expect(items.map((item) => [item.status, item.reason]).sort()).toEqual([
      ['failed', 'no_sender'],
      ['held', 'sender_over_hourly_cap'],
    ]);
    for (const user of [desk.agent, desk.customer]) {
      expect((await t.request({ method: 'GET', url: '/api/inbound/failed', token: user.accessToken })).statusCode).toBe(403);
    }
    expect((await t.request({ method: 'GET', url: '/api/inbound/failed' })).statusCode).toBe(401);

    const heldId = held.duplicate ? '' : held.id;
    const failedId = failed.duplicate ? '' : failed.id;
    const agentRetry = await t.request({ method: 'POST', url: `/api/inbound/failed/${heldId}/retry`, token: desk.agent.accessToken });
    expect(agentRetry.statusCode).toBe(403);
    const released = await t.request({ method: 'POST', url: `/api/inbound/failed/${heldId}/retry`, token: desk.manager.accessToken });
    expect(released.json()).toMatchObject({ status: 'placed', ticketId: expect.any(String) });
    const again = await t.request({ method: 'POST', url: `/api/inbound/failed/${failedId}/retry`, token: desk.manager.accessToken });
    expect(again.json()).toMatchObject({ status: 'failed', reason: 'no_sender' });
    expect((await t.request({ method: 'POST', url: `/api/inbound/failed/${failedId}/discard`, token: desk.manager.accessToken })).statusCode).toBe(204);
    expect((await t.request({ method: 'POST', url: `/api/inbound/failed/${failedId}/discard`, token: desk.manager.accessToken })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: `/api/inbound/failed/${heldId}/retry`, token: desk.manager.accessToken })).statusCode).toBe(404);
    const after = await t.request({ method: 'GET', url: '/api/inbound/failed', token: desk.manager.accessToken });
    expect(after.json()).toEqual({ items: [], nextCursor: null });
  });
});
