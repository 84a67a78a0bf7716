import pg from 'pg';

export type NotificationHandler = (payload: string) => void;

const RETRY_MS = { first: 100, max: 5000 };

/** How the connection shows in `pg_stat_activity`, so an operator can tell it from the pool's. */
export const LISTENER_APPLICATION_NAME = 'helpline-listen';

const quoted = (channel: string): string => `"${channel.replace(/"/g, '')}"`;

/**
 * Every LISTEN of one process on one connection: the stream, the mail worker and the
 * settings cache would otherwise hold one connection per channel beside the pool, five in
 * all, which counts against `max_connections` once several processes share the server.
 *
 * It survives losing the connection (a server restart, a killed backend): it reconnects
 * with backoff, listens again to every channel, and then calls every handler once with an
 * empty payload, since whatever was notified meanwhile is lost and each subscriber must
 * catch up from its own source of truth. The connection is opened by the first `listen`
 * and closed when the last one stops.
 */
export class PostgresListener {
  private readonly handlers = new Map<string, Set<NotificationHandler>>();
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  /** The connection went while channels were listened to: their handlers must catch up once it is back. */
  private lost = false;
  /** Connecting, LISTEN and UNLISTEN run one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly connectionString: string) {}

  /** Resolves once notifications on `channel` reach `handler`; the function it returns stops them. */
  async listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>> {
    await this.inTurn(async () => {
      const client = this.client ?? (await this.connect());
      if (!this.handlers.has(channel)) await client.query(`LISTEN ${quoted(channel)}`);
      const handlers = this.handlers.get(channel) ?? new Set();
      handlers.add(handler);
      this.handlers.set(channel, handlers);
    });
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      await this.inTurn(() => this.stop(channel, handler));
    };
  }

  private inTurn<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async stop(channel: string, handler: NotificationHandler): Promise<void> {
    const handlers = this.handlers.get(channel);
    handlers?.delete(handler);
    if (handlers?.size) return;
    this.handlers.delete(channel);
    if (this.handlers.size > 0) {
      await this.client?.query(`UNLISTEN ${quoted(channel)}`).catch(() => undefined);
      return;
    }
    clearTimeout(this.retry);
    this.lost = false;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: LISTENER_APPLICATION_NAME });
    client.on('error', () => undefined);
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.lost = true;
      this.reconnect(RETRY_MS.first);
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${quoted(channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    if (this.lost) {
      this.lost = false;
      for (const handlers of [...this.handlers.values()]) for (const handler of [...handlers]) handler('');
    }
    return client;
  }

  private reconnect(delayMs: number): void {
    this.retry = setTimeout(() => {
      void this.inTurn(async () => {
        // Stopped meanwhile, or connected again by a new `listen`.
        if (this.handlers.size === 0 || this.client) return;
        await this.connect();
      }).catch(() => this.reconnect(Math.min(delayMs * 2, RETRY_MS.max)));
    }, delayMs);
    this.retry.unref();
  }
}
