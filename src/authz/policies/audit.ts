import { allow } from '../policy.js';

export const auditPolicy = {
  /** Reading the audit log of administrative actions. */
  'audit.read': allow<undefined>({ permission: 'audit.read' }),
};
