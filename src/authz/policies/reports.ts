import { allow } from '../policy.js';

export const reportsPolicy = {
  /** Every report, as JSON or CSV. */
  'reports.read': allow<undefined>({ permission: 'reports.read' }),
};
