import { forbidden } from '../../http/errors.js';
import { macroNotFound } from '../../macros/macro-errors.js';
import type { Subject } from '../actor.js';
import { allow, allowOnFound, holds, missingPermission } from '../policy.js';
import { isStaff } from '../roles.js';

/** Whose a macro is: the desk's (null) or one agent's. */
export interface MacroOwner {
  ownerId: string | null;
}

/**
 * Macros are staff's tools: a customer has none and sees none. Shared macros are seen by
 * all staff; a personal one by its owner only (anyone else: not found).
 */
const canSeeMacro = (subject: Subject, macro: MacroOwner): boolean => isStaff(subject) && (macro.ownerId === null || macro.ownerId === subject.id);

/** Shared macros are the desk's wording: kept by holders of `macros.manage`; one's own by oneself. */
const mayChange = (subject: Subject, macro: MacroOwner): boolean => macro.ownerId === subject.id || holds(subject, 'macros.manage');

const staffOnly = () => forbidden('Macros are for staff');

/** Lists the macros one may use: the shared ones and those owned by the given owner (the caller). */
const list = allow<MacroOwner>({ when: (subject, macro) => isStaff(subject) && macro.ownerId === subject.id, otherwise: staffOnly });
const create = allow<MacroOwner>({
  when: (subject, macro) => isStaff(subject) && mayChange(subject, macro),
  otherwise: () => missingPermission('macros.manage'),
});
/** Applying also checks each of its changes as if made by hand (src/macros/macros.service.ts). */
const use = allowOnFound<MacroOwner>({ sees: canSeeMacro, notFound: macroNotFound });
const change = allowOnFound<MacroOwner>({
  sees: canSeeMacro,
  notFound: macroNotFound,
  when: mayChange,
  otherwise: () => missingPermission('macros.manage'),
});

export const macroPolicy = {
  'macro.list': list,
  'macro.create': create,
  'macro.use': use,
  'macro.change': change,
};
