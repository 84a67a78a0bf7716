import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database.js';
import { jsonParameter, textAsSent } from '../db/json-parameter.js';
import { PLAN_ONCE } from '../db/statement-names.js';
import type { Count, Counters, Hit } from './counters.js';

/** How often one process sweeps expired rows, and how many at most per sweep. */
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_BATCH = 1000;

interface Row {
  key: string;
  hits: number;
  ttl: number;
}

/**
 * Counts in `rate_limit_counters`, on PGlite and on a PostgreSQL server alike: one upsert
 * for the whole batch that starts a new window where the old one ended, and returns each
 * key's count. Time is the app's clock, so tests move it. Keys are upserted in sorted order,
 * so two processes counting the same keys wait for each other instead of deadlocking.
 */
export class PostgresCounters implements Counters {
  private nextSweep = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async add(hits: readonly Hit[]): Promise<Count[]> {
    // Keys as the database stores and returns them, so each answer finds its hit.
    const sent = hits.map((hit) => ({ ...hit, key: textAsSent(hit.key) }));
    // One row per key: a key twice in a batch (two requests at once) adds two hits.
    const byKey = new Map<string, { hits: number; windowMs: number }>();
    for (const { key, windowMs } of sent) {
      const entry = byKey.get(key);
      if (entry) entry.hits += 1;
      else byKey.set(key, { hits: 1, windowMs });
    }
    const batch = [...byKey.entries()].map(([key, entry]) => ({ key, hits: entry.hits, window_ms: entry.windowMs }));
    const now = this.now();
    const rows = await queryRows<Row>(this.db, this.upsert(jsonParameter(batch), now, this.sweepDue(now)), PLAN_ONCE);
    const counted = new Map(rows.map((row) => [row.key, { total: row.hits, ttl: Math.max(0, row.ttl) }]));
    // Each caller gets the count as of its own hit, in the order they came.
    const seen = new Map<string, number>();
    return sent.map(({ key }) => {
      const result = counted.get(key);
      const added = byKey.get(key)?.hits ?? 1;
      const before = seen.get(key) ?? 0;
      seen.set(key, before + 1);
      return { current: (result?.total ?? added) - added + before + 1, ttl: result?.ttl ?? 0 };
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private sweepDue(now: Date): boolean {
    if (now.getTime() < this.nextSweep) return false;
    this.nextSweep = now.getTime() + SWEEP_INTERVAL_MS;
    return true;
  }

  private upsert(batch: string, now: Date, sweep: boolean) {
    const at = sql`${now.toISOString()}::timestamptz`;
    // Rows locked elsewhere are skipped, not waited for; the batch's own keys are left to the upsert.
    const sweepExpired = sweep
      ? sql`, swept as (
          delete from rate_limit_counters where key in (
            select key from rate_limit_counters
            where resets_at <= ${at} and key not in (select key from batch)
            limit ${SWEEP_BATCH} for update skip locked))`
      : sql``;
    return sql`
      with batch as (select * from jsonb_to_recordset(${batch}::jsonb) as b(key text, hits integer, window_ms integer))${sweepExpired}
      insert into rate_limit_counters as c (key, hits, resets_at)
      select key, hits, ${at} + window_ms * interval '1 millisecond' from batch order by key
      on conflict (key) do update set
        hits = case when c.resets_at <= ${at} then excluded.hits else c.hits + excluded.hits end,
        -- A clock set back (NTP, a restored VM) must not stretch a window past its length; the hits stay.
        resets_at = case when c.resets_at <= ${at} then excluded.resets_at else least(c.resets_at, excluded.resets_at) end
      returning key, hits, ceil(extract(epoch from (resets_at - ${at})) * 1000)::integer as ttl`;
  }
}
