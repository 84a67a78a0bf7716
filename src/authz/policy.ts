import { forbidden, type DomainError } from '../http/errors.js';
import type { Subject } from './actor.js';
import type { Permission } from './permissions.js';

/** Whether the subject's role holds the permission right now (permissions are read fresh per request). */
export const holds = (subject: Pick<Subject, 'permissions'>, permission: Permission): boolean => subject.permissions.has(permission);

export const missingPermission = (permission: Permission): DomainError => forbidden(`Missing permission ${permission}`);

/**
 * One action on one kind of resource, written as data: the permission it needs and the
 * conditions on the resource. A rule is checked in this order and the first failure answers:
 *
 * 1. `sees`: a resource the subject may not see, or none at all, is `notFound` (404, never
 *    403, so ids cannot be probed);
 * 2. `permission` (or any one of several), unless `alsoIf` holds: 403 "Missing permission …"
 *    naming the first;
 * 3. `when`: else `otherwise` (e.g. 409 for a closed ticket).
 *
 * A rule with neither a permission nor `alsoIf`/`when` allows whoever passes `sees`.
 */
export interface Rule<R> {
  sees?: (subject: Subject, resource: R) => boolean;
  notFound?: () => DomainError;
  permission?: Permission | readonly [Permission, ...Permission[]];
  alsoIf?: (subject: Subject, resource: R) => boolean;
  when?: (subject: Subject, resource: R) => boolean;
  otherwise?: () => DomainError;
}

/** A rule on a resource looked up by id: one not found is answered like one the subject may not see. */
export type LookupRule<R> = Rule<R> & { notFound: () => DomainError };

/** Declares a rule; `R` is the resource it is decided on (`undefined` for actions on no resource). */
export const allow = <R>(rule: Rule<R>): Rule<R> => rule;

/** Declares a rule on a resource looked up by id, which may not exist. */
export const allowOnFound = <R>(rule: LookupRule<R>): LookupRule<R> => rule;

/**
 * What refuses the action, as a way to build the error: an ability list asks this of every
 * rule for every ticket on a page, and an error's stack trace costs more than the check.
 */
type Refuse = () => DomainError;

function permissionRefusal(subject: Subject, required: Rule<unknown>['permission']): Refuse | undefined {
  if (required === undefined) return undefined;
  if (typeof required === 'string') return holds(subject, required) ? undefined : () => missingPermission(required);
  return required.some((permission) => holds(subject, permission)) ? undefined : () => missingPermission(required[0]);
}

function decide<R>(subject: Subject, rule: Rule<R>, resource: R | undefined): Refuse | undefined {
  if (resource === undefined) {
    if (rule.notFound) return rule.notFound;
    // A rule that looks at its resource cannot be decided without one: that is a bug, not a refusal.
    if (rule.sees || rule.alsoIf || rule.when) throw new Error('This rule is decided on a resource and none was given');
    return permissionRefusal(subject, rule.permission);
  }
  if (rule.sees && !rule.sees(subject, resource)) return rule.notFound ?? forbidden;
  const missing = permissionRefusal(subject, rule.permission);
  if (missing && !(rule.alsoIf?.(subject, resource) ?? false)) return missing;
  if (rule.when && !rule.when(subject, resource)) return rule.otherwise ?? forbidden;
  return undefined;
}

/** Why the subject may not take the action on the resource; undefined when it may. */
export const refusal = <R>(subject: Subject, rule: Rule<R>, resource: R | undefined): DomainError | undefined =>
  decide(subject, rule, resource)?.();

export const allowed = <R>(subject: Subject, rule: Rule<R>, resource: R | undefined): boolean =>
  decide(subject, rule, resource) === undefined;

/** Throws the rule's refusal, if any. Policies use it to compose their own rules; everyone else calls `authorize`. */
export function enforce<R>(subject: Subject, rule: Rule<R>, resource: R | undefined): void {
  const refused = refusal(subject, rule, resource);
  if (refused) throw refused;
}
