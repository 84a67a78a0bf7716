import { session } from './client';

/**
 * The event names of GET /api/stream (API.md, Real-time stream); its frames are not in the
 * OpenAPI document. `reset` ends a replay the server cut short: whatever was missed must be
 * read again. `presence` (who is viewing or typing on a ticket) has no id and is never replayed.
 */
const EVENT_TYPES = ['ticket.created', 'ticket.updated', 'ticket.message', 'notification', 'reset', 'presence'] as const;
export type StreamEventType = (typeof EVENT_TYPES)[number];

export interface StreamEvent {
  id: string;
  type: StreamEventType;
  ticketId: string | null;
  data: Record<string, unknown>;
}
const MAX_RETRY_MS = 30_000;

export type StreamStatus = 'connecting' | 'live' | 'offline';

/** Ids are increasing integers as strings; compare them without losing precision. */
function isNewer(id: string, last: string | null): boolean {
  if (last === null) return true;
  if (/^\d+$/.test(id) && /^\d+$/.test(last)) return BigInt(id) > BigInt(last);
  return id !== last;
}

function parseData(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The live stream of /api/stream. EventSource cannot send headers, so the access token goes
 * in the query string; because that token expires, every reconnect is ours (fresh token,
 * `lastEventId` of the last event seen) rather than the browser's, and the server replays
 * what we missed. Events already seen are dropped, so a replay never repeats one.
 */
export class LiveStream {
  private source: EventSource | null = null;
  private lastEventId: string | null = null;
  private retryMs = 1000;
  private retryTimer: number | undefined;
  private stopped = false;
  private readonly listeners = new Set<(event: StreamEvent) => void>();
  private readonly statusListeners = new Set<(status: StreamStatus) => void>();
  status: StreamStatus = 'connecting';

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = null;
  }

  subscribe(listener: (event: StreamEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (status: StreamStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(status: StreamStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.setStatus('connecting');
    const token = await session.freshAccessToken();
    if (this.stopped) return;
    if (!token) {
      this.setStatus('offline');
      return;
    }
    const query = new URLSearchParams({ access_token: token });
    if (this.lastEventId) query.set('lastEventId', this.lastEventId);
    const source = new EventSource(`/api/stream?${query.toString()}`);
    this.source = source;
    source.onopen = () => {
      this.retryMs = 1000;
      this.setStatus('live');
    };
    source.onerror = () => {
      source.close();
      if (this.source !== source || this.stopped) return;
      this.source = null;
      this.setStatus('offline');
      this.retryTimer = window.setTimeout(() => void this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    };
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (message) => this.receive(type, message));
    }
  }

  private receive(type: StreamEventType, message: MessageEvent): void {
    const id = message.lastEventId;
    if (id) {
      if (!isNewer(id, this.lastEventId)) return;
      this.lastEventId = id;
    }
    const data = parseData(message.data);
    const ticketId = typeof data.ticketId === 'string' ? data.ticketId : null;
    const event: StreamEvent = { id, type, ticketId, data };
    for (const listener of this.listeners) listener(event);
  }
}
