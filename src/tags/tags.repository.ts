import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database.js';
import { tickets } from '../tickets/tickets.schema.js';

export interface TagCount {
  name: string;
  count: number;
}

/**
 * Tags in use among the tickets `visibility` lets through, the most used first: what an
 * agent typing a tag is offered. `prefix` is a normalized tag's beginning.
 */
export async function countTags(db: Db, { visibility, prefix, limit }: { visibility: SQL | undefined; prefix: string | undefined; limit: number }): Promise<TagCount[]> {
  const tag = sql.identifier('tag');
  // LIKE's own characters in the prefix are matched as themselves.
  const startsWith = prefix === undefined ? undefined : sql`starts_with(${tag}, ${prefix})`;
  const where = [visibility, startsWith].filter((part) => part !== undefined);
  return queryRows<TagCount>(db, sql`
    select ${tag} as name, count(*)::int as count
    from ${tickets}, unnest(${tickets.tags}) as ${tag}
    ${where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    group by ${tag} order by count(*) desc, ${tag} limit ${limit}`);
}
