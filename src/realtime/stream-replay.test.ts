import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { issueAccessToken } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { queryRows } from '../db/database.js';
import { describeEachDatabase } from '../test/databases.js';
import type { TestUser } from '../test/factories.js';
import { createDesk, openTicket, postMessage, type Desk } from '../tickets/tickets.test-support.js';
import { loadStreamActors, replayStart } from './stream.repository.js';
import { connect, createListeningApp, expectQuiet, type ListeningTestApp, type SseClient, type SseEvent } from './stream.test-support.js';

/** The bytes the server wrote for one event: the frame rebuilt from what the client parsed. */
const frameBytes = (e: SseEvent) => Buffer.byteLength(`id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);

const names = (events: readonly SseEvent[]) => events.map((e) => e.event);

describeEachDatabase('live stream: bounded replay', (kind) => {
  let t: ListeningTestApp;
  let desk: Desk;
  const clients: SseClient[] = [];

  /** A fresh app with these replay bounds; ranges of two ids per read, so a replay spans many reads. */
  const start = async (streamReplay: Config['streamReplay']) => {
    t = await createListeningApp(kind, { config: { streamReplay }, build: { stream: { replayIdsPerRead: 2 } } });
    desk = await createDesk(t);
  };
  const stream = async (user: TestUser, lastEventId?: string) => {
    const client = await connect(t.url, { token: user.accessToken, ...(lastEventId === undefined ? {} : { headers: { 'last-event-id': lastEventId } }) });
    clients.push(client);
    return client;
  };

  /**
   * What the customer may see, interleaved with what they may not (another customer's
   * ticket, internal notes): the customer's own events are created, message, notification
   * and message, notification, in that order. Returns the id everything is replayed after.
   */
  const history = async () => {
    const watcher = await stream(desk.customer);
    const ticket = await openTicket(t, desk.customer, { subject: 'Mine' });
    await openTicket(t, desk.otherCustomer, { subject: 'Theirs: not for Cora' });
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'internal: refund denied', internal: true })).statusCode).toBe(201);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'First public reply' })).statusCode).toBe(201);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'internal: second note', internal: true })).statusCode).toBe(201);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'Second public reply' })).statusCode).toBe(201);
    // Once the customer saw the last of it live, the server's frontier is past all of it: a
    // stream resuming now replays the whole history (bounded), none of it arrives live.
    const [created] = await watcher.waitForEvents(5);
    watcher.close();
    return { ticket, after: created?.id ?? '' };
  };

  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await t.close();
  });

  it('replays everything within the bound, without a reset, and none of what the customer may not see', async () => {
    // Exactly the customer's four events: the internal notes and the other ticket do not count.
    await start({ maxEvents: 4, maxBytes: 512 * 1024 });
    const { after } = await history();
    const resumed = await stream(desk.customer, after);
    const events = await resumed.waitForEvents(4);
    await expectQuiet(resumed, 4);
    expect(names(events)).toEqual(['ticket.message', 'notification', 'ticket.message', 'notification']);
    expect(JSON.stringify(events)).not.toMatch(/internal:|Theirs/);
    expect(events.map((e) => e.data.message).filter(Boolean)).toMatchObject([{ body: 'First public reply' }, { body: 'Second public reply' }]);
  });

  it('stops at the event bound with one reset, then goes on live; resuming from the reset replays nothing', async () => {
    await start({ maxEvents: 3, maxBytes: 512 * 1024 });
    const { ticket, after } = await history();
    const agentSees = await stream(desk.agent, after);
    const resumed = await stream(desk.customer, after);
    const events = await resumed.waitForEvents(4);
    expect(names(events)).toEqual(['ticket.message', 'notification', 'ticket.message', 'reset']);
    const reset = events[3];
    expect(reset?.data).toEqual({ reason: 'replay_limit' });
    // The reset carries the point the stream goes on from: after everything it skipped.
    expect(Number(reset?.id)).toBeGreaterThan(Number(events[2]?.id));

    // Staff see more events in the same range (the other ticket, the internal notes): they too stop at three.
    const agentEvents = await agentSees.waitForEvents(4);
    expect(agentEvents[0]?.data.subject).toBe('Theirs: not for Cora');
    expect(agentEvents[1]?.data.message).toMatchObject({ body: 'internal: refund denied' });
    expect(agentEvents[3]?.event).toBe('reset');

    await postMessage(t, desk.agent, ticket.id, { body: 'Live after the reset' });
    const live = await resumed.waitForEvents(6);
    await expectQuiet(resumed, 6);
    expect(names(live.slice(4))).toEqual(['ticket.message', 'notification']);
    expect(Number(live[4]?.id)).toBeGreaterThan(Number(reset?.id));
    expect(live.filter((e) => e.event === 'reset')).toHaveLength(1);

    const again = await stream(desk.customer, reset?.id);
    const replayed = await again.waitForEvents(2);
    await expectQuiet(again, 2);
    expect(replayed.map((e) => e.id)).toEqual(live.slice(4).map((e) => e.id));
  });

  it('stops at the byte bound with one reset', async () => {
    await start({ maxEvents: 500, maxBytes: 512 * 1024 });
    const { after } = await history();
    const full = await stream(desk.customer, after);
    const all = await full.waitForEvents(4);
    full.close();

    t.ctx.config.streamReplay.maxBytes = frameBytes(all[0] as SseEvent) + frameBytes(all[1] as SseEvent) + frameBytes(all[2] as SseEvent) - 1;
    const cut = await stream(desk.customer, after);
    const events = await cut.waitForEvents(3);
    await expectQuiet(cut, 3);
    expect(events.slice(0, 2)).toEqual(all.slice(0, 2));
    expect(events[2]).toMatchObject({ event: 'reset', data: { reason: 'replay_limit' } });

    // A frame bigger than the whole bound: only the reset.
    t.ctx.config.streamReplay.maxBytes = 10;
    const nothing = await stream(desk.customer, after);
    expect(names(await nothing.waitForEvents(1))).toEqual(['reset']);
    await expectQuiet(nothing, 1);
  });

  it('replays only the window (7 days), also from the very start of the log', async () => {
    await start({ maxEvents: 500, maxBytes: 512 * 1024 });
    const old = await openTicket(t, desk.customer, { subject: 'Last month' });
    t.clock.advance(8 * 86_400_000);
    // The old tokens have expired by now; the sessions have not.
    const fresh = async (user: TestUser): Promise<TestUser> => ({
      ...user,
      accessToken: await issueAccessToken(t.ctx.config.jwtSecret, { userId: user.user.id, sessionId: user.sessionId }, t.clock.now()),
    });
    const [customer, agent, other] = [await fresh(desk.customer), await fresh(desk.agent), await fresh(desk.otherCustomer)];
    expect((await postMessage(t, agent, old.id, { body: 'Sorry for the wait' })).statusCode).toBe(201);
    await openTicket(t, other);
    const recent = await openTicket(t, customer, { subject: 'This week' });

    const resumed = await stream(customer, '0');
    const events = await resumed.waitForEvents(3);
    await expectQuiet(resumed, 3);
    expect(events.map((e) => `${e.event} ${String(e.data.ticketId)}`)).toEqual([
      `ticket.message ${old.id}`,
      `notification ${old.id}`,
      `ticket.created ${recent.id}`,
    ]);
  });

  it('starts a replay at the first id after the cursor when the window opens on events of one moment', async () => {
    await start({ maxEvents: 500, maxBytes: 512 * 1024 });
    const ticket = await openTicket(t, desk.customer);
    const { db } = t.database;
    const [cursor] = await queryRows<{ id: string }>(db, sql`select max(id)::text as id from ticket_events`);
    // Two events of one transaction (same time), written to the table out of id order, as the
    // planner may return them; nothing older is in the window.
    const [ids] = await queryRows<{ first: string; second: string }>(db, sql`select nextval('ticket_events_id_seq')::text as first, nextval('ticket_events_id_seq')::text as second`);
    const at = t.clock.now().toISOString();
    for (const id of [ids?.second, ids?.first]) {
      await db.execute(sql`insert into ticket_events (id, ticket_id, type, data, created_at) values (${id}, ${ticket.id}, 'ticket.priority_changed', '{}', ${at})`);
    }
    await db.execute(sql`delete from ticket_events where id <= ${cursor?.id}`);
    const actor = (await loadStreamActors(db, [desk.agent.sessionId])).get(desk.agent.sessionId);
    if (!actor) throw new Error('the agent has no live session');
    const since = new Date(t.clock.now().getTime() - 86_400_000);
    expect(await replayStart(db, actor, Number(cursor?.id), since)).toBe(Number(ids?.first));
  });
});
