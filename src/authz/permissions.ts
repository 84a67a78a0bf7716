export const ROLES = ['customer', 'agent', 'manager'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'tickets.create',
  'tickets.read.all',
  'tickets.reply',
  'tickets.note',
  'tickets.assign',
  'tickets.reassign',
  'tickets.status',
  'tickets.priority',
  'tickets.team',
  'teams.manage',
  'escalation.manage',
  'reports.read',
  'users.manage',
  'roles.manage',
  'audit.read',
  'mail.manage',
  'tickets.tag',
  'macros.manage',
  'views.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const isPermission = (value: string): value is Permission => (PERMISSIONS as readonly string[]).includes(value);
