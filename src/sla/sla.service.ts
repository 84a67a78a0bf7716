import { recordAudit } from '../audit/audit.repository.js';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { AppContext } from '../context.js';
import { dropCachedSettings } from '../db/cached-settings.js';
import { invalid } from '../http/errors.js';
import type { TicketPriority } from '../tickets/ticket-status.js';
import { calendarProblem, canonicalTimeZone, type BusinessCalendar } from './business-time.js';
import type { SlaTargets } from './sla-clock.js';
import { recordSlaBreaches } from './sla-tracking.js';
import { findCalendar, listPolicies, saveCalendar, savePolicy, type SlaPolicy } from './sla.repository.js';

/** SLA policies and the business calendar (managers), and the scheduled breach check. */

export async function listSlaPolicies(ctx: AppContext, actor: Actor): Promise<SlaPolicy[]> {
  authorize(actor, 'escalation.manage');
  return listPolicies(ctx.database.db);
}

/** Applies to tickets opened (or re-prioritised) from now on; running clocks keep their dates. */
export async function updateSlaPolicy(
  ctx: AppContext,
  actor: Actor,
  priority: TicketPriority,
  targets: SlaTargets,
): Promise<SlaPolicy> {
  authorize(actor, 'escalation.manage');
  const now = ctx.now();
  const saved = await ctx.database.db.transaction(async (tx) => {
    const policy = await savePolicy(tx, { priority, ...targets }, now);
    await recordAudit(tx, { actorId: actor.id, action: 'sla_policy.updated', targetType: 'sla_policy', targetId: priority, details: { ...targets } }, now);
    return policy;
  });
  dropCachedSettings(ctx.database);
  return saved;
}

export async function getBusinessHours(ctx: AppContext, actor: Actor): Promise<BusinessCalendar | null> {
  authorize(actor, 'escalation.manage');
  return findCalendar(ctx.database.db);
}

/** The calendar as stored: canonical zone name, days in order, holidays sorted and unique. */
function normalized(calendar: BusinessCalendar): BusinessCalendar {
  const problem = calendarProblem(calendar);
  if (problem) throw invalid('invalid_business_hours', problem);
  return {
    timezone: canonicalTimeZone(calendar.timezone) ?? calendar.timezone,
    days: [...calendar.days].sort((a, b) => a.day - b.day).map(({ day, start, end }) => ({ day, start, end })),
    holidays: [...new Set(calendar.holidays)].sort(),
  };
}

/** Sets or (with null) clears the calendar; like a policy change it applies to due dates computed from now on. */
export async function setBusinessHours(
  ctx: AppContext,
  actor: Actor,
  calendar: BusinessCalendar | null | undefined,
): Promise<BusinessCalendar | null> {
  authorize(actor, 'escalation.manage');
  // A request without any body must not read as "clear the calendar": only an explicit null does.
  if (calendar === undefined) throw invalid('invalid_input', 'Send the calendar, or null to clear it');
  const next = calendar && normalized(calendar);
  const now = ctx.now();
  await ctx.database.db.transaction(async (tx) => {
    await saveCalendar(tx, next, now);
    await recordAudit(tx, { actorId: actor.id, action: 'business_hours.updated', targetType: 'business_hours', targetId: 'calendar', details: { calendar: next } }, now);
  });
  dropCachedSettings(ctx.database);
  return next;
}

/** The scheduled SLA check: a `ticket.sla_breached` event for every target newly missed. */
export const checkSlaBreaches = (ctx: AppContext, now: Date): Promise<number> => recordSlaBreaches(ctx.database.db, ctx.ticketEvents, now);
