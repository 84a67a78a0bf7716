import { createConnection, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse } from '../../src/security/sse-client.js';
import { call, callJson, loginManager, registerCustomer, startServer, tempDir, type ServerProcess } from './support/server.js';

/** 20 000 UTF-16 units (the longest message) of 4-byte characters: 40 kB per event. */
const BIG_BODY = '🙂'.repeat(10_000);

/** A stream read by nobody: the test pauses the socket right after the response headers. */
async function stalledStream(baseUrl: string, token: string): Promise<{ socket: Socket; closed: Promise<void>; data: () => string }> {
  const { hostname, port } = new URL(baseUrl);
  const socket = createConnection({ host: hostname, port: Number(port) });
  const chunks: Buffer[] = [];
  let headers: () => void = () => undefined;
  const gotHeaders = new Promise<void>((resolve) => (headers = resolve));
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    if (Buffer.concat(chunks).includes('\r\n\r\n')) headers();
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write(`GET /api/stream?access_token=${token} HTTP/1.1\r\nhost: ${hostname}\r\naccept: text/event-stream\r\n\r\n`);
  await gotHeaders;
  expect(Buffer.concat(chunks).toString('latin1')).toMatch(/^HTTP\/1\.1 200/);
  socket.pause();
  return { socket, closed, data: () => Buffer.concat(chunks).toString('utf8') };
}

/** Whether the user may open another stream now (the cap is one: the stalled one still counts). */
async function slotFree(baseUrl: string, token: string): Promise<boolean> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/stream?access_token=${token}`, { signal: controller.signal });
  controller.abort();
  if (response.status !== 200 && response.status !== 429) throw new Error(`unexpected ${response.status}`);
  return response.status === 200;
}

const eventIds = (text: string, event: string): number[] =>
  [...text.matchAll(/id: (\d+)\nevent: ([\w.]+)\ndata: .*\n\n/g)].filter((match) => match[2] === event).map((match) => Number(match[1]));

/**
 * Node checks header timeouts every 30 s. With the server's settings (idle sockets cut after
 * 30 s, Node's default headersTimeout 60 s, 30 s for any body but an upload's, src/http/body-deadline.ts)
 * a silent connection goes after 30 s, dribbled headers after about 60 s to 90 s and a dribbled
 * body after 30 s.
 */
const CUT_WITHIN_MS = 100_000;

/**
 * A connection that misbehaves on purpose: `drip` is written every two seconds after
 * `opening`. Resolves with how long the server kept it open (Infinity: it never let go).
 */
function misbehave(baseUrl: string, opening: string, drip: string | undefined): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.removeAllListeners('close');
      socket.destroy();
      resolve(Infinity);
    }, CUT_WITHIN_MS);
    socket.on('connect', () => {
      if (opening) socket.write(opening);
      if (drip !== undefined) timer = setInterval(() => socket.write(drip), 2000);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve(Date.now() - started);
    });
  });
}

/**
 * Clients that are slow on purpose, against one server: a live-stream reader that reads
 * nothing, and connections that dribble their request (or send nothing). The dribblers
 * start first and are checked last, since the server's timeouts take up to a minute.
 */
describe('slow clients', () => {
  let server: ServerProcess;
  let dribblers: Promise<[number, number, number]>;

  beforeAll(async () => {
    // What the dropped client missed (the server's buffer and the last posts, 40 kB each) is
    // resumed whole here: past the replay bound it would get a `reset` instead (stream-replay.test.ts).
    server = await startServer({ DATA_DIR: tempDir('slow-clients'), MAX_STREAMS_PER_USER: '1', STREAM_REPLAY_MAX_BYTES: String(64 * 1024 * 1024) });
    dribblers = Promise.all([
      misbehave(server.url, 'GET /health HTTP/1.1\r\nhost: x\r\n', 'x-slow: 1\r\n'),
      misbehave(server.url, 'POST /api/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{', ' '),
      misbehave(server.url, '', undefined),
    ]);
  }, 180_000);
  afterAll(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('is dropped before the server buffers without bound, and resumes with Last-Event-ID', { timeout: 300_000 }, async () => {
    const running = server;
    const manager = await loginManager(running.url);
    const customer = await registerCustomer(running.url);
    const ticket = await callJson<{ id: string }>(running.url, 'POST', '/api/tickets', { token: customer.accessToken, body: { subject: 'Chatty', description: 'x' } });

    const stalled = await stalledStream(running.url, manager.accessToken);
    expect(await slotFree(running.url, manager.accessToken), 'the stalled stream holds the only slot').toBe(false);
    const rssBefore = running.rss();
    let rssPeak = rssBefore;
    const posted: string[] = [];
    let dropped = false;
    const deadline = Date.now() + 180_000;
    while (!dropped && Date.now() < deadline && posted.length < 1500) {
      const answer = await call(running.url, 'POST', `/api/tickets/${ticket.id}/messages`, { token: manager.accessToken, body: { body: BIG_BODY } });
      expect(answer.status, answer.body.slice(0, 200)).toBe(201);
      posted.push((JSON.parse(answer.body) as { id: string }).id);
      rssPeak = Math.max(rssPeak, running.rss());
      if (posted.length % 10 === 0) dropped = await slotFree(running.url, manager.accessToken);
    }
    const context = `${posted.length} events of 40 kB posted; server RSS ${Math.round(rssBefore / 2 ** 20)} → peak ${Math.round(rssPeak / 2 ** 20)} MiB`;
    expect(dropped, `the stalled client was never dropped: ${context}`).toBe(true);
    // What the kernel buffers plus the server's limit, not everything that was sent.
    expect(rssPeak - rssBefore, context).toBeLessThan(200 * 2 ** 20);

    // The client wakes up: it reads what reached it, then finds the connection closed.
    stalled.socket.resume();
    await stalled.closed;
    const seen = eventIds(stalled.data(), 'ticket.message');
    const lastId = Math.max(0, ...[...stalled.data().matchAll(/id: (\d+)\n/g)].map((match) => Number(match[1])));

    // It resumes from the last id it has and gets everything after it, then live events.
    const resumed = await openSse(`${running.url}/api/stream?access_token=${manager.accessToken}`, { 'last-event-id': String(lastId) });
    try {
      expect(resumed.status).toBe(200);
      const sentinel = await callJson<{ id: string }>(running.url, 'POST', `/api/tickets/${ticket.id}/messages`, { token: manager.accessToken, body: { body: 'sentinel after resume' } });
      await resumed.waitFor((event) => event.data.includes(sentinel.id), 60_000);
      const replayed = resumed.events.filter((event) => event.event === 'ticket.message').map((event) => Number(event.id));
      expect(replayed.every((id) => id > lastId), 'nothing at or before Last-Event-ID is sent again').toBe(true);
      const messageIds = new Set(resumed.events.flatMap((event) => [...event.data.matchAll(/"messageId":"([0-9a-f-]{36})"/g)].map((match) => match[1])));
      const missing = posted.filter((id) => !messageIds.has(id) && !stalled.data().includes(id));
      expect(missing, `${context}; ${seen.length} read before the drop, ${replayed.length} replayed`).toEqual([]);
    } finally {
      resumed.close();
    }
  });

  it('cuts off headers sent a line at a time, a body sent a byte at a time and a silent connection', { timeout: 180_000 }, async () => {
    // Meanwhile everyone else is served.
    for (let i = 0; i < 3; i++) expect((await call(server.url, 'GET', '/health')).status).toBe(200);
    const [slowHeaders, slowBody, silent] = await dribblers;
    const kept = Object.entries({ slowHeaders, slowBody, silent }).filter(([, lifetime]) => lifetime >= CUT_WITHIN_MS);
    expect(kept.map(([name]) => name), `kept open longer than ${CUT_WITHIN_MS} ms`).toEqual([]);
    expect((await call(server.url, 'GET', '/health')).status).toBe(200);
  });
});
