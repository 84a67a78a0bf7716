import { allow } from '../policy.js';

export const escalationPolicy = {
  /** Escalation rules, SLA policies and business hours. */
  'escalation.manage': allow<undefined>({ permission: 'escalation.manage' }),
};
