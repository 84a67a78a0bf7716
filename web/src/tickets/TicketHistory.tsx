import type { TicketEvent } from '../api/models';
import { PRIORITY_LABELS, STATUS_LABELS } from '../ui/chips';
import { RelativeTime } from '../ui/feedback';
import type { NameOf } from './names';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function labelOf(value: unknown): string {
  const raw = text(value);
  if (!raw) return '—';
  return STATUS_LABELS[raw as keyof typeof STATUS_LABELS] ?? PRIORITY_LABELS[raw as keyof typeof PRIORITY_LABELS] ?? raw;
}

const TARGETS: Record<string, string> = { first_response: 'first response', resolution: 'resolution' };

/** One line per event type of the ticket history; unknown types still show their name and fields. */
export function describeEvent(event: TicketEvent, nameOf: NameOf): string {
  const data = event.data;
  const fromTo = `${labelOf(data.from)} → ${labelOf(data.to)}`;
  const byRule = text(data.ruleId) ? ' (escalation rule)' : '';
  switch (event.type) {
    case 'ticket.created':
      return 'opened the ticket';
    case 'ticket.status_changed':
      return `changed the status: ${fromTo}${data.reason === 'customer_reply' ? ' (the customer replied)' : byRule}`;
    case 'ticket.priority_changed':
      return `changed the priority: ${fromTo}${byRule}`;
    case 'ticket.assignee_changed': {
      const to = text(data.to);
      return `${to ? `assigned it to ${nameOf(to)}` : 'removed the assignee'}${byRule}`;
    }
    case 'ticket.message':
      return data.internal === true ? 'added an internal note' : 'replied';
    case 'ticket.escalated':
      return `escalation rule “${text(data.ruleName) ?? 'unnamed'}” acted on it`;
    case 'ticket.sla_breached':
      return `missed its ${TARGETS[text(data.target) ?? ''] ?? 'SLA'} target`;
    default: {
      const details = Object.entries(data)
        .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
        .map(([key, value]) => `${key}: ${String(value)}`)
        .join(', ');
      return details ? `${event.type} (${details})` : event.type;
    }
  }
}

export function TicketHistory({ events, nameOf }: { events: TicketEvent[]; nameOf: NameOf }) {
  return (
    <details className="card history">
      <summary>History ({events.length})</summary>
      <ol>
        {events.map((event) => (
          <li key={event.id} className={event.internal ? 'internal' : undefined}>
            <span className="author">{event.actorId || event.actor ? nameOf(event.actorId, event.actor) : 'Helpline'}</span> {describeEvent(event, nameOf)}{' '}
            <RelativeTime value={event.createdAt} />
          </li>
        ))}
      </ol>
    </details>
  );
}
