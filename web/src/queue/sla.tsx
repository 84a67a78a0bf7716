import type { SlaState, Ticket } from '../api/models';
import { relative } from '../ui/feedback';
import { useNow } from '../ui/useNow';

type TargetKind = keyof Ticket['sla'];

export interface SlaTarget {
  kind: TargetKind;
  dueAt: string;
  state: SlaState;
}

const DUE_FIELD = { firstResponse: 'firstResponseDueAt', resolution: 'resolutionDueAt' } as const;
const LABELS = { firstResponse: 'First response', resolution: 'Resolution' } as const;
/** Most urgent first: what needs someone now, then what runs out soonest. */
const URGENCY: Record<SlaState, number> = { breached: 0, at_risk: 1, ok: 2, paused: 3, met: 4 };

/**
 * The targets to show, as the server judged them (it pauses the resolution clock while
 * the ticket waits on the customer, and knows the at-risk rule). A clock still running
 * when the page was loaded turns breached here once its due time passes, without a reload.
 */
export function slaTargets(ticket: Ticket, now: number): SlaTarget[] {
  return (['firstResponse', 'resolution'] as const).flatMap((kind) => {
    const judged = ticket.sla[kind];
    const dueAt = ticket[DUE_FIELD[kind]];
    if (!judged || judged === 'met' || !dueAt) return [];
    const running = judged === 'ok' || judged === 'at_risk';
    const state = running && new Date(dueAt).getTime() <= now ? 'breached' : judged;
    return [{ kind, dueAt, state }];
  });
}

function chipText(target: SlaTarget, now: number): string {
  const label = LABELS[target.kind];
  if (target.state === 'paused') return `${label} paused: waiting on the customer`;
  const when = relative(new Date(target.dueAt), now);
  return target.state === 'breached' ? `${label} breached ${when}` : `${label} due ${when}`;
}

function SlaChip({ target, now }: { target: SlaTarget; now: number }) {
  return (
    <span className={`chip sla-${target.state}`} title={new Date(target.dueAt).toLocaleString()}>
      {chipText(target, now)}
    </span>
  );
}

/** All targets (ticket page) or only the most urgent one (queue rows). */
export function SlaBadges({ ticket, mostUrgentOnly = false }: { ticket: Ticket; mostUrgentOnly?: boolean }) {
  const now = useNow();
  const targets = slaTargets(ticket, now).sort((a, b) => URGENCY[a.state] - URGENCY[b.state] || a.dueAt.localeCompare(b.dueAt));
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
