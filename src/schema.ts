/** Every table of the database, each declared beside its feature: what src/schema.test.ts holds to the migrations. */
export * from './users/users.schema.js';
export * from './auth/auth.schema.js';
export * from './audit/audit.schema.js';
export * from './mail/mail.schema.js';
export * from './tickets/tickets.schema.js';
export * from './notifications/notifications.schema.js';
export * from './sla/sla.schema.js';
export * from './escalation/escalation.schema.js';
export * from './attachments/attachments.schema.js';
export * from './rate-limits/rate-limits.schema.js';
export * from './macros/macros.schema.js';
export * from './views/views.schema.js';
export * from './teams/teams.schema.js';
export * from './assignment/assignment.schema.js';
export * from './satisfaction/satisfaction.schema.js';
export * from './mailboxes/mailboxes.schema.js';
export * from './inbound/inbound.schema.js';
