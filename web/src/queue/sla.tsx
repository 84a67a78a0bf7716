import type { Ticket } from '../api/types';
import { relative } from '../ui/feedback';
import { useNow } from '../ui/useNow';

export type SlaState = 'ok' | 'at_risk' | 'breached';

export interface SlaTarget {
  kind: 'first_response' | 'resolution';
  dueAt: string;
  state: SlaState;
}

/** A target is at risk in its last hour. */
const AT_RISK_MS = 60 * 60_000;

function stateOf(dueAt: string, now: number): SlaState {
  const left = new Date(dueAt).getTime() - now;
  if (left <= 0) return 'breached';
  return left <= AT_RISK_MS ? 'at_risk' : 'ok';
}

/** The SLA targets still running on a ticket, from the due times the server computed. */
export function openTargets(ticket: Ticket, now: number): SlaTarget[] {
  if (ticket.status === 'resolved' || ticket.status === 'closed') return [];
  const targets: SlaTarget[] = [];
  if (!ticket.firstResponseAt && ticket.firstResponseDueAt) {
    targets.push({ kind: 'first_response', dueAt: ticket.firstResponseDueAt, state: stateOf(ticket.firstResponseDueAt, now) });
  }
  if (!ticket.resolvedAt && ticket.resolutionDueAt) {
    targets.push({ kind: 'resolution', dueAt: ticket.resolutionDueAt, state: stateOf(ticket.resolutionDueAt, now) });
  }
  return targets;
}

const LABELS = { first_response: 'First response', resolution: 'Resolution' } as const;

function SlaChip({ target, now }: { target: SlaTarget; now: number }) {
  const when = relative(new Date(target.dueAt), now);
  const text = target.state === 'breached' ? `${LABELS[target.kind]} breached ${when}` : `${LABELS[target.kind]} due ${when}`;
  return (
    <span className={`chip sla-${target.state}`} title={new Date(target.dueAt).toLocaleString()}>
      {text}
    </span>
  );
}

/** All running targets (ticket page) or only the most urgent one (queue rows). */
export function SlaBadges({ ticket, mostUrgentOnly = false }: { ticket: Ticket; mostUrgentOnly?: boolean }) {
  const now = useNow();
  const targets = openTargets(ticket, now).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const shown = mostUrgentOnly ? targets.slice(0, 1) : targets;
  if (!shown.length) return null;
  return (
    <span className="sla-badges">
      {shown.map((target) => (
        <SlaChip key={target.kind} target={target} now={now} />
      ))}
    </span>
  );
}
