import { describe, expect, it } from 'vitest';
import { advance, type OrderState, type Snapshot } from './event-order.js';

const options = (nowMs = 0) => ({ nowMs, maxGapWaitMs: 10_000 });
const busy: Snapshot = { xmin: 100n, xmax: 105n };
const start: OrderState = { cursor: 10, gaps: [] };

describe('event order', () => {
  it('delivers an unbroken run of ids and moves the cursor to its end', () => {
    const step = advance(start, [11, 12, 13], busy, options());
    expect(step).toEqual({ ready: [11, 12, 13], state: { cursor: 13, gaps: [] }, waiting: false });
  });

  it('holds back at a gap while transactions that were running when it was seen may still commit', () => {
    const step = advance(start, [11, 13, 14], busy, options());
    expect(step.ready).toEqual([11]);
    expect(step.waiting).toBe(true);
    expect(step.state).toEqual({ cursor: 11, gaps: [{ from: 12, to: 12, xmax: 105n, since: 0 }] });

    // Still running: still held.
    const again = advance(step.state, [13, 14], { xmin: 104n, xmax: 107n }, options(5));
    expect(again.ready).toEqual([]);
    expect(again.state.gaps).toEqual([{ from: 12, to: 12, xmax: 105n, since: 0 }]);

    // The late transaction committed: its id arrives first, in order.
    const filled = advance(again.state, [12, 13, 14], { xmin: 104n, xmax: 107n }, options(10));
    expect(filled).toEqual({ ready: [12, 13, 14], state: { cursor: 14, gaps: [] }, waiting: false });
  });

  it('skips a gap once every transaction running when it was seen has ended (a rollback)', () => {
    const held = advance(start, [11, 13], busy, options());
    const skipped = advance(held.state, [13], { xmin: 105n, xmax: 106n }, options(5));
    expect(skipped).toEqual({ ready: [13], state: { cursor: 13, gaps: [] }, waiting: false });
  });

  it('skips a gap at once when nothing was running (as always on PGlite)', () => {
    const idle: Snapshot = { xmin: 100n, xmax: 100n };
    expect(advance(start, [12, 15], idle, options()).ready).toEqual([12, 15]);
  });

  it('keeps the wait that started first for a gap seen again, and gives up on it after the longest wait', () => {
    const held = advance(start, [13], busy, options(0));
    const later = advance(held.state, [13, 20], { xmin: 101n, xmax: 200n }, options(9_999));
    expect(later.ready).toEqual([]);
    expect(later.state.gaps).toEqual([
      { from: 11, to: 12, xmax: 105n, since: 0 },
      { from: 14, to: 19, xmax: 200n, since: 9_999 },
    ]);
    const givenUp = advance(later.state, [13, 20], { xmin: 101n, xmax: 200n }, options(10_000));
    expect(givenUp.ready).toEqual([13]);
    expect(givenUp.state.cursor).toBe(13);
    expect(givenUp.waiting).toBe(true);
  });

  it('waits for nothing when no id is new', () => {
    expect(advance(start, [], busy, options())).toEqual({ ready: [], state: start, waiting: false });
  });
});
