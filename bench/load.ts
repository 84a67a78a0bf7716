import autocannon, { type RequestSpec } from 'autocannon';
import { cpuSeconds } from './processes.js';

/** One HTTP scenario as autocannon runs it. */
export interface LoadSpec {
  url: string;
  connections: number;
  requests: RequestSpec[];
}

export interface RoundResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and non-2xx answers together. */
  errors: number;
  statusCodes: Record<string, number>;
  /** CPU the serving process spent per answered request, in ms. */
  cpuMsPerRequest: number | undefined;
  /** CPU the database server's backends for this run spent per answered request, in ms (PostgreSQL on this machine). */
  databaseCpuMsPerRequest: number | undefined;
  /** Requests answered (any status); none at all means the server never kept up. */
  answered: number;
}

/** The processes of a database server on this machine that serve the run, listed when asked (they come and go). */
export type DatabaseProcesses = () => Promise<number[]>;

const cpuOf = (pids: readonly number[]) => new Map(pids.map((pid) => [pid, cpuSeconds(pid) ?? 0]));

/**
 * CPU seconds the database's processes spent between two readings: a backend that started
 * in between counts from zero, one that ended in between is lost (pools keep theirs under load).
 */
function databaseCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, seconds] of after) spent += seconds - (before.get(pid) ?? 0);
  return spent;
}

const perRequest = (seconds: number | undefined, answered: number) => (seconds === undefined || answered === 0 ? undefined : (seconds * 1000) / answered);

/** Runs one round against the process `pid` serves from. */
export async function runRound(spec: LoadSpec, seconds: number, pid: number, database?: DatabaseProcesses): Promise<RoundResult> {
  const databaseBefore = database && cpuOf(await database());
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    timeout: 30,
    requests: spec.requests,
  });
  const cpuAfter = cpuSeconds(pid);
  const databaseAfter = database && cpuOf(await database());
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats)) statusCodes[code] = stats.count;
  const answered = result.requests.total;
  return {
    answered,
    cpuMsPerRequest: perRequest(cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore, answered),
    databaseCpuMsPerRequest: perRequest(databaseBefore && databaseAfter && databaseCpuSince(databaseBefore, databaseAfter), answered),
    requestsPerSecond: result.requests.total / Math.max(result.duration, 0.001),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    statusCodes,
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const medianOfAll = (values: (number | undefined)[]): number | undefined =>
  values.some((value) => value === undefined) ? undefined : median(values as number[]);

/** The median round by throughput, latencies medianed separately; errors summed over all rounds. */
export function summarize(rounds: RoundResult[]): RoundResult {
  const statusCodes: Record<string, number> = {};
  for (const round of rounds) {
    for (const [code, count] of Object.entries(round.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }
  return {
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    p50: median(rounds.map((round) => round.p50)),
    p99: median(rounds.map((round) => round.p99)),
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    answered: rounds.reduce((sum, round) => sum + round.answered, 0),
    statusCodes,
    cpuMsPerRequest: medianOfAll(rounds.map((round) => round.cpuMsPerRequest)),
    databaseCpuMsPerRequest: medianOfAll(rounds.map((round) => round.databaseCpuMsPerRequest)),
  };
}

/** Round-robin over a fixed list, so every connection walks all the ids. */
export function cycle<T>(items: readonly T[]): () => T {
  if (items.length === 0) throw new Error('cycle over nothing');
  let next = 0;
  return () => {
    const item = items[next % items.length] as T;
    next += 1;
    return item;
  };
}
