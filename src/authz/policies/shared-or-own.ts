import type { DomainError } from '../../http/errors.js';
import { forbidden } from '../../http/errors.js';
import type { Permission } from '../permissions.js';
import type { Subject } from '../actor.js';
import { allow, allowOnFound, holds, missingPermission } from '../policy.js';
import { isStaff } from '../roles.js';

/** Whose a staff tool (a macro, a saved view) is: the desk's (null) or one person's. */
export interface Owned {
  ownerId: string | null;
}

/**
 * The rules of staff's own tools that may also be shared with the whole desk: a customer has
 * none and sees none; shared ones are seen by all staff and kept by holders of `manage`; a
 * personal one exists for its owner only (anyone else: not found).
 */
export function sharedOrOwnRules(what: string, manage: Permission, notFound: () => DomainError) {
  const sees = (subject: Subject, item: Owned): boolean => isStaff(subject) && (item.ownerId === null || item.ownerId === subject.id);
  const mayChange = (subject: Subject, item: Owned): boolean => item.ownerId === subject.id || holds(subject, manage);
  return {
    /** Lists what the owner given (the caller) may use: the shared ones and their own. */
    list: allow<Owned>({ when: (subject, item) => isStaff(subject) && item.ownerId === subject.id, otherwise: () => forbidden(`${what} are for staff`) }),
    create: allow<Owned>({ when: (subject, item) => isStaff(subject) && mayChange(subject, item), otherwise: () => missingPermission(manage) }),
    use: allowOnFound<Owned>({ sees, notFound }),
    change: allowOnFound<Owned>({ sees, notFound, when: mayChange, otherwise: () => missingPermission(manage) }),
  };
}
