import { request as httpRequest } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser } from '../test/factories.js';
import { expectErrorShape, expectSaneAnswer } from './answers.js';
import { changedTables, fingerprint } from './db-fingerprint.js';
import { loadOperations, operationName } from './openapi.js';
import { inject } from './send.js';
import { openSse, type SseStream } from './sse-client.js';

/**
 * Abuse limits: the auth rate limits on the routes auth.test.ts does not cover, the cap
 * on live streams per user, body and header size limits, and bodies built to exhaust the
 * parser. Slow clients (timeouts) are proven against the real process in test/faults.
 */

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

describeEachDatabase('abuse limits', (kind) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const start = async (config: Parameters<typeof createTestApp>[1] = {}): Promise<TestApp> => {
    t = await createTestApp(kind, config);
    return t;
  };

  const post = (app: TestApp, url: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request({ method: 'POST', url, body, headers: { ...headers } });

  it('rate limits password-forgot per address across emails, with Retry-After', async () => {
    const app = await start({ authRateLimit: { max: 2, windowMs: 60_000, loginPerIp: 100 } });
    const forgot = (email: string) => app.app.inject({ method: 'POST', url: '/api/auth/password/forgot', remoteAddress: '198.51.100.7', ...json({ email }) });
    expect([(await forgot('a@example.test')).statusCode, (await forgot('b@example.test')).statusCode]).toEqual([202, 202]);
    const limited = await forgot('c@example.test');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expectErrorShape({ status: 429, contentType: String(limited.headers['content-type']), body: limited.body }, 'forgot per address');
  });

  it('never limits one email across addresses, so nobody can lock its owner out or keep its reset mail away', async () => {
    const app = await start({ authRateLimit: { max: 2, windowMs: 60_000, loginPerIp: 100 } });
    const send = (url: string, body: unknown, ip: string) => app.app.inject({ method: 'POST', url, remoteAddress: ip, ...json(body) });
    const login = [];
    for (let i = 0; i < 3; i++) login.push((await send('/api/auth/login', { email: 'victim@example.test', password: `guess ${i}` }, `198.51.100.${i}`)).statusCode);
    const forgot = [];
    for (let i = 0; i < 3; i++) forgot.push((await send('/api/auth/password/forgot', { email: 'victim@example.test' }, `203.0.113.${i}`)).statusCode);
    expect({ login, forgot }).toEqual({ login: [401, 401, 401], forgot: [202, 202, 202] });
    const pair = [];
    for (let i = 0; i < 3; i++) pair.push((await send('/api/auth/login', { email: i === 2 ? 'Victim@Example.test' : 'victim@example.test', password: 'guess' }, '192.0.2.99')).statusCode);
    expect(pair, 'per email and address, the email compared normalised').toEqual([401, 401, 429]);
  });

  it('counts a login whose email holds half a character like any other: 401, then 429, never a failure', async () => {
    const app = await start({ authRateLimit: { max: 2, windowMs: 60_000, loginPerIp: 100 } });
    const codes = [];
    for (let i = 0; i < 3; i++) {
      const response = await app.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '192.0.2.77', ...json({ email: 'half\ud800@example.test', password: 'guess' }) });
      codes.push(response.statusCode);
    }
    expect(codes).toEqual([401, 401, 429]);
  });

  it('rate limits login per address across many emails', async () => {
    const app = await start({ authRateLimit: { max: 100, windowMs: 60_000, loginPerIp: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await app.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '203.0.113.5', ...json({ email: `guess${i}@example.test`, password: 'wrong password' }) });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('keeps per-address limits when the client rotates X-Forwarded-For', async () => {
    const app = await start({ authRateLimit: { max: 2, windowMs: 60_000, loginPerIp: 100 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await post(app, '/api/auth/register', { email: `spoof${i}@example.test`, name: 'S', password: 'long enough' }, { 'x-forwarded-for': `192.0.2.${i}` });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('behind a configured proxy, limits follow the forwarded client address', async () => {
    const app = await start({ authRateLimit: { max: 1, windowMs: 60_000, loginPerIp: 100 }, trustProxy: '127.0.0.1' });
    const register = (i: number, forwardedFor: string) =>
      post(app, '/api/auth/register', { email: `proxied${i}@example.test`, name: 'P', password: 'long enough' }, { 'x-forwarded-for': forwardedFor });
    expect((await register(0, '192.0.2.1')).statusCode).toBe(201);
    expect((await register(1, '192.0.2.2')).statusCode, 'another client behind the proxy').toBe(201);
    expect((await register(2, '192.0.2.1')).statusCode, 'the first client again').toBe(429);
  });

  it('caps the live streams one user may hold, in the error shape, and frees a slot when one closes', async () => {
    const app = await start({ maxStreamsPerUser: 2 });
    const base = await app.app.listen({ port: 0, host: '127.0.0.1' });
    const user = await createUser(app, { role: 'agent' });
    const other = await createUser(app, { role: 'agent' });
    const url = (token: string) => `${base}/api/stream?access_token=${token}`;
    const open: SseStream[] = [await openSse(url(user.accessToken)), await openSse(url(user.accessToken))];
    try {
      expect(open.map((stream) => stream.status)).toEqual([200, 200]);
      const refused = await fetch(url(user.accessToken));
      expect(refused.status).toBe(429);
      expectErrorShape({ status: 429, contentType: refused.headers.get('content-type') ?? '', body: await refused.text() }, 'third stream');
      const others = await openSse(url(other.accessToken));
      open.push(others);
      expect(others.status, 'the cap is per user').toBe(200);

      open[0]?.close();
      let again: SseStream | undefined;
      for (let attempt = 0; attempt < 50 && again?.status !== 200; attempt++) {
        again?.close();
        await new Promise((resolve) => setTimeout(resolve, 50));
        again = await openSse(url(user.accessToken));
      }
      if (again) open.push(again);
      expect(again?.status, 'a closed stream frees its slot').toBe(200);
    } finally {
      for (const stream of open) stream.close();
    }
  });

  it('answers a body over 1 MiB with 413 on every route that takes one, and writes nothing', { timeout: 60_000 }, async () => {
    const app = await start();
    const manager = await createUser(app, { role: 'manager' });
    const operations = (await loadOperations(app)).filter((operation) => operation.body !== undefined);
    expect(operations.length).toBeGreaterThan(10);
    const big = JSON.stringify({ padding: 'x'.repeat(1024 * 1024) });
    const before = await fingerprint(app.database.db);
    for (const operation of operations) {
      const url = operation.path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
      const answer = await inject(app, { method: operation.method, url, headers: { 'content-type': 'application/json' }, payload: { raw: big } }, manager.accessToken);
      expect(answer.status, operationName(operation)).toBe(413);
      expectErrorShape(answer, operationName(operation));
    }
    expect(changedTables(before, await fingerprint(app.database.db))).toEqual([]);
  });

  it('answers bodies built to exhaust the parser with 4xx, never 5xx', async () => {
    const app = await start();
    const customer = await createUser(app);
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 50_000 }, (_unused, i) => [`k${i}`, i])));
    const longKey = JSON.stringify({ ['k'.repeat(900_000)]: 1 });
    const manyStrings = JSON.stringify({ subject: 'x', description: 'y', tags: Array.from({ length: 100_000 }, () => 'z') });
    for (const [name, raw] of Object.entries({ deep, deepObject, wide, longKey, manyStrings })) {
      const answer = await inject(app, { method: 'POST', url: '/api/tickets', headers: { 'content-type': 'application/json' }, payload: { raw } }, customer.accessToken);
      expectSaneAnswer(answer, name);
      expect(answer.status, name).toBeGreaterThanOrEqual(400);
    }
  });

  it('refuses oversized headers and URLs at the door with 431, in the error shape', async () => {
    const app = await start();
    const base = await app.app.listen({ port: 0, host: '127.0.0.1' });
    const answer = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; contentType: string; body: string }>((resolve, reject) => {
        const request = httpRequest(`${base}${path}`, { headers, agent: false }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', body }));
        });
        request.on('error', reject);
        request.end();
      });
    const header = await answer('/api/auth/me', { 'x-padding': 'x'.repeat(64 * 1024) });
    const url = await answer(`/api/tickets?q=${'x'.repeat(64 * 1024)}`, {});
    expect([header.status, url.status]).toEqual([431, 431]);
    expectErrorShape(header, 'oversized header');
    expectErrorShape(url, 'oversized URL');
  });
});
