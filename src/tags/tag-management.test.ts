import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk, getJson, openTicket, patchTicket, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';

type Tagged = TicketJson & { tags?: string[]; version: number };
interface EventJson {
  type: string;
  internal: boolean;
  data: Record<string, unknown>;
}

describeEachDatabase('tag management (rename, merge, delete)', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const rename = (from: string, to: unknown, who = desk.manager) =>
    t.request({ method: 'PATCH', url: `/api/tags/${from}`, token: who.accessToken, body: { name: to } });
  const remove = (name: string, who = desk.manager) => t.request({ method: 'DELETE', url: `/api/tags/${name}`, token: who.accessToken });
  const tagsOf = async (id: string) => (await getJson<Tagged>(t, desk.agent, `/api/tickets/${id}`)).tags;
  const tagEvents = async (id: string) =>
    (await getJson<{ items: EventJson[] }>(t, desk.agent, `/api/tickets/${id}/events`)).items.filter((event) => event.type === 'ticket.tags_changed');

  it('renames a tag on every ticket, one history event each, and merges into a tag in use', async () => {
    const one = await openTicket(t, desk.customer);
    const two = await openTicket(t, desk.otherCustomer);
    const untouched = await openTicket(t, desk.customer);
    await patchTicket(t, desk.agent, one.id, { addTags: ['billing', 'vip'] });
    await patchTicket(t, desk.agent, two.id, { addTags: ['billing', 'invoices'] });
    await patchTicket(t, desk.agent, untouched.id, { addTags: ['vip'] });
    const before = await getJson<Tagged>(t, desk.customer, `/api/tickets/${one.id}`);

    const renamed = await rename('Billing', 'Invoices');
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toEqual({ name: 'invoices', tickets: 2 });
    expect(await tagsOf(one.id)).toEqual(['invoices', 'vip']);
    // Merged: the ticket carrying both keeps one.
    expect(await tagsOf(two.id)).toEqual(['invoices']);
    expect(await tagsOf(untouched.id)).toEqual(['vip']);
    expect((await tagEvents(one.id)).at(-1)).toMatchObject({ internal: true, data: { added: ['invoices'], removed: ['billing'], tags: ['invoices', 'vip'] } });
    expect((await tagEvents(two.id)).at(-1)).toMatchObject({ data: { added: [], removed: ['billing'], tags: ['invoices'] } });
    expect(await tagEvents(untouched.id)).toHaveLength(1);
    // Tags are internal: the customer's ticket does not move.
    const after = await getJson<Tagged>(t, desk.customer, `/api/tickets/${one.id}`);
    expect(after.updatedAt).toBe(before.updatedAt);
    expect(after.version).toBe(before.version);
    const counts = await getJson<{ items: { name: string; count: number }[] }>(t, desk.agent, '/api/tags');
    expect(counts.items).toEqual([
      { name: 'invoices', count: 2 },
      { name: 'vip', count: 2 },
    ]);
  });

  it('deletes a tag from every ticket; a tag on no ticket is not found', async () => {
    const one = await openTicket(t, desk.customer);
    await patchTicket(t, desk.agent, one.id, { addTags: ['obsolete', 'vip'] });
    const deleted = await remove('obsolete');
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json()).toEqual({ name: null, tickets: 1 });
    expect(await tagsOf(one.id)).toEqual(['vip']);
    expect((await tagEvents(one.id)).at(-1)).toMatchObject({ data: { added: [], removed: ['obsolete'], tags: ['vip'] } });
    expect((await remove('obsolete')).json()).toMatchObject({ error: { code: 'tag_not_found' } });
    expect((await rename('never-used', 'other')).statusCode).toBe(404);
  });

  it('is for managers: agents and customers are refused and nothing changes; bad names are a 400; 401 without a token', async () => {
    const one = await openTicket(t, desk.customer);
    await patchTicket(t, desk.agent, one.id, { addTags: ['vip'] });
    const agent = await rename('vip', 'gold', desk.agent);
    expect(agent.statusCode).toBe(403);
    expect(agent.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission macros.manage' } });
    expect((await remove('vip', desk.agent)).statusCode).toBe(403);
    // A customer learns not even whether the tag exists.
    const customer = await rename('vip', 'gold', desk.customer);
    expect(customer.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission tickets.note' } });
    expect((await remove('no-such-tag', desk.customer)).statusCode).toBe(403);
    expect(await tagsOf(one.id)).toEqual(['vip']);
    expect(await tagEvents(one.id)).toHaveLength(1);

    const bad = await rename('vip', 'no/slash');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_tag' } });
    expect((await rename('vip', '')).statusCode).toBe(400);
    expect((await t.request({ method: 'DELETE', url: '/api/tags/vip' })).statusCode).toBe(401);
    expect(await tagsOf(one.id)).toEqual(['vip']);
  });
});
