import sharp from 'sharp';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import type { TestUser } from '../test/factories.js';
import { createDesk, openTicket, postMessage, type Desk } from '../tickets/tickets.test-support.js';
import { uploaded } from './attachments.test-support.js';

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();

describeEachDatabase('attachment thumbnails', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const thumbnail = (user: TestUser | undefined, id: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'GET',
      url: `/api/attachments/${id}/thumbnail`,
      headers: { ...headers, ...(user ? { authorization: `Bearer ${user.accessToken}` } : {}) },
    });

  /** An uploaded file attached to a reply (or a note) on a ticket of desk.customer. */
  async function attached(name: string, content: Buffer | string, internal = false): Promise<string> {
    const ticket = await openTicket(t, desk.customer);
    const file = await uploaded(t, desk.agent, { name, type: 'image/png', content });
    const posted = await postMessage(t, desk.agent, ticket.id, { body: 'See the file', internal, attachmentIds: [file.id] });
    expect(posted.statusCode, posted.body).toBe(201);
    return file.id;
  }

  it('serves a small upright WebP of an image to whoever may see the file, with an ETag', async () => {
    const id = await attached('screen.png', await png(1200, 800));
    const response = await thumbnail(desk.customer, id);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('image/webp');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-disposition']).toContain('screen.webp');
    const info = await sharp(response.rawPayload).metadata();
    expect([info.format, info.width, info.height]).toEqual(['webp', 320, 213]);

    const again = await thumbnail(desk.customer, id, { 'if-none-match': String(response.headers.etag) });
    expect(again.statusCode).toBe(304);
    // Never enlarged.
    const small = await thumbnail(desk.agent, await attached('icon.png', await png(40, 30)));
    expect(await sharp(small.rawPayload).metadata()).toMatchObject({ width: 40, height: 30 });
  });

  it("never shows an internal note's image, another customer's, or anyone's without a token", async () => {
    const note = await attached('secret.png', await png(100, 100), true);
    const hidden = await thumbnail(desk.customer, note);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json<{ error: { code: string } }>().error.code).toBe('attachment_not_found');
    expect((await thumbnail(desk.agent, note)).statusCode).toBe(200);
    const reply = await attached('public.png', await png(100, 100));
    expect((await thumbnail(desk.otherCustomer, reply)).statusCode).toBe(404);
    expect((await thumbnail(undefined, reply)).statusCode).toBe(401);
  });

  it('has none for files that are not images, and refuses to decode a decompression bomb', async () => {
    const ticket = await openTicket(t, desk.customer);
    const text = await uploaded(t, desk.customer, { name: 'notes.txt', type: 'text/plain', content: 'plain words' });
    expect((await postMessage(t, desk.customer, ticket.id, { body: 'Notes', attachmentIds: [text.id] })).statusCode).toBe(201);
    const none = await thumbnail(desk.customer, text.id);
    expect(none.statusCode).toBe(404);
    expect(none.json<{ error: { code: string } }>().error.code).toBe('no_thumbnail');

    // 56 megapixels in a few hundred KiB: past the decoder's pixel limit, refused without decoding.
    const bomb = await attached('huge.png', await png(8000, 7000));
    const refused = await thumbnail(desk.agent, bomb);
    expect(refused.statusCode).toBe(404);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('no_thumbnail');
  });
});
