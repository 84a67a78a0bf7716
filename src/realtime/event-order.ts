/**
 * Delivering the event log in id order although transactions commit in any order.
 *
 * Ids come from one sequence when a row is inserted, but the transactions holding them
 * commit later, in any order: a reader can see id 11 while id 10 is still uncommitted.
 * Delivering 11 and then 10 would break resumption (a client's Last-Event-ID would skip
 * or repeat events), so a reader delivers only an unbroken run of ids and holds back at
 * the first gap until the gap is settled: filled by its commit, or known to be dead (a
 * rolled-back transaction, which leaves a permanent hole in the sequence).
 *
 * When is a gap settled? A gap below an id the reader already sees was allocated before
 * that id's transaction committed, hence before the reader's snapshot was taken: its
 * transaction was either finished then (committed rows are visible, so a still-missing id
 * was rolled back) or running, so it is below the snapshot's `xmax`. Once every transaction
 * running at that snapshot has ended, which is when a later snapshot's `xmin` has reached
 * the recorded `xmax`, the gap can only fill if it already has. If no transaction was
 * running at all (`xmin == xmax`, always so on a single-connection PGlite), a gap is
 * settled the moment it is seen.
 */

/**
 * Of the snapshot the ids were read in: `xmax`, and as `xmin` the oldest transaction of this
 * database still running in it (the server-wide `pg_snapshot_xmin` counts other databases' too).
 */
export interface Snapshot {
  xmin: bigint;
  xmax: bigint;
}

/** Missing ids `from..to`, seen first in a snapshot whose `xmax` was `xmax`, at `since` (ms). */
export interface Gap {
  from: number;
  to: number;
  xmax: bigint;
  since: number;
}

export interface OrderState {
  /** Every id up to here is delivered or dead. */
  cursor: number;
  /** Gaps above the cursor, sorted, not overlapping. */
  gaps: readonly Gap[];
}

export interface OrderOptions {
  nowMs: number;
  /**
   * A gap older than this is given up on, so one transaction left open somewhere on the
   * database server cannot stall every stream; its event, if it ever commits, is still
   * in the table for history and for clients resuming from before it.
   */
  maxGapWaitMs: number;
}

export interface Advance {
  /** Ids to deliver now, ascending. */
  ready: number[];
  state: OrderState;
  /** True when held back at an unsettled gap: read again soon. */
  waiting: boolean;
}

/** Splits `from..to` into the parts no recorded gap covers yet. */
function uncovered(from: number, to: number, gaps: readonly Gap[]): [number, number][] {
  const parts: [number, number][] = [];
  let next = from;
  for (const gap of gaps) {
    if (gap.to < next || gap.from > to) continue;
    if (gap.from > next) parts.push([next, gap.from - 1]);
    next = Math.max(next, gap.to + 1);
  }
  if (next <= to) parts.push([next, to]);
  return parts;
}

const isSettled = (gap: Gap, snapshot: Snapshot, options: OrderOptions): boolean =>
  snapshot.xmin >= gap.xmax || options.nowMs - gap.since >= options.maxGapWaitMs;

/**
 * Decides which of the ids read after `state.cursor` (ascending, all from one snapshot)
 * can be delivered now, and records the gaps between them.
 */
export function advance(state: OrderState, ids: readonly number[], snapshot: Snapshot, options: OrderOptions): Advance {
  const gaps = [...state.gaps];
  // Record every gap below a visible id now, so its wait starts at the earliest snapshot.
  let previous = state.cursor;
  for (const id of ids) {
    if (id <= previous) continue;
    for (const [from, to] of uncovered(previous + 1, id - 1, gaps)) {
      gaps.push({ from, to, xmax: snapshot.xmax, since: options.nowMs });
    }
    previous = id;
  }
  gaps.sort((a, b) => a.from - b.from);

  const ready: number[] = [];
  let cursor = state.cursor;
  let waiting = false;
  for (const id of ids) {
    if (id <= cursor) continue;
    const blocking = gaps.filter((gap) => gap.from <= id - 1 && gap.to > cursor);
    if (!blocking.every((gap) => isSettled(gap, snapshot, options))) {
      waiting = true;
      break;
    }
    ready.push(id);
    cursor = id;
  }
  return { ready, state: { cursor, gaps: gaps.filter((gap) => gap.to > cursor) }, waiting };
}
