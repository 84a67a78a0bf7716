import { sql } from 'drizzle-orm';
import type { BackgroundLogger } from '../background-logger.js';
import { runPeriodically, type Periodic } from '../periodic.js';
import { queryRows, type Database, type Db } from './database.js';

/*
 * What autovacuum does on a PostgreSQL server, for a database that has none. PGlite runs
 * PostgreSQL as a single backend, without the launcher that starts autovacuum's workers:
 * unkept, an embedded desk's statistics describe it as it was on its first day (a plan
 * guessing 52 waiting tickets where 16,350 waited sorted them all for each page of the queue,
 * bench/FINDINGS.md §18), and rows left dead by every update are never cleared. The
 * thresholds and the pause between rounds are autovacuum's defaults.
 */

/** autovacuum_naptime. */
const UPKEEP_INTERVAL_MS = 60_000;
/** autovacuum_vacuum_threshold and autovacuum_vacuum_scale_factor. */
const VACUUM_BASE = 50;
const VACUUM_SCALE = 0.2;
/** autovacuum_analyze_threshold and autovacuum_analyze_scale_factor. */
const ANALYZE_BASE = 50;
const ANALYZE_SCALE = 0.1;
/**
 * PGlite writes no statistics file when it closes, so every start of an embedded desk counts
 * changes from zero, and a desk restarted before a tenth of a table changed would never have
 * it analysed. The table's size on disk survives: one grown by a tenth past the pages its last
 * ANALYZE or VACUUM saw (`relpages`), and a page, is analysed too.
 */
const ANALYZE_BASE_PAGES = 1;

export interface UpkeepRound {
  /** Vacuumed, and analysed in the same pass. */
  vacuumed: string[];
  analyzed: string[];
}

/**
 * One round: every table of the app's schema whose dead rows or changes since its last
 * ANALYZE passed autovacuum's thresholds is vacuumed or analysed, one at a time.
 */
export async function keepTablesUp(db: Db): Promise<UpkeepRound> {
  // A backend publishes what it counted when idle; a single one (PGlite) is asked to, so the counts below are whole.
  await queryRows(db, sql`select pg_stat_force_next_flush()`);
  const due = await queryRows<{ name: string; vacuum: boolean; analyze: boolean }>(
    db,
    sql`select s.relname as name,
        s.n_dead_tup > ${VACUUM_BASE} + ${VACUUM_SCALE} * greatest(c.reltuples, 0) as vacuum,
        s.n_mod_since_analyze > ${ANALYZE_BASE} + ${ANALYZE_SCALE} * greatest(c.reltuples, 0)
          or pg_relation_size(c.oid) / current_setting('block_size')::float8 > ${ANALYZE_BASE_PAGES}::float8 + ${1 + ANALYZE_SCALE}::float8 * c.relpages as analyze
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid
      where s.schemaname = current_schema()
      order by s.relname`,
  );
  const round: UpkeepRound = { vacuumed: [], analyzed: [] };
  for (const table of due) {
    if (table.vacuum) {
      await db.execute(sql`vacuum (analyze) ${sql.identifier(table.name)}`);
      round.vacuumed.push(table.name);
    } else if (table.analyze) {
      await db.execute(sql`analyze ${sql.identifier(table.name)}`);
      round.analyzed.push(table.name);
    }
  }
  return round;
}

/**
 * Keeps the tables up where nothing else does: always on the embedded database; on a server
 * only while its autovacuum is off (then said once in the log), as several app processes
 * would otherwise all repeat its work.
 */
export async function startDatabaseUpkeep(database: Database, options: { logger: BackgroundLogger }): Promise<Periodic | undefined> {
  if (database.driver === 'postgres') {
    const [setting] = await queryRows<{ on: boolean }>(database.db, sql`select current_setting('autovacuum')::boolean as on`);
    if (setting?.on !== false) return undefined;
    options.logger.warn({}, 'database: autovacuum is off on this server; the app vacuums and analyses its own tables instead');
  }
  return runPeriodically(
    UPKEEP_INTERVAL_MS,
    async (logger) => {
      const round = await keepTablesUp(database.db);
      if (round.vacuumed.length > 0 || round.analyzed.length > 0) logger.info(round, 'database: tables vacuumed and analysed');
    },
    { ...options, failure: 'database: upkeep failed' },
  );
}
