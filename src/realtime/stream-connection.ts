import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Actor } from '../authz/actor.js';
import { canSeeTicketEvent } from '../authz/policies/ticket.js';
import type { StreamItem } from './stream.presenter.js';

/** Whether this caller may receive this entry, decided by the authorization module. */
export const mayReceive = (actor: Actor, item: StreamItem): boolean =>
  (item.recipientId === null || item.recipientId === actor.id) &&
  canSeeTicketEvent(actor, item, item);

/**
 * One open stream. While it replays what the client missed, live entries wait in a
 * backlog; every entry is written at most once and in id order (`lastId` only grows).
 */
export class StreamConnection {
  private replaying = true;
  private backlog: StreamItem[] = [];
  private ended = false;

  constructor(
    private readonly response: ServerResponse,
    public actor: Actor,
    /** The last id the client has (or is about to get by replay): nothing at or below it is sent. */
    public lastId: number,
    private readonly maxBufferedBytes: number,
  ) {
    response.once('close', () => {
      this.ended = true;
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  /** A live entry: sent now, or after the replay. */
  deliver(item: StreamItem): void {
    if (this.ended || item.id <= this.lastId || !mayReceive(this.actor, item)) return;
    if (this.replaying) {
      this.backlog.push(item);
      return;
    }
    this.lastId = item.id;
    this.write(item.frame);
  }

  /** A replayed entry; waits while the socket drains, since a replay can be long. */
  async replay(item: Pick<StreamItem, 'id' | 'frame'>): Promise<void> {
    if (this.ended || item.id <= this.lastId) return;
    this.lastId = item.id;
    if (this.response.write(item.frame) || this.ended) return;
    await Promise.race([once(this.response, 'drain'), once(this.response, 'close')]).catch(() => undefined);
  }

  /** Ends the replay: the live entries that arrived meanwhile go out, re-checked against current access. */
  finishReplay(): void {
    this.replaying = false;
    const backlog = this.backlog;
    this.backlog = [];
    for (const item of backlog) this.deliver(item);
  }

  /** Something not in the event log (a heartbeat, presence): sent live only, never replayed. */
  ephemeral(chunk: string): void {
    if (!this.replaying && !this.ended) this.write(chunk);
  }

  /**
   * A client that does not read fills its socket buffer; past the limit it is dropped
   * rather than held in memory without bound (it can resume with Last-Event-ID).
   */
  private write(chunk: string): void {
    this.response.write(chunk);
    if (this.response.writableLength > this.maxBufferedBytes) this.drop();
  }

  /** Cuts the connection without flushing what the client did not read. */
  drop(): void {
    this.ended = true;
    this.backlog = [];
    this.response.destroy();
  }

  /** Ends the stream cleanly (shutdown, a revoked session). */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.backlog = [];
    this.response.end();
  }
}
