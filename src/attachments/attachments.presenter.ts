import { Type, type Static } from '@sinclair/typebox';
import type { AttachmentSummary } from './attachments.repository.js';

export const AttachmentSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ description: 'The file name as uploaded, without any path' }),
    type: Type.String({ description: 'The media type sniffed from the content when known, else the one uploaded' }),
    size: Type.Integer({ description: 'Bytes' }),
  },
  { additionalProperties: false },
);
export type AttachmentDto = Static<typeof AttachmentSchema>;

export const presentAttachment = (row: AttachmentSummary): AttachmentDto => ({
  id: row.id,
  name: row.name,
  type: row.contentType,
  size: row.size,
});

/** `attachmentIds` of a new ticket or message: uploads of the caller's not yet attached. */
export const AttachmentIds = Type.Array(Type.String({ format: 'uuid' }), {
  maxItems: 50,
  uniqueItems: true,
  description: 'Ids from POST /api/attachments: your own uploads, not yet attached',
});

/** What a ticket event says of its files (nothing when there are none): the stream and the mails show them. */
export function attachmentData(attachments: readonly AttachmentSummary[]): { attachments?: AttachmentDto[] } {
  return attachments.length === 0 ? {} : { attachments: attachments.map(presentAttachment) };
}
