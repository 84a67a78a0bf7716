import { allow } from '../policy.js';

export const inboundPolicy = {
  /** The mail channel: mailboxes (with their credentials) and mail that could not be placed (list, retry, discard). */
  'inbound.manage': allow<undefined>({ permission: 'mail.manage' }),
};
