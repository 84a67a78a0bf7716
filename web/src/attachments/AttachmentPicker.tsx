import { useCallback, useEffect, useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import { ApiError } from '../api/errors';
import { formatSize, typeIcon, uploadFile, type Attachment, type Upload } from './attachments.api';

interface Pending {
  key: number;
  file: File;
  progress: number;
  attachment?: Attachment;
  error?: string;
  upload: Upload;
}

export interface AttachmentsState {
  items: Pending[];
  add: (files: Iterable<File>) => void;
  remove: (key: number) => void;
  /** Ids of the finished uploads, in the order they were added. */
  ids: string[];
  /** An upload is still running: sending now would leave it out. */
  uploading: boolean;
  reset: () => void;
  /** For the form: a pasted screenshot (or any file) is attached. */
  onPaste: (event: ClipboardEvent) => void;
}

let nextKey = 1;

/** Files being attached to a new ticket or message: each uploads at once, with its own progress. */
export function useAttachments(): AttachmentsState {
  const [items, setItems] = useState<Pending[]>([]);
  const live = useRef(new Map<number, Upload>());

  const update = (key: number, change: Partial<Pending>) =>
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const add = useCallback((files: Iterable<File>) => {
    for (const file of files) {
      const key = nextKey++;
      const upload = uploadFile(file, (progress) => update(key, { progress }));
      live.current.set(key, upload);
      setItems((current) => [...current, { key, file, progress: 0, upload }]);
      upload.done.then(
        (attachment) => update(key, { attachment, progress: 1 }),
        (error: unknown) => {
          if (error instanceof ApiError && error.code === 'aborted') return;
          update(key, { error: error instanceof Error ? error.message : 'The upload failed' });
        },
      ).finally(() => live.current.delete(key));
    }
  }, []);

  const remove = useCallback((key: number) => {
    live.current.get(key)?.abort();
    setItems((current) => current.filter((item) => item.key !== key));
  }, []);

  const reset = useCallback(() => setItems([]), []);

  // Leaving the page cancels uploads still running.
  useEffect(() => {
    const uploads = live.current;
    return () => {
      for (const upload of uploads.values()) upload.abort();
    };
  }, []);

  const onPaste = useCallback(
    (event: ClipboardEvent) => {
      const files = [...event.clipboardData.files];
      if (files.length === 0) return;
      // A screenshot has no name of its own.
      add(files.map((file) => (file.name && file.name !== 'image.png' ? file : new File([file], `screenshot-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.png`, { type: file.type }))));
      event.preventDefault();
    },
    [add],
  );

  return {
    items,
    add,
    remove,
    ids: items.flatMap((item) => (item.attachment ? [item.attachment.id] : [])),
    uploading: items.some((item) => !item.attachment && !item.error),
    reset,
    onPaste,
  };
}

/** Drop zone, file chooser and the list of files with their progress; paste is caught by the form (`onPaste`). */
export function AttachmentPicker({ state, disabled }: { state: AttachmentsState; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    if (!disabled) state.add(event.dataTransfer.files);
  };

  return (
    <div
      className={over ? 'attachment-picker over' : 'attachment-picker'}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <div className="attachment-drop">
        <button type="button" className="button" disabled={disabled} onClick={() => input.current?.click()}>
          Attach files
        </button>
        <span className="hint">or drop them here, or paste a screenshot</span>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          aria-label="Attach files"
          onChange={(event) => {
            if (event.target.files) state.add(event.target.files);
            event.target.value = '';
          }}
        />
      </div>
      {state.items.length > 0 ? (
        <ul className="pending-files" aria-label="Files to send">
          {state.items.map((item) => (
            <li key={item.key} className={item.error ? 'pending-file failed' : 'pending-file'}>
              <span className="file-icon" aria-hidden="true">
                {typeIcon(item.file.type, item.file.name)}
              </span>
              <span className="file-name">{item.file.name}</span>
              <span className="file-size">{formatSize(item.file.size)}</span>
              {item.error ? (
                <span className="file-error" role="alert">
                  {item.error}
                </span>
              ) : (
                <progress max={1} value={item.progress} aria-label={`Upload of ${item.file.name}`} />
              )}
              <button type="button" className="button link" onClick={() => state.remove(item.key)} aria-label={`Remove ${item.file.name}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
