import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { currentPermissions, setRolePermissions, type TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, patchTicket, type Desk } from '../tickets/tickets.test-support.js';

interface ViewJson {
  id: string;
  name: string;
  shared: boolean;
  count: number | null;
  filters: Record<string, unknown>;
  sort: string | null;
  order: string | null;
}

describeEachDatabase('saved views', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const send = (who: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    t.request({ method, url, token: who.accessToken, body });
  async function view(who: TestUser, body: Record<string, unknown>): Promise<ViewJson> {
    const response = await send(who, 'POST', '/api/views', body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json<ViewJson>();
  }
  const counts = async (who: TestUser) =>
    Object.fromEntries((await getJson<{ items: ViewJson[] }>(t, who, '/api/views')).items.map((item) => [item.name, item.count]));

  it('lists shared and own views with live counts of what the caller sees', async () => {
    await view(desk.manager, { name: 'Urgent', shared: true, filters: { priority: 'urgent', statuses: ['open', 'in_progress'] } });
    await view(desk.agent, { name: 'My open', filters: { assigneeId: 'me', statuses: ['open'] }, sort: 'due', order: 'asc' });
    await view(desk.agent, { name: 'Refunds', filters: { tag: 'Refund' } });
    expect(await counts(desk.agent)).toEqual({ Urgent: 0, 'My open': 0, Refunds: 0 });

    const first = await openTicket(t, desk.customer);
    const second = await openTicket(t, desk.otherCustomer);
    await patchTicket(t, desk.manager, first.id, { priority: 'urgent', assigneeId: desk.agent.user.id, addTags: ['refund'] });
    await patchTicket(t, desk.manager, second.id, { priority: 'urgent' });
    expect(await counts(desk.agent)).toEqual({ Urgent: 2, 'My open': 1, Refunds: 1 });
    // "me" is whoever looks: the other agent has the shared view only, with their own count.
    expect(await counts(desk.otherAgent)).toEqual({ Urgent: 2 });
    await patchTicket(t, desk.agent, first.id, { status: 'resolved' });
    expect(await counts(desk.agent)).toEqual({ Urgent: 1, 'My open': 0, Refunds: 1 });

    const listed = await getJson<{ items: ViewJson[] }>(t, desk.agent, '/api/views');
    expect(listed.items.map((item) => [item.name, item.shared])).toEqual([
      ['Urgent', true],
      ['My open', false],
      ['Refunds', false],
    ]);
    expect(listed.items[1]).toMatchObject({ sort: 'due', order: 'asc', filters: { assigneeId: 'me', statuses: ['open'] } });
    expect(listed.items[2]?.filters).toEqual({ tag: 'refund' });
  });

  it('keeps views from customers, personal views to their owner, shared ones to views.manage', async () => {
    expect((await send(desk.customer, 'GET', '/api/views')).statusCode).toBe(403);
    expect((await send(desk.customer, 'POST', '/api/views', { name: 'Mine', filters: {} })).statusCode).toBe(403);
    const mine = await view(desk.agent, { name: 'Mine', filters: {} });
    expect((await send(desk.otherAgent, 'PATCH', `/api/views/${mine.id}`, { name: 'Stolen' })).statusCode).toBe(404);
    expect((await send(desk.manager, 'DELETE', `/api/views/${mine.id}`)).statusCode).toBe(404);
    expect((await send(desk.customer, 'DELETE', `/api/views/${mine.id}`)).statusCode).toBe(404);
    const shared = await send(desk.agent, 'POST', '/api/views', { name: 'Ours', filters: {}, shared: true });
    expect(shared.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission views.manage' } });
    const desks = await view(desk.manager, { name: 'Desk', filters: {}, shared: true });
    expect((await send(desk.agent, 'PATCH', `/api/views/${desks.id}`, { name: 'Mine now' })).statusCode).toBe(403);
    const renamed = await send(desk.agent, 'PATCH', `/api/views/${mine.id}`, { name: 'Still mine', filters: { priority: 'high' } });
    expect(renamed.json()).toMatchObject({ name: 'Still mine', filters: { priority: 'high' } });
    expect((await send(desk.manager, 'DELETE', `/api/views/${desks.id}`)).statusCode).toBe(204);
    expect(Object.keys(await counts(desk.agent))).toEqual(['Still mine']);
  });

  it('counts only what the caller sees, and hides the count of a tag view from those who may not see tags', async () => {
    const agentPermissions = await currentPermissions(t, desk.manager, 'agent');
    await view(desk.manager, { name: 'VIP', shared: true, filters: { tag: 'vip' } });
    await view(desk.manager, { name: 'Everything', shared: true, filters: {} });
    const ticket = await openTicket(t, desk.customer);
    await patchTicket(t, desk.manager, ticket.id, { addTags: ['vip'] });
    expect(await counts(desk.agent)).toEqual({ VIP: 1, Everything: 1 });
    await setRolePermissions(t, desk.manager, 'agent', agentPermissions.filter((permission) => permission !== 'tickets.note'));
    expect(await counts(desk.agent)).toEqual({ VIP: null, Everything: 1 });
    const tagView = await send(desk.agent, 'POST', '/api/views', { name: 'Tags', filters: { tag: 'vip' } });
    expect(tagView.statusCode).toBe(403);
    // Staff who may see only their own tickets count only those.
    await setRolePermissions(t, desk.manager, 'agent', agentPermissions.filter((permission) => permission !== 'tickets.read.all'));
    expect(await counts(desk.agent)).toEqual({ VIP: 0, Everything: 0 });
  });

  it('refuses malformed views with a readable 400', async () => {
    expect((await send(desk.agent, 'POST', '/api/views', { name: ' ', filters: {} })).statusCode).toBe(400);
    expect((await send(desk.agent, 'POST', '/api/views', { name: 'x', filters: { statuses: ['gone'] } })).statusCode).toBe(400);
    expect((await send(desk.agent, 'POST', '/api/views', { name: 'x', filters: { q: 'search' } })).statusCode).toBe(400);
    expect((await send(desk.agent, 'POST', '/api/views', { name: 'x', filters: {}, sort: 'random' })).statusCode).toBe(400);
    const badTag = await send(desk.agent, 'POST', '/api/views', { name: 'x', filters: { tag: 'a/b' } });
    expect(badTag.json()).toMatchObject({ error: { code: 'invalid_tag', details: [{ path: 'filters.tag' }] } });
  });
});
