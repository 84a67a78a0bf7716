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
  /** Requests answered (any status); none at all means the server never kept up. */
  answered: number;
}

/** Runs one round against the process `pid` serves from. */
export async function runRound(spec: LoadSpec, seconds: number, pid: number): Promise<RoundResult> {
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    timeout: 30,
    requests: spec.requests,
  });
  const cpuAfter = cpuSeconds(pid);
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats)) statusCodes[code] = stats.count;
  const answered = result.requests.total;
  return {
    answered,
    cpuMsPerRequest: cpuBefore === undefined || cpuAfter === undefined || answered === 0 ? undefined : ((cpuAfter - cpuBefore) * 1000) / answered,
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
    cpuMsPerRequest: rounds.some((round) => round.cpuMsPerRequest === undefined)
      ? undefined
      : median(rounds.map((round) => round.cpuMsPerRequest ?? 0)),
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
