import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { queryRows } from '../db/database.js';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../test/databases.js';
import { EventDispatcher } from './dispatcher.js';

type Shape = { type: 'drawn'; data: { sides: number } } | { type: 'erased'; data: { by: string } };

interface Envelope {
  event: Shape;
  at: string;
}

describeEachDatabase('event dispatcher', (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(() => database.close());

  it('hands each event to the handlers of its type only, in the order they registered', async () => {
    const events = new EventDispatcher<Envelope>();
    const seen: string[] = [];
    events.on('drawn', async (_tx, { event, at }) => {
      seen.push(`first saw ${event.data.sides} sides at ${at}`);
    });
    events.on('erased', async (_tx, { event }) => {
      seen.push(`erased by ${event.data.by}`);
    });
    events.on('drawn', async () => {
      seen.push('second');
    });
    await events.dispatch(database.db, { event: { type: 'drawn', data: { sides: 3 } }, at: 'noon' });
    expect(seen).toEqual(['first saw 3 sides at noon', 'second']);
  });

  it("runs handlers in the caller's transaction: a failing one stops the rest and rolls back what the others wrote", async () => {
    await database.db.execute(sql`create table shapes (sides int not null)`);
    const events = new EventDispatcher<Envelope>();
    let after = false;
    events.on('drawn', async (tx, { event }) => {
      await tx.execute(sql`insert into shapes (sides) values (${event.data.sides})`);
    });
    events.on('drawn', () => Promise.reject(new Error('no room for it')));
    events.on('drawn', async () => {
      after = true;
    });
    const drawing = database.db.transaction((tx) => events.dispatch(tx, { event: { type: 'drawn', data: { sides: 4 } }, at: 'noon' }));
    await expect(drawing).rejects.toThrow('no room for it');
    expect(after).toBe(false);
    expect(await queryRows(database.db, sql`select sides from shapes`)).toEqual([]);
  });
});
