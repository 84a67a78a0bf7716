import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openPostgres, queryRows, type Database } from '../db/database.js';
import { LISTENER_APPLICATION_NAME } from '../db/postgres-listener.js';
import { describeEachDatabase, describeOnPostgres } from '../test/databases.js';
import { currentPermissions, setRolePermissions } from '../test/factories.js';
import { appendTicketEvent } from '../tickets/ticket-events.repository.js';
import {
  createDesk,
  openTicket,
  patchTicket,
  postMessage,
  type Desk,
} from '../tickets/tickets.test-support.js';
import {
  connect,
  createListeningApp,
  expectQuiet,
  openStream,
  startSecondServer,
  type ListeningTestApp,
  type SseClient,
  type SseEvent,
} from './stream.test-support.js';

/** What a client saw, in a form a test can compare whole. */
const seen = (events: readonly SseEvent[]) =>
  events.map((e) => (e.event === 'notification' ? `notification ${String(e.data.type)}` : `${e.event} ${String(e.data.type)}`));

const ticketsOf = (events: readonly SseEvent[]) => [...new Set(events.map((e) => e.data.ticketId))];

const expectIncreasingIds = (events: readonly SseEvent[]) => {
  const ids = events.map((e) => Number(e.id));
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  expect(new Set(ids).size).toBe(ids.length);
};

describeEachDatabase('live stream', (kind) => {
  let t: ListeningTestApp;
  let desk: Desk;
  const clients: SseClient[] = [];
  const stream = async (token: string, request: Parameters<typeof connect>[1] = {}) => {
    const client = await connect(t.url, { token, ...request });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    t = await createListeningApp(kind, { config: { maxStreamsPerUser: 2 } });
    desk = await createDesk(t);
  });
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await t.close();
  });

  it('answers 401 without a token or with a bad one, and 400 for a malformed resume id or unknown parameter', async () => {
    expect(await openStream(t.url)).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await openStream(t.url, { token: 'not-a-token' })).toMatchObject({ status: 401 });
    expect(await openStream(t.url, { query: { access_token: 'not-a-token' } })).toMatchObject({ status: 401 });
    const token = desk.customer.accessToken;
    expect(await openStream(t.url, { token, headers: { 'last-event-id': 'abc' } })).toMatchObject({ status: 400 });
    expect(await openStream(t.url, { token, query: { lastEventId: '-1' } })).toMatchObject({ status: 400 });
    expect(await openStream(t.url, { token, query: { since: '1' } })).toMatchObject({ status: 400 });
  });

  it('is described in the OpenAPI document with the notification routes', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(JSON.stringify(doc.paths['/api/stream'])).toContain('text/event-stream');
    for (const path of ['/api/notifications', '/api/notifications/unread-count', '/api/notifications/read-all', '/api/notifications/{id}/read', '/api/notification-preferences']) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });

  it('accepts the token in the query string, as EventSource must send it', async () => {
    const client = await stream('', { query: { access_token: desk.customer.accessToken } });
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const ticket = await openTicket(t, desk.customer);
    const [created] = await client.waitForEvents(1);
    expect(created).toMatchObject({ event: 'ticket.created', data: { ticketId: ticket.id, ticketNumber: ticket.number } });
  });

  it('gives a customer and an agent exactly the events each may see', async () => {
    const cora = await stream(desk.customer.accessToken);
    const ada = await stream(desk.agent.accessToken);
    const mine = await openTicket(t, desk.customer, { subject: 'Mine' });
    const theirs = await openTicket(t, desk.otherCustomer, { subject: 'Theirs' });
    expect((await postMessage(t, desk.agent, mine.id, { body: 'secret: customer is difficult', internal: true })).statusCode).toBe(201);
    expect((await postMessage(t, desk.agent, mine.id, { body: 'Have you tried turning it off?' })).statusCode).toBe(201);
    expect((await patchTicket(t, desk.manager, mine.id, { assigneeId: desk.agent.user.id })).statusCode).toBe(200);

    const coraSaw = await cora.waitForEvents(4);
    const adaSaw = await ada.waitForEvents(6);
    await expectQuiet(cora, 4);
    await expectQuiet(ada, 6, 0);

    expect(seen(coraSaw)).toEqual([
      'ticket.created ticket.created',
      'ticket.message ticket.message',
      'notification staff_reply',
      'ticket.updated ticket.assignee_changed',
    ]);
    expect(ticketsOf(coraSaw)).toEqual([mine.id]);
    expect(coraSaw[1]?.data.message).toMatchObject({ body: 'Have you tried turning it off?', internal: false, authorName: 'Ada Agent' });
    expect(JSON.stringify(coraSaw)).not.toContain('secret');

    expect(seen(adaSaw)).toEqual([
      'ticket.created ticket.created',
      'ticket.created ticket.created',
      'ticket.message ticket.message',
      'ticket.message ticket.message',
      'ticket.updated ticket.assignee_changed',
      'notification ticket_assigned',
    ]);
    expect(ticketsOf(adaSaw)).toEqual([mine.id, theirs.id]);
    expect(adaSaw[2]?.data.message).toMatchObject({ body: 'secret: customer is difficult', internal: true });
    expect(adaSaw[5]?.data).toMatchObject({ ticketId: mine.id, type: 'ticket_assigned', readAt: null });

    expectIncreasingIds(coraSaw);
    expectIncreasingIds(adaSaw);
    // The stream's ids are the history's ids: one log, read two ways.
    expect(coraSaw[0]?.id).toBe(
      (await t.request({ method: 'GET', url: `/api/tickets/${mine.id}/events`, token: desk.customer.accessToken })).json<{
        items: { id: string }[];
      }>().items[0]?.id,
    );
  });

  it('replays what a client missed once, in order, after Last-Event-ID (header or query), then goes on live', async () => {
    const first = await stream(desk.customer.accessToken);
    const ticket = await openTicket(t, desk.customer);
    const [created] = await first.waitForEvents(1);
    first.close();

    await postMessage(t, desk.agent, ticket.id, { body: 'Which printer?' });
    await patchTicket(t, desk.agent, ticket.id, { status: 'waiting_on_customer' });
    await openTicket(t, desk.otherCustomer);
    await postMessage(t, desk.agent, ticket.id, { body: 'internal only', internal: true });

    const resumed = await stream(desk.customer.accessToken, { headers: { 'last-event-id': created?.id ?? '' } });
    const missed = await resumed.waitForEvents(4);
    expect(seen(missed)).toEqual([
      'ticket.message ticket.message',
      'notification staff_reply',
      'ticket.updated ticket.status_changed',
      'notification waiting_on_customer',
    ]);
    expect(missed[0]?.data.message).toMatchObject({ body: 'Which printer?' });

    await postMessage(t, desk.customer, ticket.id, { body: 'The one on fire' });
    const all = await resumed.waitForEvents(6);
    await expectQuiet(resumed, 6);
    expect(seen(all.slice(4))).toEqual(['ticket.message ticket.message', 'ticket.updated ticket.status_changed']);
    expectIncreasingIds(all);
    expect(Number(all[0]?.id)).toBeGreaterThan(Number(created?.id));

    const fromQuery = await stream(desk.customer.accessToken, { query: { lastEventId: all[3]?.id ?? '' } });
    expect((await fromQuery.waitForEvents(2)).map((e) => e.id)).toEqual(all.slice(4).map((e) => e.id));
    await expectQuiet(fromQuery, 2);
  });

  it('closes the stream when its session is revoked, and when its user is deactivated', async () => {
    const cora = await stream(desk.customer.accessToken);
    const ada = await stream(desk.agent.accessToken);
    const logout = await t.request({
      method: 'POST',
      url: '/api/auth/logout',
      token: desk.customer.accessToken,
      body: { refreshToken: desk.customer.refreshToken },
    });
    expect(logout.statusCode).toBe(204);
    await cora.ended;
    expect(await openStream(t.url, { token: desk.customer.accessToken })).toMatchObject({ status: 401 });

    const deactivate = await t.request({
      method: 'PATCH',
      url: `/api/users/${desk.agent.user.id}`,
      token: desk.manager.accessToken,
      body: { active: false },
    });
    expect(deactivate.statusCode).toBe(200);
    await ada.ended;
  });

  it("stops delivering others' tickets on the next event once the role loses tickets.read.all", async () => {
    const ada = await stream(desk.agent.accessToken);
    const before = await openTicket(t, desk.customer);
    await ada.waitForEvents(1);

    const kept = (await currentPermissions(t, desk.manager, 'agent')).filter((p) => p !== 'tickets.read.all');
    await setRolePermissions(t, desk.manager, 'agent', kept);
    await postMessage(t, desk.customer, before.id, { body: 'anyone there?' });
    await openTicket(t, desk.otherCustomer);
    const own = await openTicket(t, desk.agent, { subject: 'My own laptop' });

    const events = await ada.waitForEvents(2);
    await expectQuiet(ada, 2);
    expect(ticketsOf(events)).toEqual([before.id, own.id]);
  });

  it('refuses a stream past the per-user limit with 429, leaving other users and freed slots alone', async () => {
    const one = await stream(desk.customer.accessToken);
    await stream(desk.customer.accessToken);
    const third = await openStream(t.url, { token: desk.customer.accessToken });
    expect(third).toMatchObject({ status: 429, body: { error: { code: 'too_many_streams' } } });
    await stream(desk.otherCustomer.accessToken);

    one.close();
    await one.ended;
    // The server sees the close a moment later.
    await expect.poll(async () => (await openStream(t.url, { token: desk.customer.accessToken })).status).toBe(200);
  });

  it('ends open streams when the app closes, so the process can exit', async () => {
    const client = await stream(desk.customer.accessToken);
    await t.app.close();
    await client.ended;
  });
});

describeEachDatabase('live stream heartbeat', (kind) => {
  let t: ListeningTestApp;
  afterEach(() => t.close());

  it('sends a comment line while nothing happens', async () => {
    t = await createListeningApp(kind, { build: { stream: { heartbeatMs: 50 } } });
    const desk = await createDesk(t);
    const client = await connect(t.url, { token: desk.customer.accessToken });
    await client.waitForComment();
    expect(client.comments[0]).toBe('heartbeat');
    expect(client.events).toEqual([]);
    client.close();
  });
});

// Two processes need a database server; PGlite is one process by design.
describeOnPostgres('live stream across server processes', () => {
  let t: ListeningTestApp;
  let desk: Desk;
  let secondDatabase: Database;
  let second: { app: FastifyInstance; url: string };
  const clients: SseClient[] = [];

  beforeEach(async () => {
    t = await createListeningApp('postgres');
    desk = await createDesk(t);
    secondDatabase = await openPostgres(t.database.url ?? '');
    second = await startSecondServer(t, secondDatabase);
  });
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await second.app.close();
    await secondDatabase.close();
    await t.close();
  });

  const injectSecond = (token: string, method: 'POST' | 'PATCH', url: string, body: unknown) =>
    second.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: body as Record<string, unknown> });

  it('delivers a change made through one process to a client connected to the other', async () => {
    const onFirst = await connect(t.url, { token: desk.agent.accessToken });
    const onSecond = await connect(second.url, { token: desk.customer.accessToken });
    clients.push(onFirst, onSecond);
    const created = await injectSecond(desk.customer.accessToken, 'POST', '/api/tickets', { subject: 'Via B', description: 'd' });
    expect(created.statusCode).toBe(201);
    const ticketId = created.json<{ id: string }>().id;
    const reply = await postMessage(t, desk.agent, ticketId, { body: 'Seen on A' });
    expect(reply.statusCode).toBe(201);

    expect(seen(await onFirst.waitForEvents(2))).toEqual(['ticket.created ticket.created', 'ticket.message ticket.message']);
    expect(seen(await onSecond.waitForEvents(3))).toEqual([
      'ticket.created ticket.created',
      'ticket.message ticket.message',
      'notification staff_reply',
    ]);
    expect(onFirst.events.map((e) => e.id)).toEqual(onSecond.events.slice(0, 2).map((e) => e.id));
  });

  it('recovers when its LISTEN connection is killed, catching up on what was missed meanwhile', async () => {
    const client = await connect(t.url, { token: desk.agent.accessToken });
    clients.push(client);
    await openTicket(t, desk.customer);
    await client.waitForEvents(1);

    // Both processes listen from the same database: kill every LISTEN backend, as a server restart would.
    const [killed] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}`,
    );
    expect(killed?.n).toBeGreaterThanOrEqual(1);
    const made = await injectSecond(desk.customer.accessToken, 'POST', '/api/tickets', { subject: 'During the outage', description: 'd' });
    expect(made.statusCode).toBe(201);
    const events = await client.waitForEvents(2, 10_000);
    expect(events[1]?.data.subject).toBe('During the outage');
  });

  it('delivers in id order when a transaction with a smaller id commits last, and skips a rolled-back id', async () => {
    const client = await connect(t.url, { token: desk.agent.accessToken });
    clients.push(client);
    const ticket = await openTicket(t, desk.customer);
    await client.waitForEvents(1);

    const append = (db: typeof t.database.db, body: string) =>
      appendTicketEvent(db, {
        ticketId: ticket.id,
        actorId: desk.agent.user.id,
        at: t.clock.now(),
        event: { type: 'ticket.priority_changed', data: { from: 'normal', to: body === 'high' ? 'high' : 'low' } },
      });
    let releaseSlow: () => void = () => undefined;
    const slowMayCommit = new Promise<void>((resolve) => (releaseSlow = resolve));
    let slowId = 0;
    let slowAppended: () => void = () => undefined;
    const appended = new Promise<void>((resolve) => (slowAppended = resolve));
    const slow = t.database.db.transaction(async (tx) => {
      slowId = await append(tx, 'high');
      slowAppended();
      await slowMayCommit;
    });
    await appended;
    let fastId: number;
    try {
      fastId = await secondDatabase.db.transaction((tx) => append(tx, 'low'));
      expect(fastId).toBeGreaterThan(slowId);
      await expectQuiet(client, 1, 300);
    } finally {
      releaseSlow();
      await slow;
    }
    const events = await client.waitForEvents(3);
    expect(events.slice(1).map((e) => Number(e.id))).toEqual([slowId, fastId]);

    // A rolled-back event leaves a hole in the sequence that must not hold the stream up.
    await secondDatabase.db
      .transaction(async (tx) => {
        await append(tx, 'high');
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const after = await secondDatabase.db.transaction((tx) => append(tx, 'low'));
    const all = await client.waitForEvents(4);
    expect(Number(all[3]?.id)).toBe(after);
  });

  it('is not held up at a rolled-back id by a transaction running in another database of the server', async () => {
    const client = await connect(t.url, { token: desk.agent.accessToken });
    clients.push(client);
    const ticket = await openTicket(t, desk.customer);
    await client.waitForEvents(1);
    const append = (db: typeof t.database.db) =>
      appendTicketEvent(db, {
        ticketId: ticket.id,
        actorId: desk.agent.user.id,
        at: t.clock.now(),
        event: { type: 'ticket.priority_changed', data: { from: 'normal', to: 'high' } },
      });
    // Another app, a pg_dump or a test worker elsewhere on the server, with a transaction id of its own.
    const elsewhere = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await elsewhere.connect();
    try {
      await elsewhere.query('begin');
      await elsewhere.query('select pg_current_xact_id()');
      await secondDatabase.db
        .transaction(async (tx) => {
          await append(tx);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      const after = await secondDatabase.db.transaction((tx) => append(tx));
      // Well before the stream gives up on a gap (maxGapWaitMs, 10 s).
      const events = await client.waitForEvents(2, 5000);
      expect(Number(events[1]?.id)).toBe(after);
    } finally {
      await elsewhere.query('rollback');
      await elsewhere.end();
    }
  });
});
