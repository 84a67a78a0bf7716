import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mailOutbox } from '../mail/mail.schema.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { DEFAULT_PASSWORD, setRolePermissions, currentPermissions, type TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, type Desk } from '../tickets/tickets.test-support.js';

describeEachDatabase('staff create the customer they open a ticket for', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const create = (who: TestUser | undefined, body: unknown) =>
    t.request({ method: 'POST', url: '/api/users/requesters', token: who?.accessToken, body });
  const mailsTo = (address: string) => t.database.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, address));

  it('makes a customer account, mails them a link to choose a password, and takes tickets opened for them', async () => {
    const created = await create(desk.agent, { email: 'Nora@Example.test', name: ' Nora North ' });
    expect(created.statusCode, created.body).toBe(201);
    const nora = created.json<{ id: string; name: string; email: string }>();
    expect(nora).toEqual({ id: expect.any(String) as unknown, name: 'Nora North', email: 'nora@example.test' });
    expect(await getJson(t, desk.manager, `/api/users/${nora.id}`)).toMatchObject({ role: 'customer', active: true });

    const [mail, ...more] = await mailsTo('nora@example.test');
    expect(more).toEqual([]);
    expect(mail).toMatchObject({ kind: 'customer_invitation', subject: 'Your Helpline account' });
    expect(mail?.textBody).toContain(desk.agent.user.name);
    const token = decodeURIComponent(/reset-password\?token=([^\s"&]+)/.exec(mail?.textBody ?? '')?.[1] ?? '');
    // Nobody can sign in before the customer chose a password.
    expect((await t.request({ method: 'POST', url: '/api/auth/login', body: { email: nora.email, password: DEFAULT_PASSWORD } })).statusCode).toBe(401);
    const chosen = await t.request({ method: 'POST', url: '/api/auth/password/reset', body: { token, password: 'a long walk by the river' } });
    expect(chosen.statusCode, chosen.body).toBe(204);
    expect((await t.request({ method: 'POST', url: '/api/auth/login', body: { email: nora.email, password: 'a long walk by the river' } })).statusCode).toBe(200);

    const ticket = await openTicket(t, desk.agent, { requesterId: nora.id });
    expect(ticket.requesterId).toBe(nora.id);
    expect((await getJson<{ items: { id: string }[] }>(t, desk.agent, '/api/users/requesters?q=nora')).items).toMatchObject([{ id: nora.id }]);
  });

  it('never makes staff: a role in the body is refused, and nothing is created', async () => {
    for (const role of ['agent', 'manager', 'customer']) {
      const response = await create(desk.manager, { email: `x-${role}@example.test`, name: 'Sneaky', role });
      expect(response.statusCode).toBe(400);
    }
    expect(await mailsTo('x-agent@example.test')).toEqual([]);
  });

  it('refuses customers (403), staff without tickets.create (403), no token (401), a used email (409), bad input (400)', async () => {
    expect((await create(desk.customer, { email: 'friend@example.test', name: 'Friend' })).json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await create(undefined, { email: 'friend@example.test', name: 'Friend' })).statusCode).toBe(401);
    const taken = await create(desk.agent, { email: desk.customer.user.email, name: 'Again' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ error: { code: 'email_taken' } });
    expect((await create(desk.agent, { email: 'not-an-email', name: 'Friend' })).statusCode).toBe(400);
    expect((await create(desk.agent, { email: 'friend@example.test', name: '' })).statusCode).toBe(400);

    const agentPermissions = await currentPermissions(t, desk.manager, 'agent');
    await setRolePermissions(t, desk.manager, 'agent', agentPermissions.filter((permission) => permission !== 'tickets.create'));
    expect((await create(desk.agent, { email: 'friend@example.test', name: 'Friend' })).statusCode).toBe(403);
    expect(await mailsTo('friend@example.test')).toEqual([]);
  });
});
