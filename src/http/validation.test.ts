import { afterAll, beforeAll, expect, it } from 'vitest';
import { changedTables, fingerprint } from '../security/db-fingerprint.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';

interface Case {
  why: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'GET';
  url: (desk: Desk) => string;
  as?: keyof Omit<Desk, 'ticketId'>;
  body?: unknown;
  details: { path: string; message: string }[];
}

interface Desk {
  customer: TestUser;
  manager: TestUser;
  ticketId: string;
}

const validRule = { name: 'Stale urgent', conditions: { priorities: ['urgent'] }, actions: { notify: ['managers'] } };

const CASES: Case[] = [
  {
    why: 'register: every bad field at once, in the order of the form',
    method: 'POST',
    url: () => '/api/auth/register',
    body: { email: 'not-an-address', password: 'short', role: 'manager' },
    details: [
      { path: 'email', message: 'Email must be a valid email address' },
      { path: 'name', message: 'Name is required' },
      { path: 'password', message: 'Password must be at least 8 characters' },
      { path: 'role', message: 'Unknown field role' },
    ],
  },
  {
    why: 'register: a number where text belongs',
    method: 'POST',
    url: () => '/api/auth/register',
    body: { email: 'new@example.test', name: 42, password: 'long enough password' },
    details: [{ path: 'name', message: 'Name must be text' }],
  },
  {
    why: 'create ticket: subject missing, description blank, unknown priority',
    method: 'POST',
    url: () => '/api/tickets',
    as: 'customer',
    body: { description: '   ', priority: 'asap' },
    details: [
      { path: 'subject', message: 'Subject is required' },
      { path: 'description', message: 'Description must not be blank' },
      { path: 'priority', message: 'Priority must be one of low, normal, high, urgent' },
    ],
  },
  {
    why: 'create ticket: empty subject, over-long description',
    method: 'POST',
    url: () => '/api/tickets',
    as: 'customer',
    body: { subject: '', description: 'x'.repeat(20_001) },
    details: [
      { path: 'subject', message: 'Subject is required' },
      { path: 'description', message: 'Description must be at most 20000 characters' },
    ],
  },
  {
    why: 'escalation rule: nested fields are named by their path, each one',
    method: 'POST',
    url: () => '/api/escalation-rules',
    as: 'manager',
    body: { ...validRule, conditions: { statuses: ['open', 'stuck'], minutesSinceCreated: -5, team: 'blue' }, actions: {} },
    details: [
      { path: 'conditions.statuses[1]', message: 'Statuses item 2 must be one of open, in_progress, waiting_on_customer, escalated, resolved, closed' },
      { path: 'conditions.minutesSinceCreated', message: 'Minutes since created must be at least 0' },
      { path: 'conditions.team', message: 'Unknown field conditions.team' },
      { path: 'actions', message: 'Actions must have at least 1 field' },
    ],
  },
  {
    why: 'escalation rule: a blank name and a repeated notify target',
    method: 'POST',
    url: () => '/api/escalation-rules',
    as: 'manager',
    body: { ...validRule, name: ' ', actions: { notify: ['managers', 'managers'] } },
    details: [
      { path: 'name', message: 'Name must not be blank' },
      { path: 'actions.notify', message: 'Notify must not list the same item twice' },
    ],
  },
  {
    why: 'SLA policy: labels from camelCase names, limits from the schema',
    method: 'PUT',
    url: () => '/api/sla-policies/high',
    as: 'manager',
    body: { firstResponseMinutes: 0, resolutionMinutes: 1.5 },
    details: [
      { path: 'firstResponseMinutes', message: 'First response minutes must be at least 1' },
      { path: 'resolutionMinutes', message: 'Resolution minutes must be a whole number' },
    ],
  },
  {
    why: 'SLA policy: an unknown priority in the path',
    method: 'PUT',
    url: () => '/api/sla-policies/whenever',
    as: 'manager',
    body: { firstResponseMinutes: 60, resolutionMinutes: 600 },
    details: [{ path: 'priority', message: 'Priority must be one of low, normal, high, urgent' }],
  },
  {
    why: 'users PATCH: wrong role and a string for a boolean',
    method: 'PATCH',
    url: (desk) => `/api/users/${desk.customer.user.id}`,
    as: 'manager',
    body: { role: 'admin', active: 'yes' },
    details: [
      { path: 'role', message: 'Role must be one of customer, agent, manager' },
      { path: 'active', message: 'Active must be true or false' },
    ],
  },
  {
    why: 'users PATCH: nothing to change',
    method: 'PATCH',
    url: (desk) => `/api/users/${desk.customer.user.id}`,
    as: 'manager',
    body: {},
    details: [{ path: '', message: 'The request body must have at least 1 field' }],
  },
  {
    why: 'users PATCH: a malformed id in the path',
    method: 'PATCH',
    url: () => '/api/users/42',
    as: 'manager',
    body: { name: 'Renamed' },
    details: [{ path: 'id', message: 'ID must be a valid ID' }],
  },
  {
    why: 'ticket PATCH: a null assignee is allowed, a malformed one is explained as an id',
    method: 'PATCH',
    url: (desk) => `/api/tickets/${desk.ticketId}`,
    as: 'manager',
    body: { assigneeId: 'bob' },
    details: [{ path: 'assigneeId', message: 'Assignee ID must be a valid ID' }],
  },
  {
    why: 'a query string: out of range, and unknown',
    method: 'GET',
    url: () => '/api/tickets?limit=0&colour=red',
    as: 'manager',
    details: [
      { path: 'limit', message: 'Limit must be at least 1' },
      { path: 'colour', message: 'Unknown field colour' },
    ],
  },
  {
    why: 'a JSON body that is not an object',
    method: 'POST',
    url: () => '/api/tickets',
    as: 'customer',
    body: [1, 2],
    details: [{ path: '', message: 'The request body must be an object' }],
  },
];

describeEachDatabase('validation errors', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeAll(async () => {
    t = await createTestApp(kind);
    const customer = await createUser(t, { role: 'customer' });
    const manager = await createUser(t, { role: 'manager' });
    const ticket = await t.request({ method: 'POST', url: '/api/tickets', token: customer.accessToken, body: { subject: 'Printer', description: 'On fire' } });
    desk = { customer, manager, ticketId: ticket.json<{ id: string }>().id };
  });
  afterAll(() => t.close());

  it.each(CASES)('$why', async (testCase) => {
    const before = await fingerprint(t.database.db);
    const token = testCase.as ? desk[testCase.as].accessToken : undefined;
    const response = await t.request({ method: testCase.method, url: testCase.url(desk), token, body: testCase.body });

    expect(response.statusCode, response.body).toBe(400);
    const [first] = testCase.details;
    expect(response.json()).toEqual({ error: { code: 'invalid_input', message: first?.message, details: testCase.details } });
    expect(changedTables(before, await fingerprint(t.database.db))).toEqual([]);
  });

  it('answers a flood of unknown fields with a bounded list', async () => {
    const body = Object.fromEntries(Array.from({ length: 5000 }, (_, index) => [`field${index}`, index]));
    const response = await t.request({ method: 'POST', url: '/api/tickets', token: desk.customer.accessToken, body });
    expect(response.statusCode).toBe(400);
    const details = response.json<{ error: { details: unknown[] } }>().error.details;
    expect(details).toHaveLength(20);
    expect(details.slice(0, 3)).toEqual([
      { path: 'subject', message: 'Subject is required' },
      { path: 'description', message: 'Description is required' },
      { path: 'field0', message: 'Unknown field field0' },
    ]);
  });

  it('cuts the name of an unknown field it names back', async () => {
    const name = 'x'.repeat(10_000);
    const response = await t.request({ method: 'PATCH', url: `/api/users/${desk.customer.user.id}`, token: desk.manager.accessToken, body: { [name]: 1 } });
    const shown = `${'x'.repeat(64)}…`;
    expect(response.json()).toEqual({ error: { code: 'invalid_input', message: `Unknown field ${shown}`, details: [{ path: shown, message: `Unknown field ${shown}` }] } });
  });
});
