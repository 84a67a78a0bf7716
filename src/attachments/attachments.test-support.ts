import { randomBytes } from 'node:crypto';
import { count } from 'drizzle-orm';
import { expect } from 'vitest';
import type { TestApp } from '../test/app.js';
import type { TestUser } from '../test/factories.js';
import { attachmentBlobs, attachmentChunks, attachmentLooseBytes, attachments } from './attachments.schema.js';

/** A 1×1 PNG: a real image, as the sniffer sees it. */
export const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export interface MultipartFile {
  name?: string;
  /** The raw `filename` parameter; `name` is used when absent. */
  rawFilename?: string;
  type?: string;
  content: Buffer | string;
  field?: string;
}

/** A multipart/form-data body with one file part, built by hand so every byte of it is the test's choice. */
export function multipartBody(file: MultipartFile): { payload: Buffer; contentType: string } {
  const boundary = `----helpline${randomBytes(8).toString('hex')}`;
  const filename = file.rawFilename ?? (file.name ?? 'file.bin').replace(/"/g, '%22');
  const head =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${filename}"\r\n` +
    `Content-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`;
  const payload = Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(file.content), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function upload(t: TestApp, user: TestUser | undefined, file: MultipartFile) {
  const { payload, contentType } = multipartBody(file);
  return t.app.inject({
    method: 'POST',
    url: '/api/attachments',
    headers: { 'content-type': contentType, ...(user ? { authorization: `Bearer ${user.accessToken}` } : {}) },
    payload,
  });
}

export interface AttachmentJson {
  id: string;
  name: string;
  type: string;
  size: number;
}

export async function uploaded(t: TestApp, user: TestUser, file: MultipartFile): Promise<AttachmentJson> {
  const response = await upload(t, user, file);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<AttachmentJson>();
}

export const download = (t: TestApp, user: TestUser | undefined, id: string, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'GET',
    url: `/api/attachments/${id}`,
    headers: { ...headers, ...(user ? { authorization: `Bearer ${user.accessToken}` } : {}) },
  });

/** Rows in every attachment table: what a refused upload or a cleanup must leave at zero. */
export async function attachmentCounts(t: TestApp): Promise<{ attachments: number; blobs: number; chunks: number; loose: number }> {
  const { db } = t.database;
  const of = async (table: typeof attachments | typeof attachmentBlobs | typeof attachmentChunks | typeof attachmentLooseBytes) =>
    (await db.select({ n: count() }).from(table))[0]?.n ?? 0;
  return {
    attachments: await of(attachments),
    blobs: await of(attachmentBlobs),
    chunks: await of(attachmentChunks),
    loose: await of(attachmentLooseBytes),
  };
}
