import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { breachesOf } from './sla.repository.js';
import {
  call,
  callJson,
  eventsOf,
  openTicketAt,
  patchAt,
  replyAt,
  runRules,
  setClock,
  ticketOf,
} from './sla.test-support.js';

const DEFAULT_POLICIES = [
  { priority: 'low', firstResponseMinutes: 480, resolutionMinutes: 4320 },
  { priority: 'normal', firstResponseMinutes: 240, resolutionMinutes: 1440 },
  { priority: 'high', firstResponseMinutes: 60, resolutionMinutes: 480 },
  { priority: 'urgent', firstResponseMinutes: 30, resolutionMinutes: 240 },
];

const BERLIN_HOURS = {
  timezone: 'Europe/Berlin',
  days: [5, 1, 2, 3, 4].map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: ['2024-12-26', '2024-12-25', '2024-12-25'],
};

describeEachDatabase('SLA', (kind) => {
  let t: TestApp;
  let customer: TestUser;
  let agent: TestUser;
  let manager: TestUser;
  beforeEach(async () => {
    t = await createTestApp(kind);
    setClock(t, '2024-03-04T10:00:00Z');
    customer = await createUser(t, { role: 'customer' });
    agent = await createUser(t, { role: 'agent' });
    manager = await createUser(t, { role: 'manager' });
  });
  afterEach(() => t.close());

  describe('policies', () => {
    it('starts from the defaults and lets a manager change one priority', async () => {
      expect(await callJson(t, manager, 'GET', '/api/sla-policies')).toEqual(DEFAULT_POLICIES);
      const updated = await callJson(t, manager, 'PUT', '/api/sla-policies/high', { firstResponseMinutes: 45, resolutionMinutes: 300 });
      expect(updated).toEqual({ priority: 'high', firstResponseMinutes: 45, resolutionMinutes: 300 });
      const policies = await callJson<typeof DEFAULT_POLICIES>(t, manager, 'GET', '/api/sla-policies');
      expect(policies.find((policy) => policy.priority === 'high')).toEqual(updated);
      expect(policies.filter((policy) => policy.priority !== 'high')).toEqual(DEFAULT_POLICIES.filter((policy) => policy.priority !== 'high'));
    });

    it.each([
      ['zero minutes', '/api/sla-policies/high', { firstResponseMinutes: 0, resolutionMinutes: 300 }],
      ['negative minutes', '/api/sla-policies/high', { firstResponseMinutes: -5, resolutionMinutes: 300 }],
      ['fractional minutes', '/api/sla-policies/high', { firstResponseMinutes: 1.5, resolutionMinutes: 300 }],
      ['more than a year', '/api/sla-policies/high', { firstResponseMinutes: 60, resolutionMinutes: 525_601 }],
      ['a missing target', '/api/sla-policies/high', { firstResponseMinutes: 60 }],
      ['an unknown field', '/api/sla-policies/high', { firstResponseMinutes: 60, resolutionMinutes: 300, breachMinutes: 5 }],
      ['an unknown priority', '/api/sla-policies/critical', { firstResponseMinutes: 60, resolutionMinutes: 300 }],
    ])('refuses %s with 400 and changes nothing', async (_name, url, body) => {
      const response = await call(t, manager, 'PUT', url, body);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.code).toBe('invalid_input');
      expect(await callJson(t, manager, 'GET', '/api/sla-policies')).toEqual(DEFAULT_POLICIES);
    });

    it('is for escalation.manage holders only', async () => {
      expect((await t.request({ method: 'GET', url: '/api/sla-policies' })).statusCode).toBe(401);
      const body = { firstResponseMinutes: 1, resolutionMinutes: 2 };
      expect((await t.request({ method: 'PUT', url: '/api/sla-policies/low', body })).statusCode).toBe(401);
      for (const user of [agent, customer]) {
        expect((await call(t, user, 'GET', '/api/sla-policies')).statusCode).toBe(403);
        expect((await call(t, user, 'PUT', '/api/sla-policies/low', body)).statusCode).toBe(403);
      }
      expect(await callJson(t, manager, 'GET', '/api/sla-policies')).toEqual(DEFAULT_POLICIES);
    });
  });

  describe('business hours', () => {
    it('is unset at first, stored normalized, and cleared with null', async () => {
      expect(await callJson(t, manager, 'GET', '/api/business-hours')).toBeNull();
      const saved = await callJson(t, manager, 'PUT', '/api/business-hours', { ...BERLIN_HOURS, timezone: 'europe/berlin' });
      const expected = {
        timezone: 'Europe/Berlin',
        days: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
        holidays: ['2024-12-25', '2024-12-26'],
      };
      expect(saved).toEqual(expected);
      expect(await callJson(t, manager, 'GET', '/api/business-hours')).toEqual(expected);
      expect(await callJson(t, manager, 'PUT', '/api/business-hours', null)).toBeNull();
      expect(await callJson(t, manager, 'GET', '/api/business-hours')).toBeNull();
    });

    it.each([
      ['an unknown time zone', { ...BERLIN_HOURS, timezone: 'Mars/Olympus_Mons' }],
      ['no working days', { ...BERLIN_HOURS, days: [] }],
      ['a day ending before it starts', { ...BERLIN_HOURS, days: [{ day: 1, start: '17:00', end: '09:00' }] }],
      ['a day listed twice', { ...BERLIN_HOURS, days: [{ day: 1, start: '09:00', end: '12:00' }, { day: 1, start: '13:00', end: '17:00' }] }],
      ['day 7', { ...BERLIN_HOURS, days: [{ day: 7, start: '09:00', end: '17:00' }] }],
      ['a malformed time', { ...BERLIN_HOURS, days: [{ day: 1, start: '9am', end: '17:00' }] }],
      ['an impossible holiday', { ...BERLIN_HOURS, holidays: ['2024-02-30'] }],
      ['an unknown field', { ...BERLIN_HOURS, weekStartsOn: 1 }],
    ])('refuses %s with 400 and keeps the calendar', async (_name, body) => {
      await callJson(t, manager, 'PUT', '/api/business-hours', BERLIN_HOURS);
      const before = await callJson(t, manager, 'GET', '/api/business-hours');
      const response = await call(t, manager, 'PUT', '/api/business-hours', body);
      expect(response.statusCode, response.body).toBe(400);
      expect(await callJson(t, manager, 'GET', '/api/business-hours')).toEqual(before);
    });

    it('refuses a PUT without a body instead of clearing the calendar', async () => {
      await callJson(t, manager, 'PUT', '/api/business-hours', BERLIN_HOURS);
      expect((await call(t, manager, 'PUT', '/api/business-hours')).statusCode).toBe(400);
      expect(await callJson(t, manager, 'GET', '/api/business-hours')).not.toBeNull();
    });

    it('is for escalation.manage holders only', async () => {
      expect((await t.request({ method: 'GET', url: '/api/business-hours' })).statusCode).toBe(401);
      expect((await t.request({ method: 'PUT', url: '/api/business-hours', body: BERLIN_HOURS })).statusCode).toBe(401);
      expect((await call(t, agent, 'GET', '/api/business-hours')).statusCode).toBe(403);
      expect((await call(t, agent, 'PUT', '/api/business-hours', BERLIN_HOURS)).statusCode).toBe(403);
      expect(await callJson(t, manager, 'GET', '/api/business-hours')).toBeNull();
    });
  });

  describe('due dates', () => {
    it('sets both due dates at creation from the policy of the priority', async () => {
      const normal = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
      expect([normal.firstResponseDueAt, normal.resolutionDueAt]).toEqual(['2024-03-04T14:00:00.000Z', '2024-03-05T10:00:00.000Z']);
      const urgent = await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' });
      expect([urgent.firstResponseDueAt, urgent.resolutionDueAt]).toEqual(['2024-03-04T10:30:00.000Z', '2024-03-04T14:00:00.000Z']);
    });

    it('uses a changed policy for new tickets and leaves running ones alone', async () => {
      const before = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
      await callJson(t, manager, 'PUT', '/api/sla-policies/normal', { firstResponseMinutes: 10, resolutionMinutes: 20 });
      const after = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
      expect([after.firstResponseDueAt, after.resolutionDueAt]).toEqual(['2024-03-04T10:10:00.000Z', '2024-03-04T10:20:00.000Z']);
      expect((await ticketOf(t, manager, before.id)).firstResponseDueAt).toBe('2024-03-04T14:00:00.000Z');
    });

    it('counts business minutes when a calendar is set', async () => {
      await callJson(t, manager, 'PUT', '/api/business-hours', BERLIN_HOURS);
      // Fri 8 March 16:00 Berlin: 4 business hours reach Mon 12:00, 24 reach Wed 16:00.
      const ticket = await openTicketAt(t, customer, '2024-03-08T15:00:00Z');
      expect([ticket.firstResponseDueAt, ticket.resolutionDueAt]).toEqual(['2024-03-11T11:00:00.000Z', '2024-03-13T15:00:00.000Z']);
    });

    it('recomputes both from creation when the priority changes', async () => {
      const ticket = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
      const urgent = await patchAt(t, manager, '2024-03-04T10:05:00Z', ticket.id, { priority: 'urgent' });
      expect([urgent.firstResponseDueAt, urgent.resolutionDueAt]).toEqual(['2024-03-04T10:30:00.000Z', '2024-03-04T14:00:00.000Z']);
      const low = await patchAt(t, manager, '2024-03-04T10:10:00Z', ticket.id, { priority: 'low' });
      expect([low.firstResponseDueAt, low.resolutionDueAt]).toEqual(['2024-03-04T18:00:00.000Z', '2024-03-07T10:00:00.000Z']);
    });

    it('holds the resolution clock while the ticket waits on the customer', async () => {
      const ticket = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
      await replyAt(t, agent, '2024-03-04T10:30:00Z', ticket.id);
      const waiting = await patchAt(t, agent, '2024-03-04T11:00:00Z', ticket.id, { status: 'waiting_on_customer' });
      expect(waiting.sla).toEqual({ firstResponse: 'met', resolution: 'paused' });
      // Two days on, long past the original due time (5 March 10:00): paused, not breached.
      setClock(t, '2024-03-06T11:00:00Z');
      expect((await ticketOf(t, manager, ticket.id)).sla.resolution).toBe('paused');
      await runRules(t, manager);
      expect(await breachesOf(t.database.db, [ticket.id])).toEqual([]);
      // The customer answers after 48 hours of waiting: the due time moves by 48 hours.
      await replyAt(t, customer, '2024-03-06T11:00:00Z', ticket.id);
      const answered = await ticketOf(t, manager, ticket.id);
      expect(answered.status).toBe('open');
      expect(answered.resolutionDueAt).toBe('2024-03-07T10:00:00.000Z');
      expect(answered.firstResponseDueAt).toBe('2024-03-04T14:00:00.000Z');
      // A second wait, ended by staff, adds its own length (1 h).
      await patchAt(t, agent, '2024-03-06T12:00:00Z', ticket.id, { status: 'waiting_on_customer' });
      const resumed = await patchAt(t, agent, '2024-03-06T13:00:00Z', ticket.id, { status: 'in_progress' });
      expect(resumed.resolutionDueAt).toBe('2024-03-07T11:00:00.000Z');
      // A priority change keeps the waits: urgent was due 4 March 14:00; 3 h were left when the
      // first wait began (→ 6 March 14:00), 2 h when the second began (→ 15:00).
      const urgent = await patchAt(t, manager, '2024-03-06T13:05:00Z', ticket.id, { priority: 'urgent' });
      expect(urgent.resolutionDueAt).toBe('2024-03-06T15:00:00.000Z');
      expect(await breachesOf(t.database.db, [ticket.id])).toEqual([]);
    });

    it('holds the clock in business minutes with a calendar', async () => {
      await callJson(t, manager, 'PUT', '/api/business-hours', BERLIN_HOURS);
      // Mon 11:00 Berlin, normal: resolution after 24 business hours = Thu 11:00.
      const ticket = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
      expect(ticket.resolutionDueAt).toBe('2024-03-07T10:00:00.000Z');
      // Waiting from Mon 16:00 to Tue 10:00 Berlin is 2 business hours: Thu 13:00.
      await patchAt(t, agent, '2024-03-04T15:00:00Z', ticket.id, { status: 'waiting_on_customer' });
      const resumed = await patchAt(t, agent, '2024-03-05T09:00:00Z', ticket.id, { status: 'in_progress' });
      expect(resumed.resolutionDueAt).toBe('2024-03-07T12:00:00.000Z');
    });
  });

  describe('breaches', () => {
    const breachEvents = async (id: string) =>
      (await eventsOf(t, manager, id)).filter((event) => event.type === 'ticket.sla_breached');

    it('shows at risk, then records a breach once with one event, then shows breached', async () => {
      const ticket = await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' });
      expect(ticket.sla).toEqual({ firstResponse: 'ok', resolution: 'ok' });
      setClock(t, '2024-03-04T10:25:00Z');
      expect((await ticketOf(t, manager, ticket.id)).sla.firstResponse).toBe('at_risk');
      await runRules(t, manager);
      expect(await breachEvents(ticket.id)).toEqual([]);

      setClock(t, '2024-03-04T10:31:00Z');
      expect((await ticketOf(t, manager, ticket.id)).sla.firstResponse).toBe('breached');
      await runRules(t, manager);
      await runRules(t, manager);
      setClock(t, '2024-03-04T10:40:00Z');
      await runRules(t, manager);
      const events = await breachEvents(ticket.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actorId: null,
        internal: true,
        data: { target: 'first_response', dueAt: '2024-03-04T10:30:00.000Z' },
        createdAt: '2024-03-04T10:31:00.000Z',
      });
      // Managers hear of it once, however often the check ran.
      const { items } = await callJson<{ items: { type: string; ticketId: string }[] }>(t, manager, 'GET', '/api/notifications');
      expect(items.filter((item) => item.type === 'sla_breached').map((item) => item.ticketId)).toEqual([ticket.id]);
      // A late reply settles the clock as breached, and records nothing more.
      await replyAt(t, agent, '2024-03-04T10:45:00Z', ticket.id);
      expect((await ticketOf(t, manager, ticket.id)).sla.firstResponse).toBe('breached');
      expect(await breachEvents(ticket.id)).toHaveLength(1);
    });

    it('records a breach once when several checks race', async () => {
      const tickets = await Promise.all([1, 2, 3].map(() => openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' })));
      setClock(t, '2024-03-04T15:00:00Z');
      await Promise.all([runRules(t, manager), runRules(t, manager), runRules(t, manager)]);
      for (const ticket of tickets) {
        const targets = (await breachEvents(ticket.id)).map((event) => event.data.target).sort();
        expect(targets).toEqual(['first_response', 'resolution']);
      }
    });

    it('records a new miss behind a full batch of misses recorded before their tickets were marked', async () => {
      const fresh = await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' });
      // Older data: 250 overdue tickets whose breaches are recorded but not marked on the
      // ticket, with ids that sort before the fresh one, so the first batch is all of them.
      await t.database.db.execute(sql`
        with copies as (
          insert into tickets (id, subject, description, priority, requester_id, created_at, updated_at, first_response_due_at, resolution_due_at)
          select ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, subject, description, priority, requester_id,
                 created_at, updated_at, first_response_due_at, resolution_due_at
          from tickets, generate_series(1, 250) g
          returning id, first_response_due_at, resolution_due_at
        )
        insert into sla_breaches (ticket_id, target, due_at, breached_at)
        select id, 'first_response', first_response_due_at, first_response_due_at from copies
        union all
        select id, 'resolution', resolution_due_at, resolution_due_at from copies`);
      setClock(t, '2024-03-04T15:00:00Z');
      await runRules(t, manager);
      expect((await breachEvents(fresh.id)).map((event) => event.data.target).sort()).toEqual(['first_response', 'resolution']);
    });

    it('records a late reply at once, without waiting for the scheduled check', async () => {
      const ticket = await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' });
      await replyAt(t, agent, '2024-03-04T10:50:00Z', ticket.id);
      const events = await breachEvents(ticket.id);
      expect(events.map((event) => [event.data.target, event.createdAt])).toEqual([['first_response', '2024-03-04T10:50:00.000Z']]);
    });

    it('records nothing for targets met in time', async () => {
      const ticket = await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' });
      await replyAt(t, agent, '2024-03-04T10:10:00Z', ticket.id);
      await patchAt(t, agent, '2024-03-04T12:00:00Z', ticket.id, { status: 'resolved' });
      setClock(t, '2024-03-10T00:00:00Z');
      await runRules(t, manager);
      expect(await breachEvents(ticket.id)).toEqual([]);
      expect((await ticketOf(t, manager, ticket.id)).sla).toEqual({ firstResponse: 'met', resolution: 'met' });
    });

    it('counts a due date passed before the wait began, once the check runs', async () => {
      const ticket = await openTicketAt(t, manager, '2024-03-04T10:00:00Z', { priority: 'urgent' });
      await replyAt(t, agent, '2024-03-04T10:10:00Z', ticket.id);
      // Resolution was due at 14:00; the ticket is set waiting at 15:00, before any check ran.
      await patchAt(t, agent, '2024-03-04T15:00:00Z', ticket.id, { status: 'waiting_on_customer' });
      expect((await breachEvents(ticket.id)).map((event) => event.data.target)).toEqual(['resolution']);
    });

    it('keeps breach events from customers', async () => {
      const ticket = await openTicketAt(t, customer, '2024-03-04T10:00:00Z');
      setClock(t, '2024-03-04T14:01:00Z');
      await runRules(t, manager);
      expect((await breachEvents(ticket.id)).map((event) => event.data.target)).toEqual(['first_response']);
      const seenByCustomer = await eventsOf(t, customer, ticket.id);
      expect(seenByCustomer.map((event) => event.type)).toEqual(['ticket.created']);
    });
  });
});
