import { describe, expect, it } from 'vitest';
import { ReplayGate } from './replay-gate.js';

describe('replay gate', () => {
  it('lets at most its size read at once, first come first served, and frees the slot on failure', async () => {
    const gate = new ReplayGate(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const read = (n: number) =>
      gate.run(async () => {
        running += 1;
        most = Math.max(most, running);
        order.push(n);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        if (n === 1) throw new Error('read failed');
        return n;
      });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(read));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual(['failed', 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(gate.load).toEqual({ active: 0, waiting: 0 });
  });
});
