import { useEffect, useState } from 'react';
import { downloadAttachment, fetchAttachment, formatSize, isPreviewable, typeIcon, type Attachment } from './attachments.api';

/** An image's thumbnail, fetched with the session's token and shown from a blob URL; the file itself is a click away. */
function Preview({ attachment }: { attachment: Attachment }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let revoked = false;
    let made: string | undefined;
    fetchAttachment(attachment.id, 'thumbnail').then(
      (blob) => {
        if (revoked) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      () => undefined,
    );
    return () => {
      revoked = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [attachment.id]);
  return url ? <img className="attachment-preview" src={url} alt={attachment.name} /> : <span className="attachment-preview loading" aria-hidden="true" />;
}

/** A message's files: image previews, and name, type icon and size for everything, each a download. */
export function AttachmentList({ attachments }: { attachments: readonly Attachment[] }) {
  if (attachments.length === 0) return null;
  return (
    <ul className="attachments" aria-label="Attachments">
      {attachments.map((attachment) => (
        <li key={attachment.id} id={`attachment-${attachment.id}`} className="attachment">
          {isPreviewable(attachment) ? <Preview attachment={attachment} /> : null}
          <button type="button" className="attachment-link" onClick={() => void downloadAttachment(attachment)} title={`Download ${attachment.name}`}>
            <span className="file-icon" aria-hidden="true">
              {typeIcon(attachment.type, attachment.name)}
            </span>
            <span className="file-name">{attachment.name}</span>
            <span className="file-size">{formatSize(attachment.size)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
