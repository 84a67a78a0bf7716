import { allow } from '../policy.js';

export const mailPolicy = {
  /** The failed-mail list: reading it, retrying a mail. */
  'mail.manage': allow<undefined>({ permission: 'mail.manage' }),
};
