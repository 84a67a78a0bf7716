import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import {
  createDesk,
  getJson,
  openTicket,
  patchTicket,
  postMessage,
  ticketTableCounts,
  type Desk,
  type TicketJson,
} from './tickets.test-support.js';

interface EventJson {
  id: string;
  type: string;
  actor: { id: string; name: string } | null;
  internal: boolean;
  data: Record<string, unknown>;
  createdAt: string;
}

describeEachDatabase('tickets', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const getTicket = (id: string) => getJson<TicketJson>(t, desk.manager, `/api/tickets/${id}`);
  const eventsOf = async (id: string) => (await getJson<{ items: EventJson[] }>(t, desk.manager, `/api/tickets/${id}/events`)).items;

  it('opens a ticket for the caller with the full Ticket shape and a growing number', async () => {
    const ticket = await openTicket(t, desk.customer, { subject: 'Login broken', description: 'Cannot sign in' });
    expect(ticket).toEqual({
      id: expect.any(String),
      number: expect.any(Number),
      subject: 'Login broken',
      description: 'Cannot sign in',
      status: 'open',
      priority: 'normal',
      requesterId: desk.customer.user.id,
      assigneeId: null,
      createdAt: t.clock.now().toISOString(),
      updatedAt: t.clock.now().toISOString(),
      firstResponseAt: null,
      resolvedAt: null,
      closedAt: null,
      // The default SLA policy of a normal ticket: 4 h to a first response, 24 h to resolution.
      firstResponseDueAt: new Date(t.clock.now().getTime() + 4 * 3_600_000).toISOString(),
      resolutionDueAt: new Date(t.clock.now().getTime() + 24 * 3_600_000).toISOString(),
      requester: { id: desk.customer.user.id, name: 'Cora Customer' },
      assignee: null,
      // No routing rule and no default team: of no team.
      teamId: null,
      team: null,
      sla: { firstResponse: 'ok', resolution: 'ok' },
      // What the requester may do with it now: talk, and close it.
      abilities: { reply: true, note: false, close: true, reopen: false, assign: false, reassign: false, priority: false, tag: false, team: false, statuses: ['closed'] },
      attachments: [],
    });
    const second = await openTicket(t, desk.otherCustomer);
    expect(second.number).toBe(ticket.number + 1);
    expect(await getJson<TicketJson>(t, desk.customer, `/api/tickets/${ticket.id}`)).toEqual(ticket);
  });

  it('lets staff open a ticket for an active customer, and only for one', async () => {
    const ticket = await openTicket(t, desk.agent, { requesterId: desk.customer.user.id });
    expect(ticket.requester).toEqual({ id: desk.customer.user.id, name: 'Cora Customer' });
    expect((await getJson<TicketJson>(t, desk.customer, `/api/tickets/${ticket.id}`)).id).toBe(ticket.id);
    expect((await eventsOf(ticket.id))[0]?.data).toEqual({
      status: 'open',
      priority: 'normal',
      requesterId: desk.customer.user.id,
      openedBy: desk.agent.user.id,
    });

    const before = await ticketTableCounts(t);
    const forAgent = await t.request({
      method: 'POST',
      url: '/api/tickets',
      token: desk.manager.accessToken,
      body: { subject: 's', description: 'd', requesterId: desk.otherAgent.user.id },
    });
    expect(forAgent.statusCode).toBe(400);
    expect(forAgent.json().error.code).toBe('invalid_requester');
    const forNobody = await t.request({
      method: 'POST',
      url: '/api/tickets',
      token: desk.manager.accessToken,
      body: { subject: 's', description: 'd', requesterId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(forNobody.statusCode).toBe(400);
    const deactivate = await t.request({
      method: 'PATCH',
      url: `/api/users/${desk.otherCustomer.user.id}`,
      token: desk.manager.accessToken,
      body: { active: false },
    });
    expect(deactivate.statusCode).toBe(200);
    const forInactive = await t.request({
      method: 'POST',
      url: '/api/tickets',
      token: desk.manager.accessToken,
      body: { subject: 's', description: 'd', requesterId: desk.otherCustomer.user.id },
    });
    expect(forInactive.statusCode).toBe(400);
    expect(await ticketTableCounts(t)).toEqual(before);
  });

  it('sends an ETag on GET and PATCH that changes with every change', async () => {
    const ticket = await openTicket(t, desk.customer);
    const read = await t.request({ method: 'GET', url: `/api/tickets/${ticket.id}`, token: desk.agent.accessToken });
    const etag = read.headers.etag;
    expect(etag).toMatch(/^"\d+"$/);
    const patched = await patchTicket(t, desk.agent, ticket.id, { status: 'in_progress' });
    expect(patched.statusCode).toBe(200);
    expect(patched.headers.etag).toMatch(/^"\d+"$/);
    expect(patched.headers.etag).not.toBe(etag);
    const reread = await t.request({ method: 'GET', url: `/api/tickets/${ticket.id}`, token: desk.agent.accessToken });
    expect(reread.headers.etag).toBe(patched.headers.etag);
  });

  it('records every change as an event with actor, time and what a report needs', async () => {
    const ticket = await openTicket(t, desk.customer);
    t.clock.advance(60_000);
    expect((await patchTicket(t, desk.manager, ticket.id, { status: 'in_progress', priority: 'high', assigneeId: desk.agent.user.id })).statusCode).toBe(200);
    const note = await postMessage(t, desk.agent, ticket.id, { body: 'Checked the logs', internal: true });
    const reply = await postMessage(t, desk.customer, ticket.id, { body: 'Any news?' });
    const events = await eventsOf(ticket.id);
    expect(events.map((event) => event.type)).toEqual([
      'ticket.created',
      'ticket.status_changed',
      'ticket.priority_changed',
      'ticket.assignee_changed',
      'ticket.message',
      'ticket.message',
    ]);
    const [created, status, priority, assignee, noteEvent, replyEvent] = events;
    expect(created?.actor).toEqual({ id: desk.customer.user.id, name: 'Cora Customer' });
    expect(status).toMatchObject({
      data: { from: 'open', to: 'in_progress' },
      actor: { id: desk.manager.user.id, name: 'Mia Manager' },
      internal: false,
      createdAt: t.clock.now().toISOString(),
    });
    expect(priority?.data).toEqual({ from: 'normal', to: 'high' });
    expect(assignee?.data).toEqual({ from: null, to: desk.agent.user.id });
    expect(noteEvent).toMatchObject({
      internal: true,
      data: { messageId: note.json().id, internal: true, authorId: desk.agent.user.id, authorRole: 'agent' },
    });
    expect(replyEvent).toMatchObject({
      internal: false,
      data: { messageId: reply.json().id, internal: false, authorId: desk.customer.user.id, authorRole: 'customer' },
    });
    expect(Number(created?.id)).toBeLessThan(Number(replyEvent?.id));
  });

  it('posts messages and lists them oldest first', async () => {
    const ticket = await openTicket(t, desk.customer);
    const first = await postMessage(t, desk.customer, ticket.id, { body: 'first' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({
      id: expect.any(String),
      ticketId: ticket.id,
      authorId: desk.customer.user.id,
      body: 'first',
      internal: false,
      createdAt: t.clock.now().toISOString(),
      author: { id: desk.customer.user.id, name: 'Cora Customer', role: 'customer' },
      attachments: [],
    });
    // Same clock instant on purpose: order must not depend on timestamps.
    for (const body of ['second', 'third', 'fourth']) await postMessage(t, desk.agent, ticket.id, { body });
    const { items } = await getJson<{ items: { body: string }[] }>(t, desk.customer, `/api/tickets/${ticket.id}/messages`);
    expect(items.map((message) => message.body)).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('sets firstResponseAt on the first public staff message only', async () => {
    const ticket = await openTicket(t, desk.customer);
    await postMessage(t, desk.customer, ticket.id, { body: 'hello?' });
    await postMessage(t, desk.agent, ticket.id, { body: 'internal first', internal: true });
    expect((await getTicket(ticket.id)).firstResponseAt).toBeNull();
    t.clock.advance(5 * 60_000);
    const answeredAt = t.clock.now().toISOString();
    await postMessage(t, desk.agent, ticket.id, { body: 'We are on it' });
    t.clock.advance(5 * 60_000);
    await postMessage(t, desk.manager, ticket.id, { body: 'Still on it' });
    const after = await getTicket(ticket.id);
    expect(after.firstResponseAt).toBe(answeredAt);
    expect(after.updatedAt).toBe(t.clock.now().toISOString());
  });

  it('moves a waiting ticket back to open when the customer answers, and only then', async () => {
    const ticket = await openTicket(t, desk.customer);
    expect((await patchTicket(t, desk.agent, ticket.id, { status: 'waiting_on_customer' })).statusCode).toBe(200);
    await postMessage(t, desk.agent, ticket.id, { body: 'Which printer?' });
    await postMessage(t, desk.agent, ticket.id, { body: 'note', internal: true });
    expect((await getTicket(ticket.id)).status).toBe('waiting_on_customer');
    await postMessage(t, desk.customer, ticket.id, { body: 'The one on floor 2' });
    expect((await getTicket(ticket.id)).status).toBe('open');
    const last = (await eventsOf(ticket.id)).at(-1);
    expect(last).toMatchObject({
      type: 'ticket.status_changed',
      actor: { id: desk.customer.user.id },
      data: { from: 'waiting_on_customer', to: 'open', reason: 'customer_reply' },
    });
    await postMessage(t, desk.customer, ticket.id, { body: 'Hello again' });
    expect((await getTicket(ticket.id)).status).toBe('open');
  });

  it('leaves the ticket row alone on an internal note, so its ETag and updatedAt say nothing', async () => {
    const ticket = await openTicket(t, desk.customer);
    const before = await t.request({ method: 'GET', url: `/api/tickets/${ticket.id}`, token: desk.customer.accessToken });
    t.clock.advance(60_000);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'secret', internal: true })).statusCode).toBe(201);
    const after = await t.request({ method: 'GET', url: `/api/tickets/${ticket.id}`, token: desk.customer.accessToken });
    expect(after.headers.etag).toBe(before.headers.etag);
    expect(after.body).toBe(before.body);
  });

  it('refuses public replies on a closed ticket but keeps internal notes possible', async () => {
    const ticket = await openTicket(t, desk.customer);
    expect((await patchTicket(t, desk.customer, ticket.id, { status: 'closed' })).statusCode).toBe(200);
    const before = await ticketTableCounts(t);
    const reply = await postMessage(t, desk.customer, ticket.id, { body: 'one more thing' });
    expect(reply.statusCode).toBe(409);
    expect(reply.json().error.code).toBe('ticket_closed');
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'one more thing' })).statusCode).toBe(409);
    expect(await ticketTableCounts(t)).toEqual(before);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'post-mortem', internal: true })).statusCode).toBe(201);
  });

  it('answers 401 without a token on every ticket route', async () => {
    const ticket = await openTicket(t, desk.customer);
    const routes = [
      { method: 'POST', url: '/api/tickets', body: { subject: 's', description: 'd' } },
      { method: 'GET', url: '/api/tickets' },
      { method: 'GET', url: `/api/tickets/${ticket.id}` },
      { method: 'PATCH', url: `/api/tickets/${ticket.id}`, body: { status: 'closed' } },
      { method: 'POST', url: `/api/tickets/${ticket.id}/messages`, body: { body: 'hi' } },
      { method: 'GET', url: `/api/tickets/${ticket.id}/messages` },
      { method: 'GET', url: `/api/tickets/${ticket.id}/events` },
    ] as const;
    const before = await ticketTableCounts(t);
    for (const route of routes) {
      const response = await t.request(route);
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json().error.code).toBe('unauthenticated');
      const forged = await t.request({ ...route, token: 'not.a.jwt' });
      expect(forged.statusCode, `${route.method} ${route.url} forged`).toBe(401);
    }
    expect(await ticketTableCounts(t)).toEqual(before);
  });

  it('answers 400 to bad input and writes nothing', async () => {
    const ticket = await openTicket(t, desk.customer);
    const { id } = ticket;
    const before = await ticketTableCounts(t);
    const cases: { method: 'POST' | 'PATCH' | 'GET'; url: string; body?: unknown; why: string }[] = [
      { method: 'POST', url: '/api/tickets', body: { subject: 'x'.repeat(201), description: 'd' }, why: 'subject too long' },
      { method: 'POST', url: '/api/tickets', body: { subject: 's', description: 'x'.repeat(20_001) }, why: 'description too long' },
      { method: 'POST', url: '/api/tickets', body: { subject: '', description: 'd' }, why: 'empty subject' },
      { method: 'POST', url: '/api/tickets', body: { subject: '   ', description: 'd' }, why: 'blank subject' },
      { method: 'POST', url: '/api/tickets', body: { description: 'd' }, why: 'missing subject' },
      { method: 'POST', url: '/api/tickets', body: { subject: 's', description: 'd', status: 'closed' }, why: 'unknown field' },
      { method: 'POST', url: '/api/tickets', body: { subject: 's', description: 'd', assigneeId: desk.agent.user.id }, why: 'unknown field' },
      { method: 'POST', url: '/api/tickets', body: { subject: 's', description: 'd', requesterId: 'bob' }, why: 'malformed requester' },
      { method: 'PATCH', url: `/api/tickets/${id}`, body: { status: 'done' }, why: 'unknown status' },
      { method: 'PATCH', url: `/api/tickets/${id}`, body: { priority: 'critical' }, why: 'unknown priority' },
      { method: 'PATCH', url: `/api/tickets/${id}`, body: { assigneeId: 'me' }, why: 'malformed assignee' },
      { method: 'PATCH', url: `/api/tickets/${id}`, body: { subject: 'new' }, why: 'unknown field' },
      { method: 'PATCH', url: `/api/tickets/${id}`, body: {}, why: 'empty patch' },
      { method: 'PATCH', url: `/api/tickets/${id}`, body: { assigneeId: desk.customer.user.id }, why: 'customer as assignee' },
      { method: 'PATCH', url: `/api/tickets/${id}`, body: { assigneeId: '00000000-0000-4000-8000-000000000000' }, why: 'unknown assignee' },
      { method: 'PATCH', url: '/api/tickets/not-a-uuid', body: { status: 'closed' }, why: 'malformed id' },
      { method: 'GET', url: '/api/tickets/not-a-uuid', why: 'malformed id' },
      { method: 'GET', url: '/api/tickets/123/messages', why: 'malformed id' },
      { method: 'GET', url: '/api/tickets/123/events', why: 'malformed id' },
      { method: 'POST', url: '/api/tickets/123/messages', body: { body: 'hi' }, why: 'malformed id' },
      { method: 'POST', url: `/api/tickets/${id}/messages`, body: { body: 'x'.repeat(20_001) }, why: 'body too long' },
      { method: 'POST', url: `/api/tickets/${id}/messages`, body: { body: '' }, why: 'empty body' },
      { method: 'POST', url: `/api/tickets/${id}/messages`, body: { body: 'hi', internal: 'maybe' }, why: 'internal not boolean' },
      { method: 'POST', url: `/api/tickets/${id}/messages`, body: { body: 'hi', authorId: desk.agent.user.id }, why: 'unknown field' },
      { method: 'GET', url: '/api/tickets?status=open,done', why: 'unknown status filter' },
      { method: 'GET', url: '/api/tickets?priority=critical', why: 'unknown priority filter' },
      { method: 'GET', url: '/api/tickets?assigneeId=someone', why: 'malformed assignee filter' },
      { method: 'GET', url: '/api/tickets?requesterId=someone', why: 'malformed requester filter' },
      { method: 'GET', url: '/api/tickets?limit=0', why: 'limit too small' },
      { method: 'GET', url: '/api/tickets?limit=101', why: 'limit too large' },
      { method: 'GET', url: '/api/tickets?cursor=garbage', why: 'malformed cursor' },
      { method: 'GET', url: `/api/tickets?cursor=${Buffer.from('{"n":-1}').toString('base64url')}`, why: 'tampered cursor' },
      { method: 'GET', url: '/api/tickets?sort=oldest', why: 'unknown query parameter' },
    ];
    for (const request of cases) {
      const response = await t.request({ ...request, token: desk.manager.accessToken });
      expect(response.statusCode, `${request.why}: ${response.body}`).toBe(400);
      expect(response.json().error.code).toMatch(/^invalid_/);
    }
    expect(await ticketTableCounts(t)).toEqual(before);
    expect(await getJson<TicketJson>(t, desk.customer, `/api/tickets/${id}`)).toEqual(ticket);
  });

  it('answers 404 for a ticket that does not exist', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [method, url, body] of [
      ['GET', `/api/tickets/${missing}`, undefined],
      ['PATCH', `/api/tickets/${missing}`, { status: 'closed' }],
      ['GET', `/api/tickets/${missing}/messages`, undefined],
      ['POST', `/api/tickets/${missing}/messages`, { body: 'hi' }],
      ['GET', `/api/tickets/${missing}/events`, undefined],
    ] as const) {
      const response = await t.request({ method, url, body, token: desk.manager.accessToken });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('ticket_not_found');
    }
  });
});
