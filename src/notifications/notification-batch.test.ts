import { afterEach, expect, it } from 'vitest';
import type { Actor } from '../authz/actor.js';
import { loadActor } from '../auth/actor.repository.js';
import { connect, createListeningApp, expectQuiet, type SseClient } from '../realtime/stream.test-support.js';
import { call, callJson, openTicketAt, runRules, setClock } from '../sla/sla.test-support.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { createTestDatabase, describeEachDatabase } from '../test/databases.js';
import type { TestUser } from '../test/factories.js';
import { updateTicket } from '../tickets/tickets.service.js';
import { createDesk, type Desk } from '../tickets/tickets.test-support.js';
import { STALE_BATCH_MS, withGroupedNotifications } from './notification-batch.js';

interface NotificationJson {
  type: string;
  title: string;
  count: number;
  readAt: string | null;
}

function signal(): { done: Promise<void>; fire: () => void } {
  let fire = (): void => undefined;
  const done = new Promise<void>((resolve) => (fire = resolve));
  return { done, fire };
}

async function actorOf(t: TestApp, user: TestUser): Promise<Actor> {
  const actor = await loadActor(t.database.db, user.user.id, user.sessionId);
  if (!actor) throw new Error('no live session');
  return actor;
}

/**
 * A batch's notifications are written with each of its changes and shown, grouped, when it
 * ends: hidden until then, and never lost to a crash in between.
 */
describeEachDatabase('notification batches', (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const list = async (t: TestApp, user: TestUser) => (await callJson<{ items: NotificationJson[] }>(t, user, 'GET', '/api/notifications')).items;
  const unread = (t: TestApp, user: TestUser) => callJson(t, user, 'GET', '/api/notifications/unread-count');

  async function openTickets(t: TestApp, desk: Desk, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) ids.push((await openTicketAt(t, desk.customer, '2026-03-02T09:00:00Z')).id);
    return ids;
  }

  /** Assigns the tickets to the agent in one batch that runs until `end` fires; resolves once they are committed. */
  async function assignInBatch(t: TestApp, desk: Desk, ids: readonly string[], end: Promise<void>): Promise<{ batch: Promise<void> }> {
    const actor = await actorOf(t, desk.manager);
    const committed = signal();
    const batch = withGroupedNotifications(t.ctx, async () => {
      for (const id of ids) await updateTicket(t.ctx, actor, id, { assigneeId: desk.agent.user.id });
      committed.fire();
      await end;
    });
    await committed.done;
    return { batch };
  }

  it('loses none to a crash mid-batch: the escalation run after the bound shows them, grouped, from a new process', async () => {
    const database = await createTestDatabase(kind);
    cleanups.push(() => database.close());
    const first = await createTestApp(kind, {}, { database });
    setClock(first, '2026-03-02T09:00:00Z');
    const desk = await createDesk(first);
    const ids = await openTickets(first, desk, 3);
    // The process dies with the batch open: it never ends, and the app goes without closing it.
    await assignInBatch(first, desk, ids, new Promise<void>(() => undefined));
    await first.app.close();

    const second = await createTestApp(kind, {}, { database });
    cleanups.push(() => second.app.close());
    setClock(second, '2026-03-02T09:00:00Z');
    // A run within the bound leaves the batch alone: it may still be running somewhere.
    await runRules(second, desk.manager);
    expect(await list(second, desk.agent)).toEqual([]);

    second.clock.advance(STALE_BATCH_MS + 1000);
    await runRules(second, desk.manager);
    expect(await list(second, desk.agent)).toMatchObject([{ type: 'ticket_assigned', count: 3, title: '3 tickets were assigned to you', readAt: null }]);
    expect(await unread(second, desk.agent)).toEqual({ count: 1 });
    // Ended once: the next run finds nothing more to show.
    await runRules(second, desk.manager);
    expect(await list(second, desk.agent)).toHaveLength(1);
  });

  it("hides an open batch's notifications from the list, the unread count, read-all and the stream until it ends", async () => {
    const t = await createListeningApp(kind);
    cleanups.push(() => t.close());
    const desk = await createDesk(t);
    const ids = await openTickets(t, desk, 2);
    const stream: SseClient = await connect(t.url, { token: desk.agent.accessToken });
    cleanups.push(async () => stream.close());

    const end = signal();
    const { batch } = await assignInBatch(t, desk, ids, end.done);
    // The changes themselves are live at once.
    await stream.waitForEvents(2);
    await expectQuiet(stream, 2);
    expect(stream.events.map((event) => event.event)).toEqual(['ticket.updated', 'ticket.updated']);
    expect(await list(t, desk.agent)).toEqual([]);
    expect(await unread(t, desk.agent)).toEqual({ count: 0 });
    // Read-all cannot mark read what the reader was never shown.
    expect((await call(t, desk.agent, 'POST', '/api/notifications/read-all')).statusCode).toBe(204);

    end.fire();
    await batch;
    expect(await list(t, desk.agent)).toMatchObject([{ type: 'ticket_assigned', count: 2, readAt: null }]);
    expect(await unread(t, desk.agent)).toEqual({ count: 1 });
    // Published as it ends, without waiting for the next ticket event.
    const [, , notification] = await stream.waitForEvents(3);
    expect(notification).toMatchObject({ event: 'notification', data: { type: 'ticket_assigned', count: 2, title: '2 tickets were assigned to you' } });
  });
});
