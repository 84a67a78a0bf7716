import type { Attachment, Ticket, TicketMessage } from '../api/models';
import { AttachmentList } from '../attachments/AttachmentList';
import { RelativeTime } from '../ui/feedback';
import type { NameOf } from './names';

interface EntryProps {
  author: string;
  createdAt: string;
  internal: boolean;
  body: string;
  attachments: readonly Attachment[];
}

function Entry({ author, createdAt, internal, body, attachments }: EntryProps) {
  return (
    <li className={internal ? 'message internal' : 'message'} data-internal={internal ? 'true' : undefined}>
      <div className="message-head">
        <span className="author">{author}</span>
        {internal ? <span className="chip internal-chip">Internal note · not visible to the customer</span> : null}
        <RelativeTime value={createdAt} />
      </div>
      {/* Plain text, rendered as text: line breaks are kept by CSS, never parsed as HTML. */}
      <div className="message-body">{body}</div>
      <AttachmentList attachments={attachments} />
    </li>
  );
}

/** The ticket's description followed by its messages, oldest first. */
export function Conversation({ ticket, messages, nameOf }: { ticket: Ticket; messages: TicketMessage[]; nameOf: NameOf }) {
  return (
    <ol className="conversation" aria-label="Conversation">
      <Entry author={nameOf(ticket.requesterId, ticket.requester)} createdAt={ticket.createdAt} internal={false} body={ticket.description} attachments={ticket.attachments ?? []} />
      {messages.map((message) => (
        <Entry key={message.id} author={nameOf(message.authorId, message.author)} createdAt={message.createdAt} internal={message.internal} body={message.body} attachments={message.attachments} />
      ))}
    </ol>
  );
}
