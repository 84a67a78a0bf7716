import { invalid, invalidField, notFound, RetryLaterError, tooLarge } from '../http/errors.js';

export const attachmentNotFound = () => notFound('attachment_not_found', 'No such attachment');

export const noThumbnail = () => notFound('no_thumbnail', 'Only PNG, JPEG, GIF and WebP images that can be read have a thumbnail');

export const fileTooLarge = (maxBytes: number) =>
  tooLarge('file_too_large', `A file may be at most ${formatBytes(maxBytes)}`);

export const tooManyAttachments = (max: number) => tooLarge('too_many_attachments', `A message may carry at most ${max} files`);

export const uploadQuotaExceeded = (perHour: number, retryAfterSeconds: number) =>
  new RetryLaterError('upload_quota_exceeded', `At most ${perHour} uploads an hour; try again later`, retryAfterSeconds);

export const emptyFile = () => invalid('empty_file', 'The file is empty');

export const missingFile = () => invalid('missing_file', 'Send the file as a multipart/form-data part named "file"');

export const invalidFileName = (message: string) => invalidField('invalid_file_name', 'file', message);

export const fileTypeMismatch = (declared: string) =>
  invalid('file_type_mismatch', `The file says it is ${declared} but its content is not`);

export const uploadInterrupted = () => invalid('upload_interrupted', 'The upload ended before the whole file arrived');

export const invalidAttachments = () =>
  invalidField('invalid_attachment', 'attachmentIds', 'Each attachment must be a file you uploaded and have not attached yet');

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}
