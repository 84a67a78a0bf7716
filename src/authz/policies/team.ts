import { allow } from '../policy.js';

export const teamPolicy = {
  /** The teams and their members: the queue's team filter needs them, so whoever reads the queue may. */
  'team.read': allow<undefined>({ permission: ['teams.manage', 'tickets.read.all'] }),
  /** Teams, their members and settings, routing rules. */
  'team.manage': allow<undefined>({ permission: 'teams.manage' }),
  /** The portal form's topics are offered to whoever may open a ticket. */
  'team.listTopics': allow<undefined>({ permission: 'tickets.create' }),
};
