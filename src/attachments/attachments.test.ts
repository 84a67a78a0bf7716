import { afterEach, beforeEach, expect, it } from 'vitest';
import { issueAccessToken } from '../auth/tokens.js';
import { createTestApp, type TestApp } from '../test/app.js';
import type { TestUser } from '../test/factories.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk, getJson, openTicket, postMessage, type Desk } from '../tickets/tickets.test-support.js';
import { runAttachmentCleanup } from './attachments-cleanup.js';
import { attachmentCounts, download, PNG_1PX, upload, uploaded, type AttachmentJson } from './attachments.test-support.js';
import { CHUNK_BYTES } from './database-blob-store.js';

interface MessageJson {
  id: string;
  internal: boolean;
  attachments: AttachmentJson[];
}

describeEachDatabase('attachments', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  /** Access tokens expire as the test clock moves: a fresh one for the same session. */
  const refreshed = async (user: TestUser): Promise<TestUser> => ({
    ...user,
    accessToken: await issueAccessToken(t.ctx.config.jwtSecret, { userId: user.user.id, sessionId: user.sessionId }, t.clock.now()),
  });

  const messagesOf = async (ticketId: string, user = desk.agent) =>
    (await getJson<{ items: MessageJson[] }>(t, user, `/api/tickets/${ticketId}/messages`)).items;

  it('uploads a file, attaches it to a reply and lists it with the message', async () => {
    const file = await uploaded(t, desk.customer, { name: 'server.log', type: 'text/plain', content: 'line one\nline two\n' });
    expect(file).toEqual({ id: expect.any(String), name: 'server.log', type: 'text/plain', size: 18 });
    const ticket = await openTicket(t, desk.customer);
    const reply = await postMessage(t, desk.customer, ticket.id, { body: 'Here is the log', attachmentIds: [file.id] });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json<MessageJson>().attachments).toEqual([file]);
    expect((await messagesOf(ticket.id)).map((message) => message.attachments)).toEqual([[file]]);

    const got = await download(t, desk.agent, file.id);
    expect(got.statusCode).toBe(200);
    expect(got.body).toBe('line one\nline two\n');
    expect(got.headers['content-type']).toBe('application/octet-stream');
    expect(got.headers['content-disposition']).toBe(`attachment; filename="server.log"; filename*=UTF-8''server.log`);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(got.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
  });

  it('opens a ticket with files and shows them on the ticket', async () => {
    const image = await uploaded(t, desk.customer, { name: 'shot.png', type: 'image/png', content: PNG_1PX });
    const ticket = await openTicket(t, desk.customer, { attachmentIds: [image.id] });
    expect((ticket as unknown as { attachments: AttachmentJson[] }).attachments).toEqual([image]);
    const read = await getJson<{ attachments: AttachmentJson[] }>(t, desk.agent, `/api/tickets/${ticket.id}`);
    expect(read.attachments).toEqual([image]);
    const got = await download(t, desk.agent, image.id);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['content-disposition']).toMatch(/^inline; /);
    expect(got.rawPayload.equals(PNG_1PX)).toBe(true);
  });

  it('serves ranges, answers 304 to its ETag and 416 past the end', async () => {
    const content = Buffer.alloc(CHUNK_BYTES * 2 + 10);
    for (let i = 0; i < content.length; i += 1) content[i] = i % 251;
    const file = await uploaded(t, desk.customer, { name: 'dump.bin', content });
    expect(file.size).toBe(content.length);
    const whole = await download(t, desk.customer, file.id);
    expect(whole.rawPayload.equals(content)).toBe(true);
    const start = CHUNK_BYTES - 5;
    const end = CHUNK_BYTES * 2 + 3;
    const part = await download(t, desk.customer, file.id, { range: `bytes=${start}-${end}` });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${content.length}`);
    expect(part.rawPayload.equals(content.subarray(start, end + 1))).toBe(true);
    const tail = await download(t, desk.customer, file.id, { range: 'bytes=-4' });
    expect(tail.rawPayload.equals(content.subarray(content.length - 4))).toBe(true);
    const stale = await download(t, desk.customer, file.id, { range: 'bytes=0-3', 'if-range': '"other"' });
    expect(stale.statusCode).toBe(200);
    const cached = await download(t, desk.customer, file.id, { 'if-none-match': String(whole.headers.etag) });
    expect(cached.statusCode).toBe(304);
    const beyond = await download(t, desk.customer, file.id, { range: `bytes=${content.length}-` });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${content.length}`);
    expect(beyond.json<{ error: { code: string } }>().error.code).toBe('range_not_satisfiable');
  });

  it('stores the same content once', async () => {
    const first = await uploaded(t, desk.customer, { name: 'a.txt', type: 'text/plain', content: 'same bytes' });
    const second = await uploaded(t, desk.agent, { name: 'b.txt', type: 'text/plain', content: 'same bytes' });
    expect(first.id).not.toBe(second.id);
    expect(await attachmentCounts(t)).toEqual({ attachments: 2, blobs: 1, chunks: 1, loose: 0 });
    expect((await download(t, desk.agent, second.id)).body).toBe('same bytes');
  });

  it('shows a file exactly where its message is visible', async () => {
    const ticket = await openTicket(t, desk.customer);
    const noteFile = await uploaded(t, desk.agent, { name: 'internal.txt', content: 'for staff only' });
    const note = await postMessage(t, desk.agent, ticket.id, { body: 'Hush', internal: true, attachmentIds: [noteFile.id] });
    expect(note.statusCode, note.body).toBe(201);
    const replyFile = await uploaded(t, desk.agent, { name: 'howto.txt', content: 'do this' });
    await postMessage(t, desk.agent, ticket.id, { body: 'Try this', attachmentIds: [replyFile.id] });

    expect((await download(t, desk.customer, replyFile.id)).statusCode).toBe(200);
    const hidden = await download(t, desk.customer, noteFile.id);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json<{ error: { code: string } }>().error.code).toBe('attachment_not_found');
    expect((await download(t, desk.otherCustomer, replyFile.id)).statusCode).toBe(404);
    expect((await download(t, desk.otherAgent, noteFile.id)).statusCode).toBe(200);
    expect((await download(t, undefined, replyFile.id)).statusCode).toBe(401);
    const customerView = await messagesOf(ticket.id, desk.customer);
    expect(JSON.stringify(customerView)).not.toContain(noteFile.id);

    // An unattached upload is its uploader's alone.
    const mine = await uploaded(t, desk.customer, { name: 'draft.txt', content: 'draft' });
    expect((await download(t, desk.customer, mine.id)).statusCode).toBe(200);
    expect((await download(t, desk.agent, mine.id)).statusCode).toBe(404);
    expect((await download(t, desk.manager, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it("refuses attachmentIds that are not the caller's own unattached uploads, and writes nothing", async () => {
    const ticket = await openTicket(t, desk.customer);
    const others = await uploaded(t, desk.otherCustomer, { name: 'theirs.txt', content: 'not yours' });
    const refused = await postMessage(t, desk.customer, ticket.id, { body: 'Stealing', attachmentIds: [others.id] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('invalid_attachment');
    expect(await messagesOf(ticket.id)).toEqual([]);

    const mine = await uploaded(t, desk.customer, { name: 'mine.txt', content: 'mine' });
    expect((await postMessage(t, desk.customer, ticket.id, { body: 'One', attachmentIds: [mine.id] })).statusCode).toBe(201);
    const twice = await postMessage(t, desk.customer, ticket.id, { body: 'Again', attachmentIds: [mine.id] });
    expect(twice.statusCode).toBe(400);
    const unknown = await postMessage(t, desk.customer, ticket.id, { body: 'Ghost', attachmentIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknown.statusCode).toBe(400);
    const notUuid = await postMessage(t, desk.customer, ticket.id, { body: 'Bad', attachmentIds: ['x'] });
    expect(notUuid.statusCode).toBe(400);

    const files = await Promise.all(Array.from({ length: 11 }, (_, i) => uploaded(t, desk.customer, { name: `f${i}.txt`, content: `file ${i}` })));
    const tooMany = await postMessage(t, desk.customer, ticket.id, { body: 'Lots', attachmentIds: files.map((file) => file.id) });
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json<{ error: { code: string } }>().error.code).toBe('too_many_attachments');
    expect((await messagesOf(ticket.id)).length).toBe(1);
  });

  it('refuses a file over the size limit (413) and keeps nothing', async () => {
    await t.close();
    t = await createTestApp(kind, { attachments: { ...t.ctx.config.attachments, maxFileBytes: 1000 } });
    desk = await createDesk(t);
    const big = await upload(t, desk.customer, { name: 'big.bin', content: Buffer.alloc(1001, 1) });
    expect(big.statusCode, big.body).toBe(413);
    expect(big.json<{ error: { code: string } }>().error.code).toBe('file_too_large');
    expect(await attachmentCounts(t)).toEqual({ attachments: 0, blobs: 0, chunks: 0, loose: 0 });
    expect((await upload(t, desk.customer, { name: 'ok.bin', content: Buffer.alloc(1000, 1) })).statusCode).toBe(201);
  });

  it('limits uploads per user and hour (429 with Retry-After)', async () => {
    await t.close();
    t = await createTestApp(kind, { attachments: { ...t.ctx.config.attachments, uploadsPerHour: 2 } });
    desk = await createDesk(t);
    await uploaded(t, desk.customer, { name: '1.txt', content: 'one' });
    t.clock.advance(10 * 60_000);
    await uploaded(t, desk.customer, { name: '2.txt', content: 'two' });
    const third = await upload(t, desk.customer, { name: '3.txt', content: 'three' });
    expect(third.statusCode).toBe(429);
    expect(third.json<{ error: { code: string } }>().error.code).toBe('upload_quota_exceeded');
    expect(Number(third.headers['retry-after'])).toBe(50 * 60);
    expect((await upload(t, desk.agent, { name: 'other.txt', content: 'fine' })).statusCode).toBe(201);
    t.clock.advance(50 * 60_000 + 1);
    expect((await upload(t, await refreshed(desk.customer), { name: '3.txt', content: 'three' })).statusCode).toBe(201);
    expect((await attachmentCounts(t)).attachments).toBe(4);
  });

  it('removes uploads unused after 24 hours, and their bytes, but keeps attached ones', async () => {
    const ticket = await openTicket(t, desk.customer);
    const kept = await uploaded(t, desk.customer, { name: 'kept.txt', content: 'kept' });
    await postMessage(t, desk.customer, ticket.id, { body: 'With file', attachmentIds: [kept.id] });
    const unused = await uploaded(t, desk.customer, { name: 'unused.txt', content: Buffer.alloc(CHUNK_BYTES + 1, 7) });
    // The same bytes as an attached file: the stored copy must stay.
    await uploaded(t, desk.customer, { name: 'copy.txt', content: 'kept' });
    expect(await attachmentCounts(t)).toEqual({ attachments: 3, blobs: 2, chunks: 3, loose: 0 });

    t.clock.advance(23 * 3_600_000);
    expect(await runAttachmentCleanup(t.ctx, t.ctx.attachmentStore)).toEqual({ expiredUploads: 0, releasedBlobs: 0, deletedBytes: 0 });
    t.clock.advance(3_600_000 + 1);
    expect(await runAttachmentCleanup(t.ctx, t.ctx.attachmentStore)).toEqual({ expiredUploads: 2, releasedBlobs: 1, deletedBytes: 1 });
    expect(await attachmentCounts(t)).toEqual({ attachments: 1, blobs: 1, chunks: 1, loose: 0 });
    const customer = await refreshed(desk.customer);
    expect((await download(t, customer, unused.id)).statusCode).toBe(404);
    expect((await download(t, customer, kept.id)).body).toBe('kept');
    // Too late to attach.
    const late = await postMessage(t, customer, ticket.id, { body: 'Late', attachmentIds: [unused.id] });
    expect(late.statusCode).toBe(400);
  });
});
