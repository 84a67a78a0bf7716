import type { TicketEvent } from '../api/types';
import { PRIORITY_LABELS, STATUS_LABELS } from '../ui/chips';
import { RelativeTime } from '../ui/feedback';
import type { NameOf } from './names';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function labelOf(value: unknown): string {
  const raw = text(value);
  if (!raw) return '—';
  return STATUS_LABELS[raw as keyof typeof STATUS_LABELS] ?? PRIORITY_LABELS[raw as keyof typeof PRIORITY_LABELS] ?? raw;
}

/** One line per event type; unknown types still show their name and the fields they carry. */
export function describeEvent(event: TicketEvent, nameOf: NameOf): string {
  const data = event.data ?? {};
  const fromTo = `${labelOf(data.from)} → ${labelOf(data.to)}`;
  const type = event.type.replace(/[.-]/g, '_');
  if (type.includes('created')) return 'opened the ticket';
  if (type.includes('status')) return `changed the status: ${fromTo}`;
  if (type.includes('priority')) return `changed the priority: ${fromTo}`;
  if (type.includes('assign')) {
    const to = text(data.to) ?? text(data.assigneeId);
    return to ? `assigned it to ${nameOf(to)}` : 'removed the assignee';
  }
  if (type.includes('note') || (type.includes('message') && data.internal === true)) return 'added an internal note';
  if (type.includes('message') || type.includes('repl')) return 'replied';
  if (type.includes('escalat')) return `escalated it${text(data.ruleName) ? ` (rule “${text(data.ruleName) ?? ''}”)` : ''}`;
  if (type.includes('breach')) return `missed an SLA target${text(data.target) ? ` (${text(data.target) ?? ''})` : ''}`;
  const details = Object.entries(data)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');
  return details ? `${event.type} (${details})` : event.type;
}

export function TicketHistory({ events, nameOf }: { events: TicketEvent[]; nameOf: NameOf }) {
  return (
    <details className="card history">
      <summary>History ({events.length})</summary>
      <ol>
        {events.map((event) => (
          <li key={String(event.id)} className={event.internal ? 'internal' : undefined}>
            <span className="author">{event.actorId || event.actor ? nameOf(event.actorId, event.actor) : 'Helpline'}</span> {describeEvent(event, nameOf)}{' '}
            <RelativeTime value={event.createdAt} />
          </li>
        ))}
      </ol>
    </details>
  );
}
