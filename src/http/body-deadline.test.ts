import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { multipartBody } from '../attachments/attachments.test-support.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { createUser, type TestUser } from '../test/factories.js';
import { uploadRequestTimeoutMs } from './body-deadline.js';

const DEADLINE_MS = 600;

interface Exchange {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  answer: Promise<{ text: string; afterMs: number }>;
}

async function open(port: number, head: string): Promise<Exchange> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const started = Date.now();
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const answer = new Promise<{ text: string; afterMs: number }>((resolve) =>
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), afterMs: Date.now() - started })),
  );
  socket.write(head);
  return { socket, answer };
}

/** Writes `body` in `pieces` parts spread over `overMs`, as a slow link delivers it. */
async function dribble(socket: Socket, body: Buffer, pieces: number, overMs: number): Promise<void> {
  const size = Math.ceil(body.length / pieces);
  for (let offset = 0; offset < body.length && !socket.destroyed; offset += size) {
    socket.write(body.subarray(offset, offset + size));
    await new Promise((resolve) => setTimeout(resolve, overMs / pieces));
  }
}

describe('how long a request body may take to arrive', () => {
  let t: TestApp;
  let port: number;
  let customer: TestUser;
  beforeEach(async () => {
    t = await createTestApp('pglite', {}, { build: { requestBodyMs: DEADLINE_MS } });
    customer = await createUser(t);
    port = Number(new URL(await t.app.listen({ port: 0, host: '127.0.0.1' })).port);
  });
  afterEach(() => t.close());

  it('cuts a JSON body still dribbling in past the deadline with 408 in the API shape, and changes nothing', async () => {
    const body = Buffer.from(JSON.stringify({ subject: 'Slow', description: 'x'.repeat(200) }));
    const request = await open(
      port,
      `POST /api/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${customer.accessToken}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    void dribble(request.socket, body, 40, DEADLINE_MS * 4);
    const { text, afterMs } = await request.answer;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"request_timeout"');
    expect(afterMs).toBeLessThan(DEADLINE_MS * 3);
    const listed = await t.request({ method: 'GET', url: '/api/tickets', token: customer.accessToken });
    expect(listed.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('lets an upload arrive slowly, well past the deadline other requests have', async () => {
    const { payload, contentType } = multipartBody({ name: 'slow.txt', type: 'text/plain', content: 'a slow phone line\n'.repeat(2000) });
    const request = await open(
      port,
      `POST /api/attachments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${customer.accessToken}\r\nConnection: close\r\n` +
        `Content-Type: ${contentType}\r\nContent-Length: ${payload.length}\r\n\r\n`,
    );
    await dribble(request.socket, payload, 20, DEADLINE_MS * 3);
    const { text, afterMs } = await request.answer;
    expect(afterMs).toBeGreaterThan(DEADLINE_MS * 2);
    expect(text).toMatch(/^HTTP\/1\.1 201 /);
  });

  it('gives the largest upload at least 256 kbit/s worth of time, and never less than other requests', () => {
    expect(uploadRequestTimeoutMs(25 * 1024 * 1024)).toBe(800_000);
    expect(uploadRequestTimeoutMs(1024)).toBe(30_000);
    expect(t.app.server.requestTimeout).toBe(uploadRequestTimeoutMs(t.ctx.config.attachments.maxFileBytes));
  });
});
