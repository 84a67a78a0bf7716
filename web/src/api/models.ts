import type { paths } from './schema';

/**
 * Names for the shapes the app uses, all read off the generated schema (schema.d.ts, made
 * from the server's OpenAPI document by `npm run api:types`): nothing here is written by hand.
 */

type Json<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;
type Ok<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  responses: infer Responses;
}
  ? Json<Responses[200 & keyof Responses]> | Json<Responses[201 & keyof Responses]>
  : never;
type BodyOf<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  requestBody?: infer Body;
}
  ? Json<NonNullable<Body>>
  : never;
export type QueryOf<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  parameters: { query?: infer Query };
}
  ? NonNullable<Query>
  : never;
type Item<List> = List extends { items: (infer Entry)[] } ? Entry : never;

export type AuthResponse = Ok<'/api/auth/login', 'post'>;
export type User = Ok<'/api/users/{id}', 'get'>;
export type Me = Ok<'/api/auth/me', 'get'>;
export type Role = User['role'];
export type Permission = Me['permissions'][number];
export type NewUser = BodyOf<'/api/users', 'post'>;
export type ListedUser = Item<Ok<'/api/users', 'get'>>;
export type AssignableUser = Item<Ok<'/api/users/assignable', 'get'>>;
export type RolePermissions = Ok<'/api/roles', 'get'>[number];

export type Ticket = Ok<'/api/tickets/{id}', 'get'>;
export type TicketStatus = Ticket['status'];
export type Priority = Ticket['priority'];
export type SlaState = NonNullable<Ticket['sla']['firstResponse']>;
export type TicketList = Ok<'/api/tickets', 'get'>;
export type TicketFilter = Omit<QueryOf<'/api/tickets', 'get'>, 'cursor' | 'limit'>;
export type TicketChange = BodyOf<'/api/tickets/{id}', 'patch'>;
export type NewTicket = BodyOf<'/api/tickets', 'post'>;
export type TicketMessage = Item<Ok<'/api/tickets/{id}/messages', 'get'>>;
export type TicketEvent = Item<Ok<'/api/tickets/{id}/events', 'get'>>;
export type Attachment = Ok<'/api/attachments', 'post'>;

export type EscalationRule = Item<Ok<'/api/escalation-rules', 'get'>>;
export type RuleInput = BodyOf<'/api/escalation-rules', 'post'>;
export type NotifyTarget = NonNullable<EscalationRule['actions']['notify']>[number];
export type SlaPolicy = Ok<'/api/sla-policies', 'get'>[number];
export type BusinessHours = NonNullable<Ok<'/api/business-hours', 'get'>>;

export type ReportRange = QueryOf<'/api/reports/summary', 'get'>;

export type AppNotification = Item<Ok<'/api/notifications', 'get'>>;
export type Preference = Item<Ok<'/api/notification-preferences', 'get'>>;
export type AuditEntry = Item<Ok<'/api/audit-log', 'get'>>;
export type FailedMail = Item<Ok<'/api/mail/failed', 'get'>>;
export type Mailbox = Item<Ok<'/api/mailboxes', 'get'>>;
export type MailboxInput = BodyOf<'/api/mailboxes', 'post'>;
export type FailedIntake = Item<Ok<'/api/inbound/failed', 'get'>>;
