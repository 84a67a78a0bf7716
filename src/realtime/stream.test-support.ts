import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../app.js';
import type { Config } from '../config.js';
import { createAppContext } from '../compose.js';
import type { Database } from '../db/database.js';
import type { TestApp } from '../test/app.js';
import { TestClock } from '../test/clock.js';
import { testConfig } from '../test/config.js';
import { createTestDatabase, type DatabaseKind } from '../test/databases.js';

/** One Server-Sent Event as a client parsed it. */
export interface SseEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

export interface SseClient {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly events: SseEvent[];
  /** Comment lines (heartbeats) received. */
  readonly comments: string[];
  /** Resolves once `count` events arrived (all of them); rejects after the timeout. */
  waitForEvents(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  waitForComment(timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

export interface StreamRequest {
  token?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** A non-stream answer (an error) as JSON. */
export interface RefusedStream {
  status: number;
  body: { error: { code: string; message: string } };
}

function parseBlock(block: string, client: { events: SseEvent[]; comments: string[] }): void {
  const fields: Record<string, string> = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      client.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
  }
  if (fields.event !== undefined && fields.data !== undefined) {
    client.events.push({ id: fields.id ?? '', event: fields.event, data: JSON.parse(fields.data) as Record<string, unknown> });
  }
}

function waitUntil(check: () => boolean, onChange: Set<() => void>, timeoutMs: number, what: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const test = () => {
      if (!check()) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Timed out waiting for ${what()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      onChange.delete(test);
    };
    onChange.add(test);
    test();
  });
}

/** Opens `GET /api/stream` on a listening server with a plain HTTP client, parsing events as they come. */
export function openStream(baseUrl: string, request: StreamRequest = {}): Promise<SseClient | RefusedStream> {
  const url = new URL('/api/stream', baseUrl);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
  const headers: Record<string, string> = { accept: 'text/event-stream', ...request.headers };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      res.setEncoding('utf8');
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        let body = '';
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status, body: JSON.parse(body) as RefusedStream['body'] }));
        return;
      }
      const listeners = new Set<() => void>();
      const changed = () => listeners.forEach((listener) => listener());
      let buffer = '';
      let finished = false;
      const state = { events: [] as SseEvent[], comments: [] as string[] };
      const ended = new Promise<void>((resolveEnd) => {
        res.on('close', () => {
          finished = true;
          resolveEnd();
          changed();
        });
      });
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let split: number;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          parseBlock(buffer.slice(0, split), state);
          buffer = buffer.slice(split + 2);
        }
        changed();
      });
      resolve({
        status,
        headers: res.headers,
        events: state.events,
        comments: state.comments,
        ended,
        waitForEvents: async (count, timeoutMs = 5000) => {
          await waitUntil(() => state.events.length >= count || finished, listeners, timeoutMs, () => `${count} events, got ${JSON.stringify(state.events)}`);
          if (state.events.length < count) throw new Error(`Stream ended after ${state.events.length} of ${count} events`);
          return [...state.events];
        },
        waitForComment: (timeoutMs = 5000) => waitUntil(() => state.comments.length > 0, listeners, timeoutMs, () => 'a comment'),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

export function isStream(value: SseClient | RefusedStream): value is SseClient {
  return value.status === 200 && 'events' in value;
}

export async function connect(baseUrl: string, request: StreamRequest = {}): Promise<SseClient> {
  const opened = await openStream(baseUrl, request);
  if (!isStream(opened)) throw new Error(`Stream refused: ${opened.status} ${JSON.stringify(opened.body)}`);
  return opened;
}

/** Waits a little and proves nothing more arrived: for "this client must not get that". */
export async function expectQuiet(client: SseClient, count: number, ms = 300): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  if (client.events.length !== count) throw new Error(`Expected ${count} events, got ${JSON.stringify(client.events)}`);
}

export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

export interface ListeningTestApp extends TestApp {
  url: string;
}

/** Like createTestApp, listening on a free port, with build options (stream tuning). */
export async function createListeningApp(
  kind: DatabaseKind,
  options: { config?: Partial<Config>; build?: BuildOptions } = {},
): Promise<ListeningTestApp> {
  const database = await createTestDatabase(kind);
  const clock = new TestClock();
  const ctx = createAppContext({ config: testConfig(options.config), database, now: clock.now });
  const app = await buildApp(ctx, options.build);
  const url = await listen(app);
  return {
    app,
    ctx,
    database,
    clock,
    url,
    request: ({ method, url: path, token, body, headers = {} }) =>
      app.inject({
        method,
        url: path,
        headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body === undefined ? {} : { payload: body as string }),
      }),
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** A second server process on the same database: its own connections, its own hub. */
export async function startSecondServer(first: TestApp, database: Database, build: BuildOptions = {}): Promise<{ app: FastifyInstance; url: string }> {
  const ctx = createAppContext({ config: first.ctx.config, database, now: first.clock.now });
  const app = await buildApp(ctx, build);
  return { app, url: await listen(app) };
}
