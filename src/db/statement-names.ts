import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * The name a query is prepared under (`.prepare(PLAN_ONCE)`, `queryRows(db, query, PLAN_ONCE)`)
 * when PostgreSQL may parse it once per connection and keep one plan for any values. An
 * unnamed statement is parsed and planned on every run, and planning was a quarter to a third
 * of a write's database time: choosing who hears of a change cost 0.50 ms to plan and 0.06 ms
 * to run (bench/FINDINGS.md §18). Only a statement whose best plan does not depend on its values may
 * ask for it (a key lookup, an insert, a fixed walk): PostgreSQL may keep a plan made for
 * typical values after five runs, which a range or a skewed filter would regret. A report
 * says '' instead: planned for its values on every run. The embedded
 * database honours it too (src/db/pglite-statements.ts).
 */
export const PLAN_ONCE = 'plan once';

/**
 * How many texts a connection prepares under a name. Each holds memory in its backend for as
 * long as the connection lives; past the bound a text runs unnamed, as it would without a name.
 */
export const NAMED_PER_CONNECTION = 200;

export const nameOfText = (text: string): string => `prepared_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;

type QueryConfig = { text: string; name?: string | undefined };

const asksForName = (config: unknown): config is QueryConfig =>
  typeof config === 'object' && config !== null && (config as QueryConfig).name === PLAN_ONCE && typeof (config as QueryConfig).text === 'string';

/**
 * Gives each query `client` runs under PLAN_ONCE its text's name, so one name always means one
 * text on a connection, and at most NAMED_PER_CONNECTION of them.
 */
export function nameStatementsOf(client: pg.Client): void {
  // By text, so a statement of the write path is hashed once per connection, not on every run.
  const named = new Map<string, string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const nameFor = (text: string): string | undefined => {
    const known = named.get(text);
    if (known !== undefined || named.size >= NAMED_PER_CONNECTION) return known;
    const name = nameOfText(text);
    named.set(text, name);
    return name;
  };
  client.query = ((config: unknown, ...rest: unknown[]) =>
    query(asksForName(config) ? { ...config, name: nameFor(config.text) } : config, ...rest)) as typeof client.query;
}
