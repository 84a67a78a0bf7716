import { useState, type SubmitEvent } from 'react';
import type { TicketMessage } from '../api/models';
import { AttachmentPicker, useAttachments } from '../attachments/AttachmentPicker';
import { Checkbox, FormError, TextAreaField, useFormErrors } from '../ui/forms';
import { addMessage } from './tickets.api';

interface Props {
  ticketId: string;
  /** `ticket.abilities.reply` and `.note`: what the server lets the caller add now. */
  canReply: boolean;
  canNote: boolean;
  onSent: (message: TicketMessage) => void;
}

export function ReplyBox({ ticketId, canReply, canNote, onSent }: Props) {
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  const files = useAttachments();
  // Without the right to reply publicly, all that is left is a note.
  const asNote = canNote && (internal || !canReply);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      const message = await addMessage(ticketId, body, asNote, files.ids);
      setBody('');
      files.reset();
      onSent(message);
    } catch (caught) {
      show(caught, ['body', 'attachmentIds']);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className={asNote ? 'reply-box card internal' : 'reply-box card'} onSubmit={(event) => void submit(event)} onPaste={files.onPaste} aria-label="Reply">
      <TextAreaField
        label={asNote ? 'Internal note' : 'Your reply'}
        name="body"
        required
        rows={4}
        maxLength={20000}
        value={body}
        error={errors.fields.body}
        hint={asNote ? 'Only staff can read internal notes.' : undefined}
        onChange={(e) => setBody(e.target.value)}
      />
      {canNote && canReply ? <Checkbox label="Internal note (staff only)" checked={internal} onChange={(e) => setInternal(e.target.checked)} /> : null}
      <AttachmentPicker state={files} disabled={busy} />
      <FormError message={errors.fields.attachmentIds ?? errors.form} />
      <button type="submit" className="button primary" disabled={busy || body.trim() === '' || files.uploading}>
        {asNote ? 'Add note' : 'Send reply'}
      </button>
    </form>
  );
}
