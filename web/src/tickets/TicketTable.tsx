import type { Ticket } from '../api/models';
import { Link } from 'react-router';
import { SlaBadges } from '../queue/sla';
import { PriorityChip, StatusChip } from '../ui/chips';
import { RelativeTime } from '../ui/feedback';

interface Props {
  tickets: Ticket[];
  /** Staff see who asked and who handles it; customers know both already. */
  staffColumns: boolean;
  caption: string;
}

/** Tickets as a table on wide screens; each row stacks into a card at phone width (CSS). */
export function TicketTable({ tickets, staffColumns, caption }: Props) {
  return (
    <table className="ticket-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
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
            <td className="num">{ticket.number}</td>
            <td className="subject">
              <Link to={`/tickets/${ticket.id}`}>{ticket.subject}</Link>
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
