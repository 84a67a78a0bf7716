import { allow } from '../policy.js';
import { isStaff } from '../roles.js';

export const notificationPolicy = {
  /** Staff may hear of every kind; customers only of the kinds about their own tickets. */
  'notification.receive': allow<{ customers: boolean }>({ when: (subject, kind) => kind.customers || isStaff(subject) }),
};
