import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The real server: `node --import tsx src/main.ts`, as `npm start` runs it (without the
 * build). FAULTS_SERVER_ENTRY points at another entry (a patched copy, or dist/main.js).
 */
const entry = process.env.FAULTS_SERVER_ENTRY ?? path.resolve(import.meta.dirname, '../../../src/main.ts');

export const MANAGER = { email: 'faults-manager@example.test', password: 'faults manager password' };

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Exit code (null when killed by a signal). */
  exit: Promise<number | null>;
  /** Resident memory of the process in bytes, from /proc. */
  rss(): number;
}

export const tempDir = (prefix: string): string => mkdtempSync(path.join(tmpdir(), `helpline-faults-${prefix}-`));

/**
 * Starts the server with PORT=0 and waits for its "listening on" line. Every variable
 * comes from `env` (plus PATH): nothing of the developer's environment leaks in.
 */
export async function startServer(env: Record<string, string>, timeoutMs = 120_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'faults-secret-that-is-long-enough-0123456789abcdef',
      BOOTSTRAP_MANAGER_EMAIL: MANAGER.email,
      BOOTSTRAP_MANAGER_PASSWORD: MANAGER.password,
      // One test client registers many users and writes fast, all from one address.
      AUTH_RATE_LIMIT_MAX: '100000',
      LOGIN_RATE_LIMIT_PER_IP: '100000',
      ...Object.fromEntries(
        ['TICKET_OPEN', 'WRITE', 'SEARCH', 'REPORT'].flatMap((name) => [
          [`${name}_RATE_LIMIT_PER_USER`, '10000000'],
          [`${name}_RATE_LIMIT_PER_IP`, '10000000'],
        ]),
      ),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /listening on (http:\/\/[\w.:[\]]+)/.exec(output);
    if (match?.[1]) {
      const url = match[1];
      return {
        child,
        url,
        output: () => output,
        exit,
        rss: () => {
          const status = readFileSync(`/proc/${String(child.pid)}/status`, 'utf8');
          return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
        },
      };
    }
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not start:\n${output}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the exit code, or rejects if the process is still running after `ms`. */
export async function exitWithin(server: ServerProcess, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${ms} ms after the signal:\n${server.output()}`)), ms);
  });
  try {
    return await Promise.race([server.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * One request on its own connection (no keep-alive), so a server that is shutting down
 * either never accepts it (ECONNREFUSED) or answers it: a reset means it was dropped.
 */
export function call(baseUrl: string, method: string, url: string, options: { token?: string; body?: unknown; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${baseUrl}${url}`,
      {
        method,
        agent: false,
        headers: {
          connection: 'close',
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        timeout: options.timeoutMs ?? 30_000,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
    request.end(payload);
  });
}

export async function callJson<T>(baseUrl: string, method: string, url: string, options: { token?: string; body?: unknown } = {}): Promise<T> {
  const answer = await call(baseUrl, method, url, options);
  if (answer.status >= 300) throw new Error(`${method} ${url} → ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as T;
}

export interface Session {
  accessToken: string;
  user: { id: string };
}

export const loginManager = (baseUrl: string): Promise<Session> => callJson<Session>(baseUrl, 'POST', '/api/auth/login', { body: MANAGER });

let registered = 0;

export const registerCustomer = (baseUrl: string, name = 'Faulty Customer'): Promise<Session> =>
  callJson<Session>(baseUrl, 'POST', '/api/auth/register', {
    body: { email: `customer-${process.pid}-${Date.now()}-${registered++}@example.test`, name, password: 'long enough password' },
  });

export interface HalfSentRequest {
  /** Sends the rest of the body. */
  finish(): void;
  /** The status line's code and the body, or the socket error that ended it. */
  answer: Promise<{ status: number; body: string } | { error: string }>;
}

/**
 * A request the server has certainly started: sent with `Expect: 100-continue`, it
 * waits for the server's "100 Continue" (headers parsed, request routed) and then sends
 * half the body. `finish` sends the rest.
 */
export async function halfSentRequest(baseUrl: string, method: string, url: string, token: string | undefined, body: unknown): Promise<HalfSentRequest> {
  const { hostname, port } = new URL(baseUrl);
  const payload = Buffer.from(JSON.stringify(body));
  const half = Math.floor(payload.length / 2);
  const socket = createConnection({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = Buffer.alloc(0);
  let continued: () => void = () => undefined;
  const gotContinue = new Promise<void>((resolve) => (continued = resolve));
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    if (received.toString('latin1').startsWith('HTTP/1.1 100')) continued();
  });
  const answer = new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
    socket.on('error', (error: Error & { code?: string }) => resolve({ error: error.code ?? error.message }));
    socket.on('close', () => {
      // Skip the interim "100 Continue" response.
      const text = received.toString('utf8').replace(/^HTTP\/1\.1 100[^\r]*\r\n\r\n/, '');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve(status ? { status, body: text.slice(text.indexOf('\r\n\r\n') + 4) } : { error: `closed without an answer: ${text.slice(0, 200)}` });
    });
  });
  socket.write(
    [
      `${method} ${url} HTTP/1.1`,
      `host: ${hostname}:${port}`,
      'connection: close',
      'expect: 100-continue',
      'content-type: application/json',
      `content-length: ${payload.length}`,
      ...(token ? [`authorization: Bearer ${token}`] : []),
      '',
      '',
    ].join('\r\n'),
  );
  await gotContinue;
  socket.write(payload.subarray(0, half));
  return { finish: () => socket.write(payload.subarray(half)), answer };
}
