import { viewNotFound } from '../../views/view-errors.js';
import { sharedOrOwnRules } from './shared-or-own.js';

/** Saved views: shared ones are the desk's common queues, kept by holders of `views.manage`. */
const rules = sharedOrOwnRules('Views', 'views.manage', viewNotFound);

export const viewPolicy = {
  'view.list': rules.list,
  'view.create': rules.create,
  'view.change': rules.change,
};
