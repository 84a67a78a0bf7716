import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk, openTicket, type Desk } from '../tickets/tickets.test-support.js';

describeEachDatabase('compressed API answers', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
    for (let i = 0; i < 8; i++) await openTicket(t, desk.customer, { subject: `Printer ${i} jams on every page` });
  });
  afterEach(() => t.close());

  const list = (headers: Record<string, string>) => t.request({ method: 'GET', url: '/api/tickets', token: desk.agent.accessToken, headers });

  it('sends a JSON list brotli- or gzip-compressed as the client accepts, the same document', async () => {
    const plain = await list({});
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const [acceptEncoding, encoding, decompress] of [
      ['br', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
      ['gzip, deflate, br, zstd', 'br', brotliDecompressSync],
    ] as const) {
      const compressed = await list({ 'accept-encoding': acceptEncoding });
      expect(compressed.headers['content-encoding'], acceptEncoding).toBe(encoding);
      expect(compressed.headers.vary, acceptEncoding).toContain('accept-encoding');
      expect(JSON.parse(decompress(compressed.rawPayload).toString('utf8')), acceptEncoding).toEqual(plain.json());
      expect(compressed.rawPayload.length, acceptEncoding).toBeLessThan(plain.rawPayload.length / 2);
    }
  });

  it('leaves small answers plain and refuses a compressed request body with a readable 415, opening nothing', async () => {
    const me = await t.request({ method: 'GET', url: '/api/auth/me', token: desk.agent.accessToken, headers: { 'accept-encoding': 'br' } });
    expect(me.statusCode).toBe(200);
    expect(me.headers['content-encoding']).toBeUndefined();

    const body = gzipSync(JSON.stringify({ subject: 'Zipped', description: 'Inflates' }));
    const zipped = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { authorization: `Bearer ${desk.customer.accessToken}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: body,
    });
    expect(zipped.statusCode).toBe(415);
    expect(zipped.json()).toEqual({
      error: { code: 'unsupported_content_encoding', message: 'Send the body uncompressed (without Content-Encoding)' },
    });
    const mine = await t.request({ method: 'GET', url: '/api/tickets', token: desk.customer.accessToken });
    expect(mine.json<{ items: unknown[] }>().items).toHaveLength(8);
  });
});
