import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface Child {
  name: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 from the health URL. */
  startupMs: number;
  /** The last lines it printed, to explain errors. */
  recentOutput(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** Arguments to `node`, e.g. ['--import', 'tsx', 'src/main.ts']. */
  args: string[];
  env: Record<string, string>;
  healthUrl: string;
  timeoutMs: number;
}

/** Keeps the last lines a child printed, to show why it died. */
function tail(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 30));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('\n');
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const done = await Promise.race([exited(child).then(() => true), sleep(15_000).then(() => false)]);
  if (!done) {
    child.kill('SIGKILL');
    await exited(child);
  }
}

/** Spawns `node <args>` in the repository and waits until its health URL answers 200. */
export async function startChild(options: StartOptions): Promise<Child> {
  const started = performance.now();
  const child = spawn(process.execPath, options.args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name} did not start`);
  while (!(await healthy(options.healthUrl))) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode}:\n${output()}`);
    if (performance.now() - started > options.timeoutMs) {
      await stopChild(child);
      throw new Error(`${options.name} did not answer ${options.healthUrl} within ${options.timeoutMs} ms:\n${output()}`);
    }
    await sleep(20);
  }
  const startupMs = performance.now() - started;
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') console.error(`${options.name} exited (${code ?? signal ?? '?'}):\n${output()}`);
  });
  return { name: options.name, pid, startupMs, recentOutput: output, stop: () => stopChild(child) };
}

/** Resident memory of a process, from /proc (Linux only; undefined elsewhere). */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux only). Divided
 * by requests served, it gives a cost per request that other work on the machine barely moves.
 */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS : undefined;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux Node runs on. */
const CLOCK_TICKS = 100;

/** The soft limit on open files of this process, which children inherit (Linux only). */
export function openFilesLimit(): number | undefined {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+)/m.exec(limits);
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of the whole machine so far, from /proc/stat (Linux only). */
function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    // idle and iowait are the 4th and 5th values.
    return { busy: total - (values[3] ?? 0) - (values[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

/**
 * Waits until the machine is nearly idle (at most `maxMs`): requests a scenario left behind
 * (a report query runs on in the database after its client gave up) must not be measured
 * as part of the next scenario or baseline.
 */
export async function waitForQuiet(maxMs = 30_000, busyShare = 0.25): Promise<void> {
  const deadline = performance.now() + maxMs;
  let before = machineJiffies();
  while (before && performance.now() < deadline) {
    await sleep(250);
    const after = machineJiffies();
    if (!after) return;
    const total = after.total - before.total;
    if (total > 0 && (after.busy - before.busy) / total <= busyShare) return;
    before = after;
  }
}
