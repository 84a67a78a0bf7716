import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database.js';
import type { SlaTarget } from '../tickets/ticket-events.js';
import { TICKET_PRIORITIES, type TicketPriority, type TicketStatus } from '../tickets/ticket-status.js';
import { ticketEvents, tickets } from '../tickets/tickets.schema.js';
import type { BusinessCalendar } from './business-time.js';
import type { DueDates, SlaTargets, StatusChange } from './sla-clock.js';
import { businessHours, slaBreaches, slaPolicies } from './sla.schema.js';

/** An instant as a SQL timestamptz parameter, the same on both drivers. */
export const instant = (date: Date) => sql`${date.toISOString()}::timestamptz`;

export interface SlaPolicy extends SlaTargets {
  priority: TicketPriority;
}

const policyColumns = {
  priority: slaPolicies.priority,
  firstResponseMinutes: slaPolicies.firstResponseMinutes,
  resolutionMinutes: slaPolicies.resolutionMinutes,
};

/** Every policy, lowest priority first. */
export async function listPolicies(db: Db): Promise<SlaPolicy[]> {
  const rows = await db.select(policyColumns).from(slaPolicies);
  return rows.sort((a, b) => TICKET_PRIORITIES.indexOf(a.priority) - TICKET_PRIORITIES.indexOf(b.priority));
}

export async function savePolicy(db: Db, policy: SlaPolicy, now: Date): Promise<SlaPolicy> {
  const values = { ...policy, updatedAt: now };
  const [row] = await db
    .insert(slaPolicies)
    .values(values)
    .onConflictDoUpdate({ target: slaPolicies.priority, set: values })
    .returning(policyColumns);
  if (!row) throw new Error('sla policy upsert returned nothing');
  return row;
}

export async function findCalendar(db: Db): Promise<BusinessCalendar | null> {
  const [row] = await db
    .select({ timezone: businessHours.timezone, days: businessHours.days, holidays: businessHours.holidays })
    .from(businessHours);
  return row ?? null;
}

export async function saveCalendar(db: Db, calendar: BusinessCalendar | null, now: Date): Promise<void> {
  if (!calendar) {
    await db.delete(businessHours);
    return;
  }
  const values = { id: true, timezone: calendar.timezone, days: calendar.days, holidays: calendar.holidays, updatedAt: now };
  await db.insert(businessHours).values(values).onConflictDoUpdate({ target: businessHours.id, set: values });
}

/** The ticket's status changes, oldest first: where its waits on the customer are read from. */
export async function statusHistory(db: Db, ticketId: string): Promise<StatusChange[]> {
  const rows = await db
    .select({ at: ticketEvents.createdAt, data: ticketEvents.data })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.type, 'ticket.status_changed')))
    .orderBy(asc(ticketEvents.id));
  return rows.map(({ at, data }) => ({ at, from: data.from as TicketStatus, to: data.to as TicketStatus }));
}

export async function setDueDates(tx: Db, ticketId: string, due: DueDates): Promise<void> {
  await tx.update(tickets).set(due).where(eq(tickets.id, ticketId));
}

export interface Breach {
  ticketId: string;
  target: SlaTarget;
  dueAt: Date;
}

/**
 * When a target of ticket `t` counts as missed at `now`: its clock stopped (a staff reply;
 * resolution or close) after the due time, or still runs past it. A ticket waiting on the
 * customer has its resolution clock held, so then only a due time that passed before the
 * wait began counts.
 */
function missed(now: SQL) {
  const waitBegan = sql`(select max(e.created_at) from ${ticketEvents} e
    where e.ticket_id = t.id and e.type = 'ticket.status_changed' and e.data->>'to' = 'waiting_on_customer')`;
  return {
    firstResponse: sql`(t.first_response_due_at < ${now}
      and coalesce(least(t.first_response_at, t.resolved_at, t.closed_at), ${now}) > t.first_response_due_at)`,
    resolution: sql`(t.resolution_due_at < ${now}
      and coalesce(least(t.resolved_at, t.closed_at), ${now}) > t.resolution_due_at
      and (t.status <> 'waiting_on_customer' or t.resolution_due_at < ${waitBegan}))`,
  };
}

/**
 * Open tickets with a missed target not yet recorded, locked for this transaction. The
 * check reads only running clocks past due, where `missed` comes down to "due before now":
 * an unanswered ticket's first response, and the resolution of a ticket not waiting on the
 * customer. Everything else is recorded by the change that revealed it (see
 * `registerSlaClock`): a late reply or resolution stops its clock late, and a wait holds
 * the resolution clock after the change that began it recorded a due time already past.
 * Their partial indexes drop a ticket once its breach is recorded (see `insertBreaches`),
 * so a run reads only new misses. Tickets another transaction is changing are skipped:
 * that change records its own breaches, and nobody waits on anybody.
 */
export async function lockOverdueTickets(tx: Db, at: Date, limit: number): Promise<string[]> {
  const now = instant(at);
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`select t.id from ${tickets} t
        where t.resolved_at is null and t.closed_at is null
          and ((t.first_response_at is null and not t.first_response_breached and t.first_response_due_at < ${now})
            or (t.status <> 'waiting_on_customer' and not t.resolution_breached and t.resolution_due_at < ${now}))
        order by t.id
        limit ${limit}
        for no key update skip locked`,
  );
  return rows.map((row) => row.id);
}

/**
 * Records the missed targets of these tickets, once each (the primary key decides), and
 * marks each missed target recorded on its ticket, also one recorded before (so a marker
 * missing from older data heals itself); returns only the rows this call inserted. The
 * caller holds the tickets' row locks.
 */
export async function insertBreaches(tx: Db, ticketIds: readonly string[], at: Date): Promise<Breach[]> {
  if (ticketIds.length === 0) return [];
  const now = instant(at);
  const is = missed(now);
  const ids = sql.join(
    ticketIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const rows = await queryRows<{ ticket_id: string; target: SlaTarget; due_at: string | Date }>(
    tx,
    sql`with missed as (
          select t.id as ticket_id, 'first_response' as target, t.first_response_due_at as due_at
          from ${tickets} t where t.id in (${ids}) and ${is.firstResponse}
          union all
          select t.id, 'resolution', t.resolution_due_at
          from ${tickets} t where t.id in (${ids}) and ${is.resolution}
        ), marked as (
          update ${tickets} t
          set first_response_breached = t.first_response_breached or m.first_response,
              resolution_breached = t.resolution_breached or m.resolution
          from (select ticket_id, bool_or(target = 'first_response') as first_response, bool_or(target = 'resolution') as resolution
                from missed group by ticket_id) m
          where t.id = m.ticket_id
        )
        insert into ${slaBreaches} (ticket_id, target, due_at, breached_at)
        select ticket_id, target, due_at, ${now} from missed
        order by ticket_id, target
        on conflict do nothing
        returning ticket_id, target, due_at`,
  );
  return rows.map((row) => ({ ticketId: row.ticket_id, target: row.target, dueAt: new Date(row.due_at) }));
}

/** The recorded breaches of some tickets (tests and diagnostics). */
export async function breachesOf(db: Db, ticketIds: readonly string[]): Promise<Breach[]> {
  if (ticketIds.length === 0) return [];
  return db
    .select({ ticketId: slaBreaches.ticketId, target: slaBreaches.target, dueAt: slaBreaches.dueAt })
    .from(slaBreaches)
    .where(inArray(slaBreaches.ticketId, [...ticketIds]));
}
