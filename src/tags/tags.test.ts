import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { currentPermissions, setRolePermissions } from '../test/factories.js';
import { createDesk, getJson, openTicket, patchTicket, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';

type Tagged = TicketJson & { tags?: string[]; version?: number; abilities: { tag: boolean } };

describeEachDatabase('tags', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const read = (id: string, who = desk.agent) => getJson<Tagged>(t, who, `/api/tickets/${id}`);
  const list = (url: string, who = desk.agent) => t.request({ method: 'GET', url, token: who.accessToken });

  it('agents add and remove tags in one spelling; the change is in the history, without moving the ticket', async () => {
    const ticket = await openTicket(t, desk.customer);
    t.clock.advance(60_000);
    const added = await patchTicket(t, desk.agent, ticket.id, { addTags: ['Refund', ' billing issue ', 'vip'] });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json<Tagged>().tags).toEqual(['billing-issue', 'refund', 'vip']);
    // Tags are internal: the customer's view of the ticket does not move.
    expect(added.json<Tagged>().updatedAt).toBe(ticket.updatedAt);
    expect(added.headers.etag).toBe('"1"');

    const removed = await patchTicket(t, desk.agent, ticket.id, { removeTags: ['VIP'], addTags: ['refund'] });
    expect(removed.json<Tagged>().tags).toEqual(['billing-issue', 'refund']);

    const history = await getJson<{ items: { type: string; internal: boolean; data: Record<string, unknown> }[] }>(
      t,
      desk.agent,
      `/api/tickets/${ticket.id}/events`,
    );
    expect(history.items.filter((event) => event.type === 'ticket.tags_changed')).toEqual([
      expect.objectContaining({ internal: true, data: { added: ['billing-issue', 'refund', 'vip'], removed: [], tags: ['billing-issue', 'refund', 'vip'] } }),
      expect.objectContaining({ internal: true, data: { added: [], removed: ['vip'], tags: ['billing-issue', 'refund'] } }),
    ]);
    // Nothing to change: no event.
    await patchTicket(t, desk.agent, ticket.id, { addTags: ['refund'] });
    const again = await getJson<{ items: { type: string }[] }>(t, desk.agent, `/api/tickets/${ticket.id}/events`);
    expect(again.items.filter((event) => event.type === 'ticket.tags_changed')).toHaveLength(2);
  });

  it('customers never see tags: not on the ticket, not in the history, not as a filter or a list', async () => {
    const ticket = await openTicket(t, desk.customer);
    await patchTicket(t, desk.agent, ticket.id, { addTags: ['angry'] });
    const own = await read(ticket.id, desk.customer);
    expect(own).not.toHaveProperty('tags');
    expect(own.abilities.tag).toBe(false);
    const history = await getJson<{ items: { type: string }[] }>(t, desk.customer, `/api/tickets/${ticket.id}/events`);
    expect(history.items.map((event) => event.type)).not.toContain('ticket.tags_changed');
    expect(JSON.stringify(history)).not.toContain('angry');
    const queue = await getJson<{ items: Tagged[] }>(t, desk.customer, '/api/tickets');
    expect(queue.items[0]).not.toHaveProperty('tags');

    // Filtering by a tag would tell it: refused, as is the list of tags.
    const filtered = await list('/api/tickets?tag=angry', desk.customer);
    expect(filtered.statusCode).toBe(403);
    expect(filtered.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission tickets.note' } });
    expect((await list('/api/tags', desk.customer)).statusCode).toBe(403);

    const tagging = await patchTicket(t, desk.customer, ticket.id, { addTags: ['happy'] });
    expect(tagging.statusCode).toBe(403);
    expect(tagging.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission tickets.tag' } });
    expect((await read(ticket.id)).tags).toEqual(['angry']);
  });

  it('another customer cannot tag, or learn of, a ticket that is not theirs (404)', async () => {
    const ticket = await openTicket(t, desk.customer);
    const response = await patchTicket(t, desk.otherCustomer, ticket.id, { addTags: ['x'] });
    expect(response.statusCode).toBe(404);
  });

  it('follows tickets.tag: an agent without it is refused and nothing of the patch is applied', async () => {
    const ticket = await openTicket(t, desk.customer);
    const agentPermissions = await currentPermissions(t, desk.manager, 'agent');
    await setRolePermissions(t, desk.manager, 'agent', agentPermissions.filter((permission) => permission !== 'tickets.tag'));
    const response = await patchTicket(t, desk.agent, ticket.id, { status: 'in_progress', addTags: ['x'] });
    expect(response.statusCode).toBe(403);
    const after = await read(ticket.id);
    expect(after.status).toBe('open');
    expect(after.tags).toEqual([]);
    expect(after.abilities.tag).toBe(false);
  });

  it('refuses malformed tags and too many of them with a readable 400', async () => {
    const ticket = await openTicket(t, desk.customer);
    const bad = await patchTicket(t, desk.agent, ticket.id, { addTags: ['ok', 'no/slash'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_tag', details: [{ path: 'addTags[1]' }] } });
    const many = Array.from({ length: 20 }, (_, index) => `tag${index}`);
    expect((await patchTicket(t, desk.agent, ticket.id, { addTags: many })).statusCode).toBe(200);
    const more = await patchTicket(t, desk.agent, ticket.id, { addTags: Array.from({ length: 11 }, (_, index) => `more${index}`) });
    expect(more.statusCode).toBe(400);
    expect(more.json()).toMatchObject({ error: { code: 'too_many_tags' } });
    expect((await read(ticket.id)).tags).toHaveLength(20);
  });

  it('filters the queue by tag, with other filters and sorts, and counts tags for autocomplete', async () => {
    const first = await openTicket(t, desk.customer, { subject: 'Refund please' });
    const second = await openTicket(t, desk.otherCustomer, { subject: 'Refund too' });
    const third = await openTicket(t, desk.customer, { subject: 'Other' });
    await patchTicket(t, desk.agent, first.id, { addTags: ['refund', 'vip'] });
    await patchTicket(t, desk.agent, second.id, { addTags: ['refund'] });
    await patchTicket(t, desk.agent, third.id, { addTags: ['vip-lounge'] });

    const numbers = async (url: string) => (await getJson<{ items: Tagged[] }>(t, desk.agent, url)).items.map((ticket) => ticket.number);
    expect(await numbers('/api/tickets?tag=Refund')).toEqual([second.number, first.number]);
    expect(await numbers(`/api/tickets?tag=refund&requesterId=${desk.customer.user.id}`)).toEqual([first.number]);
    expect(await numbers('/api/tickets?tag=refund&sort=created&order=asc')).toEqual([first.number, second.number]);
    expect(await numbers('/api/tickets?tag=refund&q=refund')).toEqual([second.number, first.number]);
    expect(await numbers('/api/tickets?tag=vip')).toEqual([first.number]);

    const tags = await getJson<{ items: { name: string; count: number }[] }>(t, desk.agent, '/api/tags');
    expect(tags.items).toEqual([
      { name: 'refund', count: 2 },
      { name: 'vip', count: 1 },
      { name: 'vip-lounge', count: 1 },
    ]);
    const prefixed = await getJson<{ items: { name: string }[] }>(t, desk.agent, '/api/tags?q=VI&limit=1');
    expect(prefixed.items).toEqual([{ name: 'vip', count: 1 }]);
    expect((await list('/api/tags?q=%25')).statusCode).toBe(400);
  });
});
