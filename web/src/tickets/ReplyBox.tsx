import { useState, type SubmitEvent } from 'react';
import type { AppliedMacro, Ticket, TicketMessage, TicketStatus } from '../api/models';
import { AttachmentPicker, useAttachments } from '../attachments/AttachmentPicker';
import { MacroPicker } from '../macros/MacroPicker';
import { STATUS_LABELS, StatusOptions } from '../ui/chips';
import { Checkbox, FormError, TextAreaField, useFormErrors } from '../ui/forms';
import { addMessage } from './tickets.api';

interface Props {
  /** Its `abilities` say what the caller may add now, and which statuses it may send with. */
  ticket: Ticket;
  onSent: (message: TicketMessage) => void;
  /** A macro changed the ticket: the fresh copy. */
  onChanged: (ticket: Ticket) => void;
  /** Called as the caller types (presence). */
  onTyping: () => void;
}

export function ReplyBox({ ticket, onSent, onChanged, onTyping }: Props) {
  const { reply: canReply, note: canNote, statuses } = ticket.abilities;
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [status, setStatus] = useState<TicketStatus | ''>('');
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  const files = useAttachments();
  // Without the right to reply publicly, all that is left is a note.
  const asNote = canNote && (internal || !canReply);
  const sendLabel = asNote ? 'Add note' : 'Send reply';

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      const message = await addMessage(ticket.id, body, asNote, files.ids, status || undefined);
      setBody('');
      setStatus('');
      files.reset();
      onSent(message);
    } catch (caught) {
      show(caught, ['body', 'attachmentIds', 'status']);
    } finally {
      setBusy(false);
    }
  };

  const applied = ({ ticket: changed, body: text }: AppliedMacro) => {
    onChanged(changed);
    // The macro's text joins what is written already, never replaces it.
    if (text) setBody((written) => (written.trim() ? `${written}\n\n${text}` : text));
  };

  return (
    <form className={asNote ? 'reply-box card internal' : 'reply-box card'} onSubmit={(event) => void submit(event)} onPaste={files.onPaste} aria-label="Reply">
      {canNote ? <MacroPicker ticketId={ticket.id} onApplied={applied} /> : null}
      <TextAreaField
        label={asNote ? 'Internal note' : 'Your reply'}
        name="body"
        required
        rows={4}
        maxLength={20000}
        value={body}
        error={errors.fields.body}
        hint={asNote ? 'Only staff can read internal notes.' : undefined}
        onChange={(e) => {
          setBody(e.target.value);
          onTyping();
        }}
      />
      {canNote && canReply ? <Checkbox label="Internal note (staff only)" checked={internal} onChange={(e) => setInternal(e.target.checked)} /> : null}
      <AttachmentPicker state={files} disabled={busy} />
      <FormError message={errors.fields.attachmentIds ?? errors.fields.status ?? errors.form} />
      <div className="reply-actions">
        {statuses.length > 0 ? (
          <label className="compact-field">
            <span>After sending</span>
            <select value={status} onChange={(event) => setStatus(event.target.value as TicketStatus | '')}>
              <option value="">Keep {STATUS_LABELS[ticket.status]}</option>
              <StatusOptions statuses={statuses} />
            </select>
          </label>
        ) : null}
        <button type="submit" className="button primary" disabled={busy || body.trim() === '' || files.uploading}>
          {status ? `${sendLabel} as ${STATUS_LABELS[status]}` : sendLabel}
        </button>
      </div>
    </form>
  );
}
