import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { S3Config } from '../config.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { testConfig } from '../test/config.js';
import { createDesk, openTicket, postMessage, type Desk } from '../tickets/tickets.test-support.js';
import { runAttachmentCleanup } from './attachments-cleanup.js';
import { attachmentCounts, download, PNG_1PX, upload, uploaded } from './attachments.test-support.js';

const BUCKET = 'helpline-test';

/** An S3-compatible server from npm, in this process; why not, if it cannot start (the suite is then skipped, saying so). */
async function startS3(directory: string): Promise<{ server: S3rver; endpoint: string } | string> {
  try {
    const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: BUCKET }] });
    const address = await server.run();
    return { server, endpoint: `http://127.0.0.1:${address.port}` };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const directory = await mkdtemp(path.join(tmpdir(), 'helpline-s3-'));
const started = await startS3(directory);
const s3 = typeof started === 'string' ? undefined : started;
if (typeof started === 'string') console.warn(`s3rver could not start, S3 attachment tests skipped: ${started}`);

describe.skipIf(!s3)('attachments in an S3-compatible store (s3rver)', () => {
  let config: S3Config;
  let t: TestApp;
  let desk: Desk;
  beforeAll(() => {
    config = {
      bucket: BUCKET,
      region: 'us-east-1',
      endpoint: s3?.endpoint,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    };
  });
  afterAll(async () => {
    await s3?.server.close();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(async () => {
    t = await createTestApp('pglite', { attachments: { ...testConfig().attachments, s3: config, maxFileBytes: 12 * 1024 * 1024 } });
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const objects = async (): Promise<string[]> => {
    const client = new S3Client({ region: config.region, endpoint: config.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'attachments/' }));
    client.destroy();
    return (listed.Contents ?? []).map((object) => object.Key ?? '');
  };

  it('stores, serves (whole and ranges), deduplicates and cleans up through the object store', async () => {
    expect(t.ctx.attachmentStore.kind).toBe('s3');
    const before = await objects();
    // Larger than one 5 MiB part: the multipart upload path.
    const content = Buffer.alloc(11 * 1024 * 1024 + 3);
    for (let i = 0; i < content.length; i += 4096) content[i] = i % 256;
    const big = await uploaded(t, desk.customer, { name: 'dump.bin', content });
    const image = await uploaded(t, desk.customer, { name: 'shot.png', type: 'image/png', content: PNG_1PX });
    await uploaded(t, desk.agent, { name: 'again.png', type: 'image/png', content: PNG_1PX });
    expect((await objects()).length - before.length).toBe(2);
    expect((await attachmentCounts(t)).chunks).toBe(0);

    const whole = await download(t, desk.customer, big.id);
    expect(whole.rawPayload.equals(content)).toBe(true);
    const part = await download(t, desk.customer, big.id, { range: 'bytes=5242870-5242890' });
    expect(part.statusCode).toBe(206);
    expect(part.rawPayload.equals(content.subarray(5242870, 5242891))).toBe(true);
    expect((await download(t, desk.customer, image.id)).headers['content-disposition']).toMatch(/^inline; /);

    const ticket = await openTicket(t, desk.customer);
    await postMessage(t, desk.customer, ticket.id, { body: 'Screenshot', attachmentIds: [image.id] });
    t.clock.advance(25 * 3_600_000);
    await runAttachmentCleanup(t.ctx, t.ctx.attachmentStore);
    // The big file went; the image stays (attached, and the same bytes as the other upload).
    expect((await objects()).length - before.length).toBe(1);
    expect(await attachmentCounts(t)).toEqual({ attachments: 1, blobs: 1, chunks: 0, loose: 0 });
  });

  it('keeps nothing of a refused upload', async () => {
    const before = await objects();
    const lying = await upload(t, desk.customer, { name: 'x.png', type: 'image/png', content: '<html></html>' });
    expect(lying.statusCode).toBe(400);
    const empty = await upload(t, desk.customer, { name: 'empty.txt', content: '' });
    expect(empty.statusCode).toBe(400);
    expect(await objects()).toEqual(before);
    expect(await attachmentCounts(t)).toEqual({ attachments: 0, blobs: 0, chunks: 0, loose: 0 });
  });
});
