import { afterEach, beforeEach, expect, it } from 'vitest';
import { call, callJson, openTicketAt, patchAt, runRules, setClock, ticketOf } from '../sla/sla.test-support.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';

describeEachDatabase('escalation rule condition: tags', (kind) => {
  let t: TestApp;
  let customer: TestUser;
  let agent: TestUser;
  let manager: TestUser;
  beforeEach(async () => {
    t = await createTestApp(kind);
    setClock(t, '2024-03-04T10:00:00Z');
    customer = await createUser(t, { role: 'customer', name: 'Cora Customer' });
    agent = await createUser(t, { role: 'agent', name: 'Ada Agent' });
    manager = await createUser(t, { role: 'manager', name: 'Mia Manager' });
  });
  afterEach(() => t.close());

  it('acts on tickets carrying any of the tags, matched in their one spelling', async () => {
    const rule = await callJson<{ conditions: Record<string, unknown> }>(t, manager, 'POST', '/api/escalation-rules', {
      name: 'VIPs and refunds first',
      conditions: { tags: ['VIP', ' Refund Request '] },
      actions: { setPriority: 'urgent' },
    }, 201);
    expect(rule.conditions).toEqual({ tags: ['vip', 'refund-request'] });
    const vip = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
    const refund = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
    const other = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
    await patchAt(t, agent, '2024-03-04T10:01:00Z', vip.id, { addTags: ['vip', 'billing'] });
    await patchAt(t, agent, '2024-03-04T10:01:00Z', refund.id, { addTags: ['refund-request'] });
    await patchAt(t, agent, '2024-03-04T10:01:00Z', other.id, { addTags: ['vip-lounge'] });
    expect(await runRules(t, manager)).toEqual({ applied: 2 });
    expect((await ticketOf(t, manager, vip.id)).priority).toBe('urgent');
    expect((await ticketOf(t, manager, refund.id)).priority).toBe('urgent');
    // A tag that merely starts alike is another tag.
    expect((await ticketOf(t, manager, other.id)).priority).toBe('normal');
  });

  it('refuses malformed or empty tag lists with a 400 naming the field, and keeps agents out', async () => {
    const body = (tags: unknown) => ({ name: 'Tagged', conditions: { tags }, actions: { setPriority: 'high' } });
    const bad = await call(t, manager, 'POST', '/api/escalation-rules', body(['no/slash']));
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_tag', details: [{ path: 'conditions.tags[0]' }] } });
    expect((await call(t, manager, 'POST', '/api/escalation-rules', body([]))).statusCode).toBe(400);
    expect((await call(t, agent, 'POST', '/api/escalation-rules', body(['vip']))).statusCode).toBe(403);
  });
});
