import { macroNotFound } from '../../macros/macro-errors.js';
import { sharedOrOwnRules } from './shared-or-own.js';

/** Macros: shared ones are the desk's wording, kept by holders of `macros.manage`. Applying one also checks each of its changes as if made by hand. */
const rules = sharedOrOwnRules('Macros', 'macros.manage', macroNotFound);

export const macroPolicy = {
  'macro.list': rules.list,
  'macro.create': rules.create,
  'macro.use': rules.use,
  'macro.change': rules.change,
};
