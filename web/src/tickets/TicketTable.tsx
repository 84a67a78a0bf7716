import type { Ticket } from '../api/models';
import { Link } from 'react-router';
import { SlaBadges } from '../queue/sla';
import { PriorityChip, StatusChip } from '../ui/chips';
import { RelativeTime } from '../ui/feedback';
import { TagList } from '../tags/TagInput';

/** Rows ticked for a bulk action. */
export interface Selection {
  selected: ReadonlySet<string>;
  toggle: (id: string) => void;
  /** Ticks every row shown, or unticks them all when all are ticked. */
  toggleAll: (ids: string[]) => void;
}

interface Props {
  tickets: Ticket[];
  /** Staff see who asked and who handles it; customers know both already. */
  staffColumns: boolean;
  caption: string;
  selection?: Selection | undefined;
}

/** Tickets as a table on wide screens; each row stacks into a card at phone width (CSS). */
export function TicketTable({ tickets, staffColumns, caption, selection }: Props) {
  const ids = tickets.map((ticket) => ticket.id);
  const allTicked = selection !== undefined && ids.every((id) => selection.selected.has(id));
  return (
    <table className="ticket-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {selection ? (
            <th scope="col" className="select">
              <input type="checkbox" aria-label="Select all shown" checked={allTicked} onChange={() => selection.toggleAll(ids)} />
            </th>
          ) : null}
          <th scope="col">#</th>
          <th scope="col">Subject</th>
          <th scope="col">Status</th>
          <th scope="col">Priority</th>
          {staffColumns ? <th scope="col">Requester</th> : null}
          {staffColumns ? <th scope="col">Assignee</th> : null}
          {staffColumns ? <th scope="col">Team</th> : null}
          {staffColumns ? <th scope="col">SLA</th> : null}
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {tickets.map((ticket) => (
          <tr key={ticket.id} data-ticket-id={ticket.id}>
            {selection ? (
              <td className="select">
                <input
                  type="checkbox"
                  aria-label={`Select #${ticket.number}`}
                  checked={selection.selected.has(ticket.id)}
                  onChange={() => selection.toggle(ticket.id)}
                />
              </td>
            ) : null}
            <td className="num">{ticket.number}</td>
            <td className="subject">
              <Link to={`/tickets/${ticket.id}`}>{ticket.subject}</Link>
              {ticket.tags?.length ? <TagList tags={ticket.tags} /> : null}
            </td>
            <td data-label="Status">
              <StatusChip status={ticket.status} />
            </td>
            <td data-label="Priority">
              <PriorityChip priority={ticket.priority} />
            </td>
            {staffColumns ? <td data-label="Requester">{ticket.requester.name}</td> : null}
            {staffColumns ? <td data-label="Assignee">{ticket.assignee?.name ?? <span className="muted">Unassigned</span>}</td> : null}
            {staffColumns ? <td data-label="Team">{ticket.team?.name ?? <span className="muted">No team</span>}</td> : null}
            {staffColumns ? (
              <td data-label="SLA">
                <SlaBadges ticket={ticket} mostUrgentOnly />
              </td>
            ) : null}
            <td data-label="Updated">
              <RelativeTime value={ticket.updatedAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
