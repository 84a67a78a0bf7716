import { drizzle } from 'drizzle-orm/node-postgres';
import { describe, expect, it } from 'vitest';
import type { Db } from './database.js';
import { builtPerShape } from './prepared.js';

// Handles are only keys here: two handles without a connection stand for two databases.
const handle = (): Db => drizzle.mock();

describe('builtPerShape', () => {
  it('builds once per handle and shape, and again for another handle', () => {
    const builds: string[] = [];
    const built = builtPerShape((_db, shape: { sort: string }) => {
      builds.push(shape.sort);
      return { sort: shape.sort };
    });
    const root = handle();
    const first = built(root, { sort: 'created' });
    expect(built(root, { sort: 'created' })).toBe(first);
    built(root, { sort: 'priority' });
    built(handle(), { sort: 'created' });
    expect(builds).toEqual(['created', 'priority', 'created']);
  });

  it('keeps at most its capacity of shapes, dropping the least recently used', () => {
    const builds: number[] = [];
    const built = builtPerShape((_db, shape: { n: number }) => {
      builds.push(shape.n);
      return shape.n;
    }, 3);
    const db = handle();
    for (const n of [1, 2, 3]) built(db, { n });
    built(db, { n: 1 }); // 1 is now the most recently used, 2 the least
    built(db, { n: 4 }); // drops 2
    built(db, { n: 1 });
    built(db, { n: 3 });
    built(db, { n: 2 }); // built again
    expect(builds).toEqual([1, 2, 3, 4, 2]);
  });
});
