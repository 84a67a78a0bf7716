import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { expectErrorShape } from '../security/answers.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, currentPermissions, setRolePermissions, type TestUser } from '../test/factories.js';
import { mailOutbox } from './mail.schema.js';
import { enqueueMail, findMail } from './outbox.repository.js';

describeEachDatabase('failed mail routes', (kind) => {
  let t: TestApp;
  let manager: TestUser;
  beforeEach(async () => {
    t = await createTestApp(kind);
    manager = await createUser(t, { role: 'manager' });
  });
  afterEach(() => t.close());

  /** A mail that used up its attempts, as the worker leaves it. */
  const failedMail = async (subject: string) => {
    const mail = await enqueueMail(
      t.database.db,
      { kind: 'ticket_created', to: 'customer@example.test', subject, text: 'text', html: '<p>html</p>' },
      t.ctx,
    );
    await t.database.db
      .update(mailOutbox)
      .set({ status: 'failed', attempts: 8, lastError: '550 Mailbox unavailable' })
      .where(eq(mailOutbox.id, mail.id));
    t.clock.advance(1000);
    return mail;
  };

  it('lists failed mails newest first, page by page', async () => {
    const first = await failedMail('first');
    await failedMail('second');
    const third = await failedMail('third');
    await enqueueMail(t.database.db, { kind: 'k', to: 'x@example.test', subject: 'pending', text: 't', html: 'h' }, t.ctx);

    const page1 = await t.request({ method: 'GET', url: '/api/mail/failed?limit=2', token: manager.accessToken });
    expect(page1.statusCode).toBe(200);
    const body1 = page1.json<{ items: { subject: string }[]; nextCursor: string }>();
    expect(body1.items).toEqual([
      {
        id: String(third.id),
        kind: 'ticket_created',
        to: 'customer@example.test',
        subject: 'third',
        attempts: 8,
        lastError: '550 Mailbox unavailable',
        createdAt: third.createdAt.toISOString(),
      },
      expect.objectContaining({ subject: 'second' }),
    ]);
    expect(body1.nextCursor).toEqual(expect.any(String));

    const page2 = await t.request({
      method: 'GET',
      url: `/api/mail/failed?limit=2&cursor=${encodeURIComponent(body1.nextCursor)}`,
      token: manager.accessToken,
    });
    expect(page2.json()).toEqual({ items: [expect.objectContaining({ id: String(first.id), subject: 'first' })], nextCursor: null });
  });

  it('retries a failed mail: back in the queue with fresh attempts', async () => {
    const mail = await failedMail('bounced');
    const response = await t.request({ method: 'POST', url: `/api/mail/${mail.id}/retry`, token: manager.accessToken });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await findMail(t.database.db, mail.id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: t.clock.now() });
    const list = await t.request({ method: 'GET', url: '/api/mail/failed', token: manager.accessToken });
    expect(list.json()).toEqual({ items: [], nextCursor: null });
  });

  it('answers 404 for a mail that does not exist or has not failed', async () => {
    const pending = await enqueueMail(t.database.db, { kind: 'k', to: 'x@example.test', subject: 's', text: 't', html: 'h' }, t.ctx);
    for (const id of [pending.id, 999_999]) {
      const response = await t.request({ method: 'POST', url: `/api/mail/${id}/retry`, token: manager.accessToken });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'mail_not_found', message: expect.any(String) } });
    }
    expect(await findMail(t.database.db, pending.id)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('answers 401 without a token', async () => {
    const mail = await failedMail('bounced');
    expect((await t.request({ method: 'GET', url: '/api/mail/failed' })).statusCode).toBe(401);
    expect((await t.request({ method: 'POST', url: `/api/mail/${mail.id}/retry` })).statusCode).toBe(401);
    expect(await findMail(t.database.db, mail.id)).toMatchObject({ status: 'failed' });
  });

  it('answers 403 to agents and customers and changes nothing', async () => {
    const mail = await failedMail('bounced');
    for (const role of ['agent', 'customer'] as const) {
      const { accessToken } = await createUser(t, { role });
      const list = await t.request({ method: 'GET', url: '/api/mail/failed', token: accessToken });
      expect(list.statusCode).toBe(403);
      expect(list.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission mail.manage' } });
      const retry = await t.request({ method: 'POST', url: `/api/mail/${mail.id}/retry`, token: accessToken });
      expect(retry.statusCode).toBe(403);
    }
    expect(await findMail(t.database.db, mail.id)).toMatchObject({ status: 'failed', attempts: 8 });
  });

  it('follows mail.manage, not the role: a manager without it is refused, an agent with it served', async () => {
    const mail = await failedMail('bounced');
    const agent = await createUser(t, { role: 'agent' });
    const setPermissions = async (role: 'agent' | 'manager', change: (permissions: string[]) => string[]) =>
      setRolePermissions(t, manager, role, change(await currentPermissions(t, manager, role)));

    await setPermissions('manager', (permissions) => permissions.filter((permission) => permission !== 'mail.manage'));
    const list = await t.request({ method: 'GET', url: '/api/mail/failed', token: manager.accessToken });
    expect(list.statusCode).toBe(403);
    expect(list.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission mail.manage' } });
    expect((await t.request({ method: 'POST', url: `/api/mail/${mail.id}/retry`, token: manager.accessToken })).statusCode).toBe(403);
    expect(await findMail(t.database.db, mail.id)).toMatchObject({ status: 'failed', attempts: 8 });

    await setPermissions('agent', (permissions) => [...permissions, 'mail.manage']);
    expect((await t.request({ method: 'GET', url: '/api/mail/failed', token: agent.accessToken })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: `/api/mail/${mail.id}/retry`, token: agent.accessToken })).statusCode).toBe(204);
  });

  it('answers 400 to malformed ids, cursors, limits and unknown parameters', async () => {
    const token = manager.accessToken;
    const bad = [
      { method: 'POST' as const, url: '/api/mail/abc/retry' },
      { method: 'POST' as const, url: '/api/mail/1e3/retry' },
      { method: 'GET' as const, url: '/api/mail/failed?cursor=not-a-cursor' },
      { method: 'GET' as const, url: `/api/mail/failed?cursor=${Buffer.from('{"id":1}').toString('base64url')}` },
      { method: 'GET' as const, url: '/api/mail/failed?limit=0' },
      { method: 'GET' as const, url: '/api/mail/failed?limit=101' },
      { method: 'GET' as const, url: '/api/mail/failed?status=sent' },
    ];
    for (const request of bad) {
      const response = await t.request({ ...request, token });
      expect(response.statusCode, request.url).toBe(400);
      expectErrorShape({ status: response.statusCode, contentType: String(response.headers['content-type']), body: response.body }, request.url);
    }
  });

  it('is described in the OpenAPI document', async () => {
    const paths = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, unknown> }>().paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/mail/failed', '/api/mail/{id}/retry']));
  });
});
