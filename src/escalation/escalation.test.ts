import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { openPostgres } from '../db/database.js';
import {
  call,
  callJson,
  eventsOf,
  openTicketAt,
  patchAt,
  runRules,
  setClock,
  ticketOf,
  type TicketWithSla,
} from '../sla/sla.test-support.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { ticketEvents } from '../tickets/tickets.schema.js';
import { startEscalationScheduler } from './escalation-scheduler.js';
import { escalationRules } from './escalation.schema.js';
import { runEscalation } from './escalation.service.js';

interface RuleJson {
  id: string;
  name: string;
  enabled: boolean;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

describeEachDatabase('escalation rules', (kind) => {
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

  const createRule = (body: Record<string, unknown>) => callJson<RuleJson>(t, manager, 'POST', '/api/escalation-rules', body, 201);
  const ruleCount = async () => (await t.database.db.select({ n: count() }).from(escalationRules))[0]?.n;
  const escalationsOf = async (ticketId: string) =>
    (await eventsOf(t, manager, ticketId)).filter((event) => event.type === 'ticket.escalated');

  const urgentUnassigned = {
    name: 'Urgent and unowned for an hour',
    conditions: { priorities: ['urgent'], unassigned: true, minutesSinceCreated: 60 },
    actions: { setStatus: 'escalated', notify: ['managers'] },
  };

  describe('CRUD', () => {
    it('creates, lists in order with pages, changes and deletes rules', async () => {
      const first = await createRule(urgentUnassigned);
      expect(first).toEqual({
        id: expect.any(String),
        name: urgentUnassigned.name,
        enabled: true,
        conditions: urgentUnassigned.conditions,
        actions: urgentUnassigned.actions,
        createdAt: '2024-03-04T10:00:00.000Z',
        updatedAt: '2024-03-04T10:00:00.000Z',
      });
      setClock(t, '2024-03-04T10:01:00Z');
      const second = await createRule({
        name: 'Silent tickets',
        enabled: false,
        conditions: { minutesSinceUpdate: 1440 },
        actions: { setPriority: 'high', assignTo: agent.user.id },
      });
      expect(second.enabled).toBe(false);

      const page1 = await callJson<{ items: RuleJson[]; nextCursor: string | null }>(t, manager, 'GET', '/api/escalation-rules?limit=1');
      expect(page1.items.map((rule) => rule.id)).toEqual([first.id]);
      expect(page1.nextCursor).not.toBeNull();
      const page2 = await callJson<{ items: RuleJson[]; nextCursor: string | null }>(
        t,
        manager,
        'GET',
        `/api/escalation-rules?limit=1&cursor=${page1.nextCursor ?? ''}`,
      );
      expect(page2).toEqual({ items: [second], nextCursor: null });

      setClock(t, '2024-03-04T10:02:00Z');
      const changed = await callJson<RuleJson>(t, manager, 'PATCH', `/api/escalation-rules/${second.id}`, {
        enabled: true,
        conditions: { statuses: ['open'], minutesSinceUpdate: 60 },
      });
      expect(changed).toEqual({
        ...second,
        enabled: true,
        conditions: { statuses: ['open'], minutesSinceUpdate: 60 },
        updatedAt: '2024-03-04T10:02:00.000Z',
      });

      expect((await call(t, manager, 'DELETE', `/api/escalation-rules/${first.id}`)).statusCode).toBe(204);
      expect((await callJson<{ items: RuleJson[] }>(t, manager, 'GET', '/api/escalation-rules')).items).toEqual([changed]);
      expect((await call(t, manager, 'DELETE', `/api/escalation-rules/${first.id}`)).statusCode).toBe(404);
      const missing = await call(t, manager, 'PATCH', `/api/escalation-rules/${first.id}`, { enabled: false });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('escalation_rule_not_found');
    });

    it('refuses a tampered cursor', async () => {
      expect((await call(t, manager, 'GET', '/api/escalation-rules?cursor=bm9wZQ')).statusCode).toBe(400);
    });

    const invalidRules: [string, () => Record<string, unknown>][] = [
      ['an unknown status', () => ({ ...urgentUnassigned, conditions: { statuses: ['on_fire'] } })],
      ['an unknown status to set', () => ({ ...urgentUnassigned, actions: { setStatus: 'on_fire' } })],
      ['an unknown priority', () => ({ ...urgentUnassigned, actions: { setPriority: 'critical' } })],
      ['a customer as assignee', () => ({ ...urgentUnassigned, actions: { assignTo: customer.user.id } })],
      ['a user who does not exist as assignee', () => ({ ...urgentUnassigned, actions: { assignTo: '00000000-0000-4000-8000-000000000000' } })],
      ['an assignee that is not an id', () => ({ ...urgentUnassigned, actions: { assignTo: 'ada' } })],
      ['no conditions', () => ({ ...urgentUnassigned, conditions: {} })],
      ['no actions', () => ({ ...urgentUnassigned, actions: {} })],
      ['an empty notify list', () => ({ ...urgentUnassigned, actions: { notify: [] } })],
      ['an unknown notify target', () => ({ ...urgentUnassigned, actions: { notify: ['everyone'] } })],
      ['negative minutes', () => ({ ...urgentUnassigned, conditions: { minutesSinceCreated: -1 } })],
      ['an unknown condition', () => ({ ...urgentUnassigned, conditions: { customerIsAngry: true } })],
      ['an unknown field', () => ({ ...urgentUnassigned, priority: 1 })],
      ['a blank name', () => ({ ...urgentUnassigned, name: '   ' })],
      ['a missing name', () => ({ conditions: urgentUnassigned.conditions, actions: urgentUnassigned.actions })],
    ];
    it.each(invalidRules)('refuses %s with 400 and stores nothing', async (_name, body) => {
      const response = await call(t, manager, 'POST', '/api/escalation-rules', body());
      expect(response.statusCode, response.body).toBe(400);
      expect(await ruleCount()).toBe(0);
    });

    it('refuses an inactive agent as assignee, on create and on change', async () => {
      const gone = await createUser(t, { role: 'agent' });
      await callJson(t, manager, 'PATCH', `/api/users/${gone.user.id}`, { active: false });
      const body = { ...urgentUnassigned, actions: { assignTo: gone.user.id } };
      const created = await call(t, manager, 'POST', '/api/escalation-rules', body);
      expect(created.statusCode).toBe(400);
      expect(created.json().error.code).toBe('invalid_assignee');
      const rule = await createRule(urgentUnassigned);
      const changed = await call(t, manager, 'PATCH', `/api/escalation-rules/${rule.id}`, { actions: { assignTo: gone.user.id } });
      expect(changed.statusCode).toBe(400);
      expect((await callJson<{ items: RuleJson[] }>(t, manager, 'GET', '/api/escalation-rules')).items).toEqual([rule]);
    });

    it('is for escalation.manage holders only', async () => {
      const rule = await createRule(urgentUnassigned);
      const requests: [('GET' | 'POST' | 'PATCH' | 'DELETE'), string, unknown][] = [
        ['GET', '/api/escalation-rules', undefined],
        ['POST', '/api/escalation-rules', urgentUnassigned],
        ['PATCH', `/api/escalation-rules/${rule.id}`, { enabled: false }],
        ['DELETE', `/api/escalation-rules/${rule.id}`, undefined],
        ['POST', '/api/escalation-rules/run', undefined],
      ];
      for (const [method, url, body] of requests) {
        expect((await t.request({ method, url, body })).statusCode, `${method} ${url}`).toBe(401);
        for (const user of [agent, customer]) {
          expect((await call(t, user, method, url, body)).statusCode, `${method} ${url} as ${user.user.role}`).toBe(403);
        }
      }
      expect((await callJson<{ items: RuleJson[] }>(t, manager, 'GET', '/api/escalation-rules')).items).toEqual([rule]);
    });
  });

  describe('evaluation', () => {
    it('acts on the matching tickets only, once, through the status machine, with events naming the rule', async () => {
      const rule = await createRule({ ...urgentUnassigned, actions: { setStatus: 'escalated', assignTo: manager.user.id, notify: ['managers', 'requester'] } });
      const match = await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent', requesterId: customer.user.id });
      const assigned = await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' });
      await patchAt(t, manager, '2024-03-04T10:00:00Z', assigned.id, { assigneeId: agent.user.id });
      const normal = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
      const young = await openTicketAt(t, manager, '2024-03-04T10:30:00Z', { priority: 'urgent' });
      const resolved = await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' });
      await patchAt(t, manager, '2024-03-04T10:00:00Z', resolved.id, { status: 'resolved' });

      setClock(t, '2024-03-04T11:00:00Z');
      expect(await runRules(t, manager)).toEqual({ applied: 1 });
      const acted = await ticketOf(t, manager, match.id);
      expect([acted.status, acted.assigneeId]).toEqual(['escalated', manager.user.id]);
      const history = (await eventsOf(t, manager, match.id)).filter((event) => event.actorId === null && event.type !== 'ticket.sla_breached');
      expect(history.map(({ type, data, createdAt }) => ({ type, data, createdAt }))).toEqual([
        {
          type: 'ticket.escalated',
          data: {
            ruleId: rule.id,
            ruleName: rule.name,
            actions: { setStatus: 'escalated', assignTo: manager.user.id },
            notify: ['managers', 'requester'],
          },
          createdAt: '2024-03-04T11:00:00.000Z',
        },
        { type: 'ticket.status_changed', data: { from: 'open', to: 'escalated', ruleId: rule.id }, createdAt: '2024-03-04T11:00:00.000Z' },
        { type: 'ticket.assignee_changed', data: { from: null, to: manager.user.id, ruleId: rule.id }, createdAt: '2024-03-04T11:00:00.000Z' },
      ]);
      for (const other of [assigned, normal, young, resolved]) expect(await escalationsOf(other.id)).toEqual([]);
      // Whom the rule names hears of it: the managers and the requester.
      for (const user of [manager, customer]) {
        const { items } = await callJson<{ items: { type: string; ticketId: string }[] }>(t, user, 'GET', '/api/notifications');
        expect(items.filter((item) => item.type === 'ticket_escalated').map((item) => item.ticketId)).toEqual([match.id]);
      }
      // The customer sees the status change, not the desk's escalation bookkeeping.
      expect((await eventsOf(t, customer, match.id)).map((event) => event.type)).toEqual([
        'ticket.created',
        'ticket.status_changed',
        'ticket.assignee_changed',
      ]);

      // Once per ticket: even when the ticket matches again, the rule does not act again.
      await patchAt(t, manager, '2024-03-04T11:10:00Z', match.id, { status: 'in_progress', assigneeId: null });
      setClock(t, '2024-03-04T11:30:00Z');
      expect(await runRules(t, manager)).toEqual({ applied: 1 }); // `young` is an hour old now
      expect(await escalationsOf(match.id)).toHaveLength(1);
      expect(await escalationsOf(young.id)).toHaveLength(1);
      expect(await runRules(t, manager)).toEqual({ applied: 0 });
    });

    it('leaves disabled rules alone until they are enabled', async () => {
      const rule = await createRule({ ...urgentUnassigned, enabled: false });
      const ticket = await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' });
      setClock(t, '2024-03-04T12:00:00Z');
      expect(await runRules(t, manager)).toEqual({ applied: 0 });
      expect((await ticketOf(t, manager, ticket.id)).status).toBe('open');
      await callJson(t, manager, 'PATCH', `/api/escalation-rules/${rule.id}`, { enabled: true });
      expect(await runRules(t, manager)).toEqual({ applied: 1 });
      expect((await ticketOf(t, manager, ticket.id)).status).toBe('escalated');
    });

    it('skips a status change the status machine refuses, and still records the rule', async () => {
      const rule = await createRule({ name: 'Reopen escalations', conditions: { statuses: ['escalated'] }, actions: { setStatus: 'open', setPriority: 'high' } });
      const ticket = await openTicketAt(t, manager, '2024-03-04T10:00:00Z');
      await patchAt(t, manager, '2024-03-04T10:00:00Z', ticket.id, { status: 'escalated' });
      expect(await runRules(t, manager)).toEqual({ applied: 1 });
      const after = await ticketOf(t, manager, ticket.id);
      expect([after.status, after.priority]).toEqual(['escalated', 'high']);
      expect((await escalationsOf(ticket.id)).map((event) => event.data)).toEqual([
        { ruleId: rule.id, ruleName: rule.name, actions: { setPriority: 'high' }, notify: [] },
      ]);
    });

    it('moves the SLA due dates when a rule changes the priority, as a user change would', async () => {
      await createRule({ name: 'Raise old tickets', conditions: { minutesWithoutFirstResponse: 60 }, actions: { setPriority: 'urgent' } });
      const ticket = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
      setClock(t, '2024-03-04T10:59:00Z');
      expect(await runRules(t, manager)).toEqual({ applied: 0 });
      setClock(t, '2024-03-04T11:00:00Z');
      expect(await runRules(t, manager)).toEqual({ applied: 1 });
      const raised: TicketWithSla = await ticketOf(t, manager, ticket.id);
      expect([raised.priority, raised.firstResponseDueAt, raised.resolutionDueAt]).toEqual([
        'urgent',
        '2024-03-04T10:30:00.000Z',
        '2024-03-04T14:00:00.000Z',
      ]);
      // Raised past its new first-response due time: the breach is recorded in the same change.
      const breaches = (await eventsOf(t, manager, ticket.id)).filter((event) => event.type === 'ticket.sla_breached');
      expect(breaches.map((event) => event.data.target)).toEqual(['first_response']);
    });

    it('acts once per ticket when runs race', async () => {
      await createRule(urgentUnassigned);
      const tickets = [];
      for (let i = 0; i < 6; i++) tickets.push(await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' }));
      setClock(t, '2024-03-04T12:00:00Z');
      const runs = await Promise.all([runRules(t, manager), runRules(t, manager), runRules(t, manager)]);
      expect(runs.reduce((sum, run) => sum + run.applied, 0)).toBe(tickets.length);
      for (const ticket of tickets) expect(await escalationsOf(ticket.id)).toHaveLength(1);
    });

    it.runIf(kind === 'postgres')('acts once per ticket when two server processes run at the same moment', async () => {
      await createRule(urgentUnassigned);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' })).id);
      setClock(t, '2024-03-04T12:00:00Z');
      // A second process: its own connection pool to the same database.
      const other = await openPostgres(t.database.url ?? '');
      try {
        const otherCtx: AppContext = { ...t.ctx, database: other };
        const runs = await Promise.all([runEscalation(t.ctx), runEscalation(otherCtx), runEscalation(t.ctx), runEscalation(otherCtx)]);
        expect(runs.reduce((sum, run) => sum + run.applied, 0)).toBe(ids.length);
        // Each first response was due at 10:30: one breach per ticket, however many runs saw it.
        expect(runs.reduce((sum, run) => sum + run.breaches, 0)).toBe(ids.length);
      } finally {
        await other.close();
      }
      for (const id of ids) {
        const [row] = await t.database.db
          .select({ n: count() })
          .from(ticketEvents)
          .where(and(eq(ticketEvents.ticketId, id), eq(ticketEvents.type, 'ticket.escalated')));
        expect(row?.n).toBe(1);
      }
    });
  });

  describe('scheduler', () => {
    it('runs the rules every interval until stopped', async () => {
      await t.close();
      t = await createTestApp(kind, { escalationIntervalMs: 100 });
      setClock(t, '2024-03-04T10:00:00Z');
      manager = await createUser(t, { role: 'manager' });
      await createRule(urgentUnassigned);
      const first = await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' });
      setClock(t, '2024-03-04T12:00:00Z');
      const scheduler = startEscalationScheduler(t.ctx);
      try {
        await expect.poll(async () => (await escalationsOf(first.id)).length, { timeout: 10_000, interval: 100 }).toBe(1);
        // A ticket that becomes due later is picked up by a later tick.
        const second = await openTicketAt(t, manager, '2024-03-04T12:00:00Z', { priority: 'urgent' });
        setClock(t, '2024-03-04T13:00:00Z');
        await expect.poll(async () => (await escalationsOf(second.id)).length, { timeout: 10_000, interval: 100 }).toBe(1);
      } finally {
        await scheduler.stop();
      }
      // Stopped: nothing more happens.
      const third = await openTicketAt(t, manager, '2024-03-04T13:00:00Z', { priority: 'urgent' });
      setClock(t, '2024-03-04T15:00:00Z');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await escalationsOf(third.id)).toEqual([]);
    });
  });
});
