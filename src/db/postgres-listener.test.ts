import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { queryRows } from './database.js';
import { createTestDatabase, describeOnPostgres, type TestDatabase } from '../test/databases.js';
import { LISTENER_APPLICATION_NAME, PostgresListener } from './postgres-listener.js';

describeOnPostgres('listening to notifications', () => {
  let database: TestDatabase;
  let listener: PostgresListener;
  beforeEach(async () => {
    database = await createTestDatabase('postgres');
    listener = new PostgresListener(database.url ?? '');
  });
  afterEach(() => database.close());

  const listenerConnections = async (): Promise<number> => {
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}`,
    );
    return row?.n ?? -1;
  };
  const notify = (channel: string, payload: string) => database.db.execute(sql`select pg_notify(${channel}, ${payload})`);
  const until = async (condition: () => boolean): Promise<void> => {
    for (let waited = 0; !condition(); waited += 10) {
      if (waited > 5000) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('listens to every channel on one connection, and closes it when the last one stops', async () => {
    const seen: string[] = [];
    const stops = await Promise.all([
      listener.listen('first', (payload) => seen.push(`first:${payload}`)),
      listener.listen('second', (payload) => seen.push(`second:${payload}`)),
      listener.listen('second', (payload) => seen.push(`second again:${payload}`)),
    ]);
    expect(await listenerConnections()).toBe(1);
    await notify('first', 'a');
    await notify('second', 'b');
    await until(() => seen.length === 3);
    expect(seen.sort()).toEqual(['first:a', 'second again:b', 'second:b']);

    await stops[1]?.();
    await notify('second', 'c');
    await until(() => seen.length === 4);
    expect(seen.at(-1)).toBe('second again:c');

    await stops[0]?.();
    await stops[2]?.();
    expect(await listenerConnections()).toBe(0);
    await notify('first', 'too late');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toHaveLength(4);
  });

  it('comes back after losing its connection and tells every handler to catch up', async () => {
    const seen: string[] = [];
    const stops = [await listener.listen('first', (payload) => seen.push(`first:${payload}`)), await listener.listen('second', (payload) => seen.push(`second:${payload}`))];
    await database.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${LISTENER_APPLICATION_NAME} and datname = current_database()`);
    await until(() => seen.length === 2);
    expect(seen.sort()).toEqual(['first:', 'second:']);
    await notify('second', 'after');
    await until(() => seen.length === 3);
    expect(seen.at(-1)).toBe('second:after');
    for (const stop of stops) await stop();
    expect(await listenerConnections()).toBe(0);
  });
});
