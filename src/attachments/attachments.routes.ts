import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { DomainError, unsupportedMediaType } from '../http/errors.js';
import { errorResponses, IdParams, rangeErrorResponses, rateLimitedResponses, uploadErrorResponses } from '../http/schemas.js';
import { missingFile, noThumbnail } from './attachment-errors.js';
import { AttachmentSchema, presentAttachment } from './attachments.presenter.js';
import { checkUploadQuota, openAttachment, readableAttachment, uploadAttachment } from './attachments.service.js';
import { parseRange } from './byte-range.js';
import { contentDisposition } from './file-name.js';
import { fileBytes } from './multipart-file.js';
import { THUMBNAIL_SIZE, thumbnailOf, ThumbnailError } from './thumbnail.js';

const tags = ['attachments'];

/** Nothing in a served file may run, load or frame anything, even if a browser renders it. */
const FILE_CSP = "default-src 'none'; sandbox";

const UploadBody = Type.Object(
  { file: Type.String({ format: 'binary', description: 'The file; its part carries the file name' }) },
  { required: ['file'] },
);

const Binary = (description: string) => ({
  description,
  content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } },
});

const IfNoneMatch = { 'if-none-match': Type.Optional(Type.String()) };
const ThumbnailHeaders = Type.Object(IfNoneMatch);
const DownloadHeaders = Type.Object({
  range: Type.Optional(Type.String({ description: 'One byte range, `bytes=0-1023`' })),
  'if-range': Type.Optional(Type.String()),
  ...IfNoneMatch,
});

export const attachmentRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { maxFileBytes } = ctx.config.attachments;
  // Registered here, so only this plugin's routes take multipart bodies; the rest stay JSON-only.
  await app.register(multipart, { limits: { fileSize: maxFileBytes, files: 1, fields: 10, parts: 11, headerPairs: 50 } });

  app.post(
    '/attachments',
    {
      // A whole file over a phone's uplink may take minutes to arrive.
      config: { slowBody: true },
      // The body is a stream read by the handler; the schema only documents it.
      validatorCompiler: () => () => true,
      schema: {
        tags,
        operationId: 'uploadAttachment',
        summary: 'Upload a file to attach to a new ticket or message',
        description:
          'One `file` part. Returns the id to send in `attachmentIds`; an upload not attached within 24 hours is removed.',
        consumes: ['multipart/form-data'],
        body: UploadBody,
        response: { 201: AttachmentSchema, ...errorResponses, ...uploadErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (!request.isMultipart()) throw unsupportedMediaType('Send the file as multipart/form-data');
      await checkUploadQuota(ctx, actor);
      const part = await request.file().catch((error: unknown) => {
        throw error instanceof DomainError ? error : missingFile();
      });
      if (!part || part.fieldname !== 'file') throw missingFile();
      const attachment = await uploadAttachment(ctx, ctx.attachmentStore, actor, {
        filename: part.filename,
        mimetype: part.mimetype,
        bytes: fileBytes(part.file, maxFileBytes),
      });
      return reply.code(201).send(presentAttachment(attachment));
    },
  );

  app.get(
    '/attachments/:id',
    {
      schema: {
        tags,
        operationId: 'getAttachment',
        summary: 'Download an attachment',
        description:
          'The bytes, as a download; PNG, JPEG, GIF and WebP images whose content really is one are shown inline. Honours Range, If-Range and If-None-Match.',
        params: IdParams,
        headers: DownloadHeaders,
        response: {
          200: Binary('The whole file'),
          206: Binary('The range asked for'),
          304: Type.Null({ description: 'Unchanged since the ETag sent in If-None-Match' }),
          ...errorResponses,
          ...rangeErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const attachment = await readableAttachment(ctx, actorOf(request), request.params.id);
      const etag = `"${attachment.sha256}"`;
      void reply
        .header('etag', etag)
        .header('cache-control', 'private, no-cache')
        .header('accept-ranges', 'bytes')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', FILE_CSP)
        .header('content-disposition', contentDisposition(attachment.inlineImage ? 'inline' : 'attachment', attachment.name))
        // Only real images keep their type; anything else is bytes to save, never a page to render.
        .type(attachment.inlineImage ? attachment.contentType : 'application/octet-stream');
      const { 'if-none-match': ifNoneMatch, 'if-range': ifRange, range: rangeHeader } = request.headers;
      if (matchesEtag(ifNoneMatch, etag)) return reply.code(304).send(null);
      const size = attachment.size;
      const range = ifRange === undefined || ifRange === etag ? parseRange(rangeHeader, size) : undefined;
      if (range === 'unsatisfiable') {
        void reply.header('content-range', `bytes */${size}`);
        throw new DomainError('range_not_satisfiable', 'range_not_satisfiable', `The file has ${size} bytes`);
      }
      const bytes = range ?? { start: 0, end: size - 1 };
      void reply.header('content-length', String(bytes.end - bytes.start + 1));
      if (range) void reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`);
      return reply.send(openAttachment(ctx.attachmentStore, attachment, bytes));
    },
  );

  app.get(
    '/attachments/:id/thumbnail',
    {
      schema: {
        tags,
        operationId: 'getAttachmentThumbnail',
        summary: "A small WebP of an image attachment",
        description: `At most ${THUMBNAIL_SIZE} pixels on the longer side, upright, first frame only; for PNG, JPEG, GIF and WebP files that really are images (others: 404 \`no_thumbnail\`). Visible exactly when the file is. Honours If-None-Match.`,
        params: IdParams,
        headers: ThumbnailHeaders,
        response: {
          200: Binary('The thumbnail, image/webp'),
          304: Type.Null({ description: 'Unchanged since the ETag sent in If-None-Match' }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const attachment = await readableAttachment(ctx, actorOf(request), request.params.id);
      if (!attachment.inlineImage) throw noThumbnail();
      const etag = `"${attachment.sha256}-${THUMBNAIL_SIZE}"`;
      void reply
        .header('etag', etag)
        .header('cache-control', 'private, no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', FILE_CSP)
        .header('content-disposition', contentDisposition('inline', attachment.name.replace(/\.[^.]*$/, '') + '.webp'));
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send(null);
      const image = await thumbnailOf(openAttachment(ctx.attachmentStore, attachment, { start: 0, end: attachment.size - 1 })).catch((error: unknown) => {
        throw error instanceof ThumbnailError ? noThumbnail() : error;
      });
      return reply.type('image/webp').send(image);
    },
  );
};

/** Whether an If-None-Match header names this ETag (or any). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  return ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
}
