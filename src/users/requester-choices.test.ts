import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, currentPermissions, setRolePermissions, type TestUser } from '../test/factories.js';
import { createDesk, type Desk } from '../tickets/tickets.test-support.js';

describeEachDatabase('customers to open a ticket for', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const choices = (who: TestUser, q = '') =>
    t.request({ method: 'GET', url: `/api/users/requesters${q ? `?q=${encodeURIComponent(q)}` : ''}`, token: who.accessToken });
  const names = async (who: TestUser, q = '') => (await choices(who, q)).json<{ items: { name: string }[] }>().items.map((item) => item.name);

  it('lists active customers only, by name, found by name or email, and staff open a ticket for one', async () => {
    const gone = await createUser(t, { role: 'customer', name: 'Gus Gone', email: 'gus@example.test' });
    await t.request({ method: 'PATCH', url: `/api/users/${gone.user.id}`, token: desk.manager.accessToken, body: { active: false } });
    expect(await names(desk.agent)).toEqual(['Cora Customer', 'Otto Other']);
    expect(await names(desk.agent, 'otto')).toEqual(['Otto Other']);
    expect(await names(desk.agent, desk.customer.user.email.slice(0, 12))).toEqual(['Cora Customer']);
    expect(await names(desk.agent, '%')).toEqual([]);
    const [cora] = (await choices(desk.manager, 'cora')).json<{ items: { id: string; email: string }[] }>().items;
    expect(cora).toEqual({ id: desk.customer.user.id, name: 'Cora Customer', email: desk.customer.user.email });
    const opened = await t.request({
      method: 'POST',
      url: '/api/tickets',
      token: desk.agent.accessToken,
      body: { subject: 'Called in', description: 'By phone', requesterId: cora?.id },
    });
    expect(opened.json()).toMatchObject({ requester: { id: desk.customer.user.id, name: 'Cora Customer' } });
  });

  it('is for staff who may open tickets: customers and staff without tickets.create are refused', async () => {
    const refused = await choices(desk.customer);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: { code: 'forbidden', message: 'Only staff may open a ticket on behalf of a customer' } });
    const agentPermissions = await currentPermissions(t, desk.manager, 'agent');
    await setRolePermissions(t, desk.manager, 'agent', agentPermissions.filter((permission) => permission !== 'tickets.create'));
    expect((await choices(desk.agent)).json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission tickets.create' } });
    expect((await t.request({ method: 'GET', url: '/api/users/requesters' })).statusCode).toBe(401);
  });
});
