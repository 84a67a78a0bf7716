import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { Actor } from '../authz/actor.js';
import { canSeePresence, seesOthersTickets, visibleEvents, visibleTickets } from '../authz/policies/ticket.js';
import type { AppContext } from '../context.js';
import { DomainError } from '../http/errors.js';
import { advance, type OrderState } from './event-order.js';
import { StreamConnection } from './stream-connection.js';
import { ReplayGate } from './replay-gate.js';
import { inIdOrder, mergePage, resetFrame, SSE_HEARTBEAT, type StreamItem } from './stream.presenter.js';
import { latestStreamId, loadStreamActors, readFeed, readReplay, replayStart } from './stream.repository.js';
import { parsePresence, PRESENCE_CHANNEL, presenceFrame } from './presence-notice.js';
import { STREAM_ACCESS_CHANNEL, TICKET_EVENTS_CHANNEL } from './ticket-event-channel.js';

export interface StreamHubOptions {
  /** SSE comment interval, so proxies keep idle streams open; also when access is re-checked without events. */
  heartbeatMs: number;
  /** Socket buffer a client may leave unread before it is dropped. */
  maxBufferedBytes: number;
  /** Rows read per query. */
  batchSize: number;
  /**
   * Ids a replay query covers (so at most this many rows). Unset: 50 with the embedded
   * database, whose queries hold the whole process while they run; 500 with a server.
   */
  replayIdsPerRead: number | undefined;
  /** Replay queries run at once. Unset: one with the embedded database, a third of the pool with a server (the rest stays free for requests). */
  replayReads: number | undefined;
  /** How soon to read again while held back at a gap (see event-order.ts). */
  gapRetryMs: number;
  maxGapWaitMs: number;
  /** How far back a resuming client is replayed; API.md promises at least 7 days. */
  replayWindowMs: number;
  /** Wait before retrying after a failed read (database restarting). */
  errorRetryMs: number;
}

export const STREAM_HUB_DEFAULTS: StreamHubOptions = {
  heartbeatMs: 15_000,
  maxBufferedBytes: 256 * 1024,
  batchSize: 500,
  replayIdsPerRead: undefined,
  replayReads: undefined,
  gapRetryMs: 25,
  maxGapWaitMs: 10_000,
  replayWindowMs: 7 * 86_400_000,
  errorRetryMs: 1000,
};

/** Ids this far behind the newest are re-read at start, so a transaction committing late is not missed. */
const START_LOOKBACK = 1000;

const tooManyStreams = () => new DomainError('rate_limited', 'too_many_streams', 'Too many open streams for this user');

/**
 * The live stream of one server process. It reads the event log (ticket events and
 * notifications, one id sequence) in id order, woken by NOTIFY from whichever process
 * made the change, and writes each entry to every connection whose caller may see it,
 * after re-reading all connected callers' access in one query. Started by the first
 * stream; stopped with the app.
 */
export class StreamHub {
  private readonly options: StreamHubOptions;
  private readonly replayGate: ReplayGate;
  private readonly replayIdsPerRead: number;
  private readonly connections = new Set<StreamConnection>();
  private readonly byUser = new Map<string, Set<StreamConnection>>();
  private order: OrderState = { cursor: 0, gaps: [] };
  private starting: Promise<void> | undefined;
  private unlisten: (() => Promise<void>)[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeRequested = false;
  private accessStale = false;
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly logger: FastifyBaseLogger,
    options: Partial<StreamHubOptions> = {},
  ) {
    this.options = { ...STREAM_HUB_DEFAULTS, ...options };
    const pglite = ctx.database.driver === 'pglite';
    this.replayIdsPerRead = this.options.replayIdsPerRead ?? (pglite ? 50 : 500);
    this.replayGate = new ReplayGate(this.options.replayReads ?? (pglite ? 1 : Math.max(1, Math.floor(ctx.config.databasePoolSize / 3))));
  }

  /**
   * Opens a stream for `actor` on the request's connection, replaying what came after
   * `lastEventId` first. Refused with 429 past the per-user limit, before anything is sent.
   */
  async open(actor: Actor, reply: FastifyReply, lastEventId: number | undefined): Promise<void> {
    await this.start();
    // A stream opened while the app shuts down would hold the server open.
    if (this.stopped) throw new Error('The live stream is shutting down');
    // From the check to `add` nothing awaits, so concurrent opens cannot both take the last slot.
    if (this.streamsOf(actor.id) >= this.ctx.config.maxStreamsPerUser) throw tooManyStreams();
    reply.hijack();
    const response = reply.raw;
    // The client may have gone while the hub was starting: its close event is already past.
    if (reply.request.raw.socket.destroyed) return;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies such as nginx would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    response.write('retry: 3000\n\n');
    // Everything up to the cursor is replayed from the table; everything after it arrives live.
    const frontier = this.order.cursor;
    const connection = new StreamConnection(response, actor, lastEventId ?? frontier, this.options.maxBufferedBytes);
    this.add(connection);
    response.once('close', () => this.remove(connection));
    try {
      if (lastEventId !== undefined && lastEventId < frontier) await this.replay(connection, lastEventId, frontier);
    } catch (error) {
      this.logger.error({ err: error }, 'stream: replay failed');
      connection.close();
      return;
    }
    connection.finishReplay();
  }

  /**
   * Replays `(after, upTo]` a short id range at a time, taking turns with other replays
   * (see ReplayGate) and waiting for the client to read. Past the configured bounds the
   * rest is not sent: one `reset` moves the client to `upTo`, and it reloads what it skipped.
   */
  private async replay(connection: StreamConnection, after: number, upTo: number): Promise<void> {
    const { actor } = connection;
    const { db } = this.ctx.database;
    const bounds = this.ctx.config.streamReplay;
    const since = new Date(this.ctx.now().getTime() - this.options.replayWindowMs);
    const filters = { ticketVisibility: visibleTickets(actor), eventVisibility: visibleEvents(actor) };
    const first = await this.replayGate.run(() => replayStart(db, actor, after, since));
    if (first === undefined) return;
    let from = Math.max(after, first - 1);
    let events = 0;
    let bytes = 0;
    while (from < upTo && !connection.closed) {
      const to = Math.min(upTo, from + this.replayIdsPerRead);
      const rows = await this.replayGate.run(() => readReplay(db, actor, { after: from, upTo: to, since, ...filters }));
      for (const item of inIdOrder(rows)) {
        const size = Buffer.byteLength(item.frame);
        if (events + 1 > bounds.maxEvents || bytes + size > bounds.maxBytes) return connection.replay({ id: upTo, frame: resetFrame(upTo) });
        events += 1;
        bytes += size;
        await connection.replay(item);
      }
      from = to;
    }
  }

  private add(connection: StreamConnection): void {
    this.connections.add(connection);
    const mine = this.byUser.get(connection.actor.id) ?? new Set();
    mine.add(connection);
    this.byUser.set(connection.actor.id, mine);
  }

  private remove(connection: StreamConnection): void {
    this.connections.delete(connection);
    const mine = this.byUser.get(connection.actor.id);
    mine?.delete(connection);
    if (mine?.size === 0) this.byUser.delete(connection.actor.id);
  }

  /** Open streams of one user in this process. */
  streamsOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  private start(): Promise<void> {
    this.starting ??= this.begin().catch((error: unknown) => {
      // A failed start (database down) is tried again by the next stream.
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async begin(): Promise<void> {
    const { database } = this.ctx;
    this.order = { cursor: Math.max(0, (await latestStreamId(database.db)) - START_LOOKBACK), gaps: [] };
    try {
      this.unlisten.push(await database.listen(TICKET_EVENTS_CHANNEL, () => this.wake()));
      this.unlisten.push(await database.listen(STREAM_ACCESS_CHANNEL, () => this.wake({ access: true })));
      this.unlisten.push(await database.listen(PRESENCE_CHANNEL, (payload) => this.presence(payload)));
    } catch (error) {
      await Promise.all(this.unlisten.splice(0).map((unlisten) => unlisten()));
      throw error;
    }
    // Listening before this first read: whatever commits from now on wakes another one.
    // It catches up to the newest entry before the first stream takes the cursor as its frontier.
    this.wake();
    await this.running;
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Heartbeats, plus a safety read and access check in case a NOTIFY was lost. */
  private beat(): void {
    for (const connection of this.connections) connection.ephemeral(SSE_HEARTBEAT);
    this.wake({ access: true });
  }

  /** Reads and delivers everything new; wake-ups during a run ask for one more run. */
  private wake({ access = false }: { access?: boolean } = {}): void {
    if (this.stopped) return;
    this.accessStale ||= access;
    this.wakeRequested = true;
    this.running ??= this.loop();
  }

  private async loop(): Promise<void> {
    try {
      while (this.wakeRequested && !this.stopped) {
        this.wakeRequested = false;
        try {
          if (this.accessStale) {
            this.accessStale = false;
            await this.refreshAccess();
          }
          await this.pump();
        } catch (error) {
          this.logger.error({ err: error }, 'stream: reading the event log failed; retrying');
          this.schedule(this.options.errorRetryMs);
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  private schedule(ms: number): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.wake();
    }, ms);
    this.retry.unref();
  }

  /** Reads pages until caught up or held at a gap, delivering what is ready in id order. */
  private async pump(): Promise<void> {
    const { batchSize } = this.options;
    for (;;) {
      const page = await readFeed(this.ctx.database.db, this.order.cursor, batchSize);
      const merged = mergePage(page, batchSize);
      const step = advance(
        this.order,
        merged.items.map((item) => item.id),
        page.snapshot,
        { nowMs: Date.now(), maxGapWaitMs: this.options.maxGapWaitMs },
      );
      const ready = new Set(step.ready);
      const items = merged.items.filter((item) => ready.has(item.id));
      if (items.length > 0 && this.connections.size > 0) await this.refreshAccess();
      // The cursor moves in the same turn as the delivery, so a stream opening meanwhile
      // either replays an entry (at or below the cursor) or receives it live, never both.
      this.order = step.state;
      this.deliver(items);
      if (step.waiting) return this.schedule(this.options.gapRetryMs);
      if (merged.cutAt === undefined) return;
    }
  }

  private deliver(items: readonly StreamItem[]): void {
    if (items.length === 0 || this.connections.size === 0) return;
    // Readers of others' tickets are offered every ticket event; each connection keeps what it may see (team scope).
    const readers = [...this.connections].filter((connection) => seesOthersTickets(connection.actor));
    for (const item of items) {
      // Everyone else may see only their own tickets and their own notifications.
      const owner = item.recipientId ?? item.requesterId;
      if (item.recipientId === null) for (const connection of readers) connection.deliver(item);
      for (const connection of this.byUser.get(owner) ?? []) {
        if (item.recipientId !== null || !seesOthersTickets(connection.actor)) connection.deliver(item);
      }
    }
  }

  /** Who is viewing or typing on a ticket: to the staff who may see it, but not back to the one announcing. */
  private presence(payload: string): void {
    const notice = parsePresence(payload);
    if (!notice) return;
    const frame = presenceFrame(notice);
    for (const connection of this.connections) {
      if (connection.actor.id !== notice.userId && canSeePresence(connection.actor, notice)) connection.ephemeral(frame);
    }
  }

  /**
   * Re-reads every connected caller in one query: a revoked session or deactivated user
   * loses the stream, a changed role applies to the very next entry.
   */
  private async refreshAccess(): Promise<void> {
    const connections = [...this.connections];
    if (connections.length === 0) return;
    const sessions = [...new Set(connections.map((connection) => connection.actor.sessionId))];
    const actors = await loadStreamActors(this.ctx.database.db, sessions);
    for (const connection of connections) {
      const actor = actors.get(connection.actor.sessionId);
      if (actor?.id === connection.actor.id) connection.actor = actor;
      else connection.close();
    }
  }

  /** Ends every stream (clients reconnect elsewhere with Last-Event-ID) and stops reading. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.retry);
    for (const connection of this.connections) connection.close();
    await this.starting?.catch(() => undefined);
    await Promise.all(this.unlisten.splice(0).map((unlisten) => unlisten()));
    await this.running;
  }
}
