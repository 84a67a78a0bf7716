import { useState, type SubmitEvent } from 'react';
import { ApiError } from '../api/errors';
import type { AppliedMacro, Ticket, TicketMessage, TicketStatus } from '../api/models';
import { AttachmentPicker, useAttachments } from '../attachments/AttachmentPicker';
import { MacroPicker } from '../macros/MacroPicker';
import { STATUS_LABELS, StatusOptions } from '../ui/chips';
import { Checkbox, FormError, TextAreaField, useFormErrors } from '../ui/forms';
import { addMessage } from './tickets.api';

interface Props {
  /** Its `abilities` say what the caller may add now, and which statuses it may send with. */
  ticket: Ticket;
  /** The conversation as shown: the reply is written against its newest message. */
  messages: TicketMessage[];
  /** The conversation read again, after the server said someone wrote since. */
  reloadMessages: () => Promise<TicketMessage[]>;
  onSent: (message: TicketMessage) => void;
  /** A macro changed the ticket: the fresh copy. */
  onChanged: (ticket: Ticket) => void;
  /** Called as the caller types (presence). */
  onTyping: () => void;
}

const newestId = (messages: TicketMessage[]): string | null => messages.at(-1)?.id ?? null;

export function ReplyBox({ ticket, messages, reloadMessages, onSent, onChanged, onTyping }: Props) {
  const { reply: canReply, note: canNote, statuses } = ticket.abilities;
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [status, setStatus] = useState<TicketStatus | ''>('');
  const [busy, setBusy] = useState(false);
  // The newest message when the writing began: the server refuses the reply if another came since.
  const [writtenAfter, setWrittenAfter] = useState<string | null | undefined>(undefined);
  // What came in while writing, shown for the writer to read before sending anyway.
  const [missed, setMissed] = useState<TicketMessage[]>([]);
  const { errors, show, clear } = useFormErrors();
  const files = useAttachments();
  // Without the right to reply publicly, all that is left is a note.
  const asNote = canNote && (internal || !canReply);
  const sendLabel = asNote ? 'Add note' : 'Send reply';

  const send = async () => {
    clear();
    setBusy(true);
    const after = writtenAfter === undefined ? newestId(messages) : writtenAfter;
    try {
      const message = await addMessage(ticket.id, body, asNote, files.ids, status || undefined, after);
      setBody('');
      setStatus('');
      setWrittenAfter(undefined);
      setMissed([]);
      files.reset();
      onSent(message);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'ticket_changed') {
        const fresh = await reloadMessages();
        // Everything after the message written against (all of them when it was none).
        setMissed(fresh.slice(fresh.findIndex((message) => message.id === after) + 1));
        // Confirming sends against what is shown now: a message arriving meanwhile still stops it.
        setWrittenAfter(newestId(fresh));
      } else {
        show(caught, ['body', 'attachmentIds', 'status']);
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void send();
  };

  const applied = ({ ticket: changed, body: text }: AppliedMacro) => {
    onChanged(changed);
    // The macro's text joins what is written already, never replaces it.
    if (text) setBody((written) => (written.trim() ? `${written}\n\n${text}` : text));
  };

  return (
    <form className={asNote ? 'reply-box card internal' : 'reply-box card'} onSubmit={submit} onPaste={files.onPaste} aria-label="Reply">
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
          if (writtenAfter === undefined) setWrittenAfter(newestId(messages));
          setBody(e.target.value);
          onTyping();
        }}
      />
      {canNote && canReply ? <Checkbox label="Internal note (staff only)" checked={internal} onChange={(e) => setInternal(e.target.checked)} /> : null}
      <AttachmentPicker state={files} disabled={busy} />
      <FormError message={errors.fields.attachmentIds ?? errors.fields.status ?? errors.form} />
      {missed.length > 0 ? (
        <div className="missed-messages" role="alert">
          <p>
            {missed.length === 1 ? 'A new message arrived' : `${missed.length} new messages arrived`} while you wrote. Read{' '}
            {missed.length === 1 ? 'it' : 'them'} before sending:
          </p>
          <ul>
            {missed.map((message) => (
              <li key={message.id} className={message.internal ? 'internal' : undefined}>
                <strong>{message.author.name}</strong>
                {message.internal ? ' (internal note)' : ''}: {message.body}
              </li>
            ))}
          </ul>
          <button type="button" className="button" disabled={busy} onClick={() => void send()}>
            Send anyway
          </button>
        </div>
      ) : null}
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
