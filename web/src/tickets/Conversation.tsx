import type { Ticket, TicketMessage } from '../api/models';
import { RelativeTime } from '../ui/feedback';
import type { NameOf } from './names';

function Entry({ author, createdAt, internal, body }: { author: string; createdAt: string; internal: boolean; body: string }) {
  return (
    <li className={internal ? 'message internal' : 'message'} data-internal={internal ? 'true' : undefined}>
      <div className="message-head">
        <span className="author">{author}</span>
        {internal ? <span className="chip internal-chip">Internal note · not visible to the customer</span> : null}
        <RelativeTime value={createdAt} />
      </div>
      {/* Plain text, rendered as text: line breaks are kept by CSS, never parsed as HTML. */}
      <div className="message-body">{body}</div>
    </li>
  );
}

/** The ticket's description followed by its messages, oldest first. */
export function Conversation({ ticket, messages, nameOf }: { ticket: Ticket; messages: TicketMessage[]; nameOf: NameOf }) {
  return (
    <ol className="conversation" aria-label="Conversation">
      <Entry author={nameOf(ticket.requesterId, ticket.requester)} createdAt={ticket.createdAt} internal={false} body={ticket.description} />
      {messages.map((message) => (
        <Entry key={message.id} author={nameOf(message.authorId, message.author)} createdAt={message.createdAt} internal={message.internal} body={message.body} />
      ))}
    </ol>
  );
}
