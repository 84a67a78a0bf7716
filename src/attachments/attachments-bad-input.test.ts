import { connect } from 'node:net';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { setRolePermissions } from '../test/factories.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk, type Desk } from '../tickets/tickets.test-support.js';
import { runAttachmentCleanup } from './attachments-cleanup.js';
import { attachmentCounts, download, multipartBody, PNG_1PX, upload, uploaded } from './attachments.test-support.js';

const NOTHING = { attachments: 0, blobs: 0, chunks: 0, loose: 0 };

describeEachDatabase('attachments: bad input', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const refusal = async (file: Parameters<typeof upload>[2]) => {
    const response = await upload(t, desk.customer, file);
    return { status: response.statusCode, code: response.json<{ error: { code: string } }>().error.code };
  };

  it('refuses an empty file, a name that is empty or has control characters, and a file lying about its type', async () => {
    expect(await refusal({ name: 'empty.txt', content: '' })).toEqual({ status: 400, code: 'empty_file' });
    expect(await refusal({ rawFilename: '', content: 'x' })).toEqual({ status: 400, code: expect.stringMatching(/^(invalid_file_name|missing_file)$/) });
    expect(await refusal({ rawFilename: '   ', content: 'x' })).toEqual({ status: 400, code: 'invalid_file_name' });
    expect(await refusal({ name: 'evil\u0007.txt', content: 'x' })).toEqual({ status: 400, code: 'invalid_file_name' });
    expect(await refusal({ name: 'line\u2028break.txt', content: 'x' })).toEqual({ status: 400, code: 'invalid_file_name' });
    expect(await refusal({ name: 'gnp\u202Eexe.png', content: PNG_1PX, type: 'image/png' })).toEqual({ status: 400, code: 'invalid_file_name' });
    expect(await refusal({ name: 'x'.repeat(256), content: 'x' })).toEqual({ status: 400, code: 'invalid_file_name' });
    // HTML calling itself a PNG: refused, never stored to be served as an image.
    expect(await refusal({ name: 'shot.png', type: 'image/png', content: '<html><script>alert(1)</script></html>' })).toEqual({
      status: 400,
      code: 'file_type_mismatch',
    });
    expect(await attachmentCounts(t)).toEqual(NOTHING);
  });

  it('keeps only the last part of a path in the name', async () => {
    const passwd = await uploaded(t, desk.customer, { rawFilename: '../../etc/passwd', content: 'root:x:0:0' });
    expect(passwd.name).toBe('passwd');
    const windows = await uploaded(t, desk.customer, { rawFilename: 'C:\\Users\\me\\shot.txt', content: 'hello' });
    expect(windows.name).toBe('shot.txt');
  });

  it('never serves HTML or SVG inline, whatever the upload said', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const image = await uploaded(t, desk.customer, { name: 'logo.svg', type: 'image/svg+xml', content: svg });
    const page = await uploaded(t, desk.customer, { name: 'page.html', type: 'text/html', content: '<html><body>hi</body></html>' });
    for (const file of [image, page]) {
      const got = await download(t, desk.customer, file.id);
      expect(got.headers['content-disposition']).toMatch(/^attachment; /);
      expect(got.headers['content-type']).toBe('application/octet-stream');
      expect(got.headers['x-content-type-options']).toBe('nosniff');
    }
    // A real PNG sent as octet-stream is still recognised, and shown inline.
    const png = await uploaded(t, desk.customer, { name: 'shot', type: 'application/octet-stream', content: PNG_1PX });
    expect(png.type).toBe('image/png');
    expect((await download(t, desk.customer, png.id)).headers['content-disposition']).toMatch(/^inline; /);
  });

  it('answers 415 to a body that is not multipart, 400 to a form without a file part, 401 without a token, 403 without a right to post', async () => {
    const json = await t.request({ method: 'POST', url: '/api/attachments', token: desk.customer.accessToken, body: { file: 'x' } });
    expect(json.statusCode).toBe(415);
    expect(json.json<{ error: { code: string } }>().error.code).toBe('unsupported_media_type');
    expect(await refusal({ field: 'other', name: 'a.txt', content: 'x' })).toEqual({ status: 400, code: 'missing_file' });
    expect((await upload(t, undefined, { name: 'a.txt', content: 'x' })).statusCode).toBe(401);
    await setRolePermissions(t, desk.manager, 'customer', []);
    expect(await refusal({ name: 'a.txt', content: 'x' })).toEqual({ status: 403, code: 'forbidden' });
    expect(await attachmentCounts(t)).toEqual(NOTHING);
  });

  it('leaves nothing when the client goes away half-way through a real HTTP upload', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const { payload, contentType } = multipartBody({ name: 'big.bin', content: Buffer.alloc(2 * 1024 * 1024, 3) });
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /api/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${desk.customer.accessToken}\r\n` +
        `Content-Type: ${contentType}\r\nContent-Length: ${payload.length}\r\n\r\n`,
    );
    await new Promise<void>((resolve) => socket.write(payload.subarray(0, payload.length / 2), () => resolve()));
    // Bytes reached the store: the upload really was under way.
    await vi.waitFor(async () => expect((await attachmentCounts(t)).chunks).toBeGreaterThan(0), { timeout: 10_000 });
    socket.destroy();
    // The handler notices, deletes what it wrote and forgets the key.
    await vi.waitFor(async () => expect(await attachmentCounts(t)).toEqual(NOTHING), { timeout: 10_000 });
    await runAttachmentCleanup(t.ctx, t.ctx.attachmentStore);
    expect(await attachmentCounts(t)).toEqual(NOTHING);
    // And the server still takes uploads.
    expect((await upload(t, desk.customer, { name: 'after.txt', content: 'fine' })).statusCode).toBe(201);
  });

  it('cleans up the bytes of an upload a crash left half-written', async () => {
    // As a process that died mid-upload leaves it: chunks written, the key marked loose, no blob.
    const store = t.ctx.attachmentStore;
    const { markLooseBytes } = await import('./attachments.repository.js');
    await markLooseBytes(t.database.db, 'crashed-upload', new Date(t.clock.now().getTime() + 2 * 3_600_000));
    await store.put('crashed-upload', (async function* () {
      yield Buffer.alloc(1000, 1);
    })());
    expect(await attachmentCounts(t)).toEqual({ ...NOTHING, chunks: 1, loose: 1 });
    await runAttachmentCleanup(t.ctx, store);
    expect((await attachmentCounts(t)).chunks).toBe(1);
    t.clock.advance(2 * 3_600_000);
    await runAttachmentCleanup(t.ctx, store);
    expect(await attachmentCounts(t)).toEqual(NOTHING);
  });
});
