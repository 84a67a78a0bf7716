import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtEntry } from './test/built-server.js';

interface Server {
  child: ChildProcess;
  output: () => string;
  url: string;
}

function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [builtEntry('main')], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function startServer(dataDir: string): Promise<Server & { exit: Promise<number | null> }> {
  const server = run({ DATA_DIR: dataDir, PORT: '0' });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const match = /listening on (http:\/\/[\d.:]+)/.exec(server.output());
    if (match?.[1]) return { ...server, url: match[1] };
    if (server.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  server.child.kill('SIGKILL');
  throw new Error(`server did not start:\n${server.output()}`);
}

const modeOf = (file: string) => statSync(file).mode & 0o777;

async function firstFileIn(dir: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const [name] = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.eml')) : [];
    if (name) return path.join(dir, name);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no mail was written to ${dir}`);
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the server process', () => {
  it('stops at start with one line naming a bad variable', { timeout: 60_000 }, async () => {
    for (const [name, value] of [['PORT', 'abc'], ['DATABASE_URL', 'mysql://x']] as const) {
      const bad = run({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'helpline-main-')), [name]: value });
      expect(await bad.exit).toBe(1);
      const lines = bad.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(name);
    }
  });

  it('starts on a fresh data dir with a printed manager, keeps data across restarts and stops cleanly on SIGTERM', { timeout: 240_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'helpline-main-'));
    const first = await startServer(dataDir);
    const printed = /First manager created: (\S+) \/ (\S+)/.exec(first.output());
    expect(printed?.[1]).toBe('manager@localhost');
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    expect((await fetch(`${first.url}/ready`)).status).toBe(200);
    expect((await post(`${first.url}/api/auth/login`, { email: printed?.[1], password: printed?.[2] })).status).toBe(200);
    expect((await post(`${first.url}/api/auth/register`, { email: 'kept@example.test', name: 'Kept', password: 'long enough' })).status).toBe(201);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    const second = await startServer(dataDir);
    expect(second.output()).not.toContain('First manager created');
    expect((await post(`${second.url}/api/auth/login`, { email: 'kept@example.test', password: 'long enough' })).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });

  it('keeps its data folder to its own user: database, secret and mail with reset links', { timeout: 240_000 }, async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'helpline-main-')), 'data');
    const first = await startServer(dataDir);
    expect((await post(`${first.url}/api/auth/password/forgot`, { email: 'manager@localhost' })).status).toBe(202);
    const mail = await firstFileIn(path.join(dataDir, 'mail'));
    expect(modeOf(dataDir).toString(8)).toBe('700');
    expect(modeOf(path.join(dataDir, 'jwt-secret')).toString(8)).toBe('600');
    expect(modeOf(mail).toString(8)).toBe('600');
    expect(modeOf(path.join(dataDir, 'mail')).toString(8)).toBe('700');
    expect(modeOf(path.join(dataDir, 'pgdata')).toString(8)).toBe('700');
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    // PGlite sets its files' modes itself; once it has stopped, every one is private too.
    const entries = readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).map((name) => path.join(dataDir, name));
    expect(entries.length).toBeGreaterThan(100);
    expect(entries.filter((entry) => (modeOf(entry) & 0o077) !== 0)).toEqual([]);

    // A data folder left open (by an older version, or by hand) is closed at start, with a warning.
    chmodSync(dataDir, 0o755);
    const second = await startServer(dataDir);
    expect(second.output()).toContain(`DATA_DIR ${dataDir} was open to other users (mode 0755): made it private (0700)`);
    expect(modeOf(dataDir).toString(8)).toBe('700');
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });
});
