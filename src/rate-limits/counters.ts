import type { FastifyRateLimitStore } from '@fastify/rate-limit';

/** One key to count once more, in a window of `windowMs` that starts at its first hit. */
export interface Hit {
  key: string;
  windowMs: number;
}

/** A key's hits in its current window, this one included, and the milliseconds until it ends. */
export interface Count {
  current: number;
  ttl: number;
}

/** Where counts are kept (the database or Redis): every hit of a batch in one round trip. */
export interface Counters {
  add(hits: readonly Hit[]): Promise<Count[]>;
  close(): Promise<void>;
}

type Callback = (error: Error | null, result?: Count) => void;

/**
 * @fastify/rate-limit's store, over shared counters. The plugin asks for one key at a time;
 * a request checks two (per user and per address) at once, and concurrent requests more, so
 * the keys asked for in the same turn of the event loop are counted together in one
 * statement: one round trip per request, fewer under load.
 */
export class BatchingStore implements FastifyRateLimitStore {
  private pending: { hit: Hit; callback: Callback }[] = [];

  constructor(private readonly counters: Counters) {}

  incr(key: string, callback: Callback, timeWindow: number): void {
    this.pending.push({ hit: { key, windowMs: timeWindow }, callback });
    if (this.pending.length === 1) setImmediate(() => void this.flush());
  }

  /** Every limiter the plugin creates shares this store, hence its batches. */
  child(): FastifyRateLimitStore {
    return this;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const counts = await this.counters.add(batch.map((entry) => entry.hit));
      batch.forEach((entry, index) => entry.callback(null, counts[index]));
    } catch (error) {
      for (const entry of batch) entry.callback(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
