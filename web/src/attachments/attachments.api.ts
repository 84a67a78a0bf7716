import { session } from '../api/client';
import { ApiError, apiErrorOf } from '../api/errors';
import type { Attachment } from '../api/models';

export type { Attachment };

/** Types the server shows inline (it sniffs the bytes); everything else is a download. */
const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
export const isPreviewable = (attachment: Pick<Attachment, 'type'>): boolean => PREVIEWABLE.has(attachment.type);

export interface Upload {
  done: Promise<Attachment>;
  abort(): void;
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * Sends one file as multipart/form-data. XMLHttpRequest, not fetch: only it reports upload
 * progress. A 401 refreshes the session once and sends again, as the typed client does.
 */
export function uploadFile(file: File, onProgress: (fraction: number) => void): Upload {
  let current: XMLHttpRequest | undefined;
  let aborted = false;
  const send = (token: string | null) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const request = new XMLHttpRequest();
      current = request;
      request.open('POST', '/api/attachments');
      if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      };
      request.onload = () => resolve({ status: request.status, body: parse(request.responseText) });
      request.onerror = () => reject(new ApiError(0, 'network_error', 'The upload failed: no connection to the server'));
      request.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled'));
      const form = new FormData();
      form.append('file', file, file.name || 'pasted-image.png');
      request.send(form);
    });
  const done = (async () => {
    let answer = await send(await session.freshAccessToken());
    if (answer.status === 401 && !aborted && (await session.refresh())) answer = await send(await session.freshAccessToken());
    if (answer.status !== 201) throw apiErrorOf(answer.status, answer.body);
    onProgress(1);
    return answer.body as Attachment;
  })();
  return {
    done,
    abort: () => {
      aborted = true;
      current?.abort();
    },
  };
}

/**
 * The bytes of an attachment, or of its small WebP thumbnail (images only), fetched with the
 * session's token (an <img src> or a plain link could not send it).
 */
export async function fetchAttachment(id: string, variant: 'file' | 'thumbnail' = 'file'): Promise<Blob> {
  const get = async () => {
    const token = await session.freshAccessToken();
    const path = variant === 'thumbnail' ? `/api/attachments/${id}/thumbnail` : `/api/attachments/${id}`;
    return fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  };
  let response = await get();
  if (response.status === 401 && (await session.refresh())) response = await get();
  if (!response.ok) throw apiErrorOf(response.status, parse(await response.text()));
  return response.blob();
}

/** Saves an attachment under its name, as a download. */
export async function downloadAttachment(attachment: Attachment): Promise<void> {
  const url = URL.createObjectURL(await fetchAttachment(attachment.id));
  const link = document.createElement('a');
  link.href = url;
  link.download = attachment.name;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser the time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** A small label for the kind of file, shown where an image would be. */
export function typeIcon(type: string, name: string): string {
  if (type.startsWith('image/')) return '🖼';
  if (type === 'application/pdf') return '📕';
  if (type.startsWith('text/') || /\.(log|txt|csv|md)$/i.test(name)) return '📄';
  if (/zip|gzip|x-tar|x-7z|x-rar/.test(type)) return '🗜';
  if (type.startsWith('audio/')) return '🎵';
  if (type.startsWith('video/')) return '🎬';
  return '📎';
}
