import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import type { TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, patchTicket, type Desk } from '../tickets/tickets.test-support.js';

interface Named {
  id: string;
  name: string;
}
type Macro = Named & { actions: { addTags?: string[]; removeTags?: string[]; status?: string } };
type View = Named & { filters: { tag?: string; priority?: string } };
type Rule = Named & { conditions: { tags?: string[] } };

describeEachDatabase('a tag change reaches macros, views and rules', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
    const ticket = await openTicket(t, desk.customer);
    await patchTicket(t, desk.agent, ticket.id, { addTags: ['billing', 'vip'] });
  });
  afterEach(() => t.close());

  async function create<T>(who: TestUser, url: string, body: unknown): Promise<T> {
    const response = await t.request({ method: 'POST', url, body, token: who.accessToken });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<T>();
  }
  const change = (method: 'PATCH' | 'DELETE', name: string, body?: unknown) =>
    t.request({ method, url: `/api/tags/${name}`, token: desk.manager.accessToken, body });
  const byId = async <T extends Named>(who: TestUser, url: string, id: string) =>
    (await getJson<{ items: T[] }>(t, who, url)).items.find((item) => item.id === id);

  async function setting() {
    const team = await create<Named>(desk.manager, '/api/teams', { name: 'Billing' });
    return {
      macro: await create<Macro>(desk.agent, '/api/macros', { name: 'Refund', body: '', actions: { addTags: ['Billing', 'refund'], removeTags: ['billing'] } }),
      view: await create<View>(desk.agent, '/api/views', { name: 'Billing', filters: { tag: 'billing', priority: 'high' } }),
      sharedView: await create<View>(desk.manager, '/api/views', { name: 'VIP', shared: true, filters: { tag: 'vip' } }),
      escalation: await create<Rule>(desk.manager, '/api/escalation-rules', { name: 'Billing first', conditions: { tags: ['billing', 'invoices'] }, actions: { setPriority: 'high' } }),
      routing: await create<Rule>(desk.manager, '/api/routing-rules', { name: 'To billing', conditions: { tags: ['billing'] }, teamId: team.id }),
    };
  }

  it('a rename renames the tag in each (merging where the new name is named already), and only there', async () => {
    const made = await setting();
    const renamed = await change('PATCH', 'billing', { name: 'Invoices' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await byId<Macro>(desk.agent, '/api/macros', made.macro.id))?.actions).toEqual({ addTags: ['invoices', 'refund'], removeTags: ['invoices'] });
    expect((await byId<View>(desk.agent, '/api/views', made.view.id))?.filters).toEqual({ tag: 'invoices', priority: 'high' });
    expect((await byId<View>(desk.agent, '/api/views', made.sharedView.id))?.filters).toEqual({ tag: 'vip' });
    expect((await byId<Rule>(desk.manager, '/api/escalation-rules', made.escalation.id))?.conditions).toEqual({ tags: ['invoices'] });
    expect((await byId<Rule>(desk.manager, '/api/routing-rules', made.routing.id))?.conditions).toEqual({ tags: ['invoices'] });
  });

  it('a delete takes the tag out of macros, views and rules that test other tags too', async () => {
    const made = await setting();
    await t.request({ method: 'DELETE', url: `/api/routing-rules/${made.routing.id}`, token: desk.manager.accessToken });
    const deleted = await change('DELETE', 'billing');
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect((await byId<Macro>(desk.agent, '/api/macros', made.macro.id))?.actions).toEqual({ addTags: ['refund'] });
    expect((await byId<View>(desk.agent, '/api/views', made.view.id))?.filters).toEqual({ priority: 'high' });
    expect((await byId<Rule>(desk.manager, '/api/escalation-rules', made.escalation.id))?.conditions).toEqual({ tags: ['invoices'] });
  });

  it('refuses to delete the only tag a rule tests, and then changes nothing at all', async () => {
    const made = await setting();
    const refused = await change('DELETE', 'billing');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'tag_in_use', message: expect.stringContaining('"To billing"') as unknown } });
    // One transaction: tickets, macros and views keep the tag too.
    expect((await getJson<{ items: { name: string }[] }>(t, desk.agent, '/api/tags')).items.map((tag) => tag.name)).toContain('billing');
    expect((await byId<Macro>(desk.agent, '/api/macros', made.macro.id))?.actions).toEqual(made.macro.actions);
    expect((await byId<View>(desk.agent, '/api/views', made.view.id))?.filters).toEqual(made.view.filters);
    expect((await byId<Rule>(desk.manager, '/api/escalation-rules', made.escalation.id))?.conditions).toEqual({ tags: ['billing', 'invoices'] });
  });

  it("an agent's attempt changes no macro, view or rule", async () => {
    const made = await setting();
    const refused = await t.request({ method: 'PATCH', url: '/api/tags/billing', token: desk.agent.accessToken, body: { name: 'gold' } });
    expect(refused.statusCode).toBe(403);
    expect((await byId<View>(desk.agent, '/api/views', made.view.id))?.filters).toEqual(made.view.filters);
    expect((await byId<Rule>(desk.manager, '/api/routing-rules', made.routing.id))?.conditions).toEqual({ tags: ['billing'] });
  });
});
