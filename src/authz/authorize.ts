import type { Subject } from './actor.js';
import { attachmentPolicy } from './policies/attachment.js';
import { auditPolicy } from './policies/audit.js';
import { escalationPolicy } from './policies/escalation.js';
import { macroPolicy } from './policies/macro.js';
import { inboundPolicy } from './policies/inbound.js';
import { mailPolicy } from './policies/mail.js';
import { notificationPolicy } from './policies/notification.js';
import { presencePolicy } from './policies/presence.js';
import { satisfactionPolicy } from './policies/satisfaction.js';
import { reportsPolicy } from './policies/reports.js';
import { rolePolicy } from './policies/role.js';
import { teamPolicy } from './policies/team.js';
import { ticketPolicy } from './policies/ticket.js';
import { userPolicy } from './policies/user.js';
import { viewPolicy } from './policies/view.js';
import { allowed, enforce, type LookupRule, type Rule } from './policy.js';

type Policies = typeof ticketPolicy &
  typeof userPolicy &
  typeof rolePolicy &
  typeof auditPolicy &
  typeof mailPolicy &
  typeof escalationPolicy &
  typeof reportsPolicy &
  typeof notificationPolicy &
  typeof attachmentPolicy &
  typeof macroPolicy &
  typeof viewPolicy &
  typeof teamPolicy &
  typeof presencePolicy &
  typeof satisfactionPolicy &
  typeof inboundPolicy;

/** Every action of every policy, named `<resource>.<verb>`, e.g. `ticket.reply`. */
export type Action = keyof Policies;
export type ResourceOf<A extends Action> = Policies[A] extends Rule<infer R> ? R : never;
/** Actions on no particular resource, e.g. `reports.read`. */
export type PlainAction = { [A in Action]: undefined extends ResourceOf<A> ? A : never }[Action];
export type ResourceAction = Exclude<Action, PlainAction>;
/** Actions on a resource looked up by id, which may be missing (answered 404). */
export type LookupAction = { [A in Action]: Policies[A] extends LookupRule<ResourceOf<A>> ? A : never }[Action];

const RULES: { [A in Action]: Rule<ResourceOf<A>> } = {
  ...ticketPolicy,
  ...userPolicy,
  ...rolePolicy,
  ...auditPolicy,
  ...mailPolicy,
  ...escalationPolicy,
  ...reportsPolicy,
  ...notificationPolicy,
  ...attachmentPolicy,
  ...macroPolicy,
  ...viewPolicy,
  ...teamPolicy,
  ...presencePolicy,
  ...satisfactionPolicy,
  ...inboundPolicy,
};

/** Whether the subject may take the action (on the resource), by the rule its policy declares. */
export function can(subject: Subject, action: PlainAction): boolean;
export function can<A extends ResourceAction>(subject: Subject, action: A, resource: ResourceOf<A>): boolean;
export function can<A extends Action>(subject: Subject, action: A, resource?: ResourceOf<A>): boolean {
  return allowed(subject, RULES[action], resource);
}

/**
 * Throws the typed refusal of the action's rule: 404 for a resource that is missing or
 * not visible, 403 "Missing permission …", or the rule's own conflict. On return the
 * resource is known to exist, so one call both denies and narrows:
 *
 *     const ticket = await findTicket(db, id, visibleTickets(actor)); // TicketRow | undefined
 *     authorize(actor, 'ticket.reply', ticket);                        // TicketRow from here on
 */
export function authorize(subject: Subject, action: PlainAction): void;
export function authorize<A extends LookupAction>(subject: Subject, action: A, resource: ResourceOf<A> | undefined): asserts resource is ResourceOf<A>;
export function authorize<A extends ResourceAction>(subject: Subject, action: A, resource: ResourceOf<A>): void;
export function authorize<A extends Action>(subject: Subject, action: A, resource?: ResourceOf<A>): void {
  enforce(subject, RULES[action], resource);
}
