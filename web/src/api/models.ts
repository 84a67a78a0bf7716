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
export type BodyOf<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
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
export type TagCount = Item<Ok<'/api/tags', 'get'>>;
export type Macro = Item<Ok<'/api/macros', 'get'>>;
export type MacroInput = BodyOf<'/api/macros', 'post'>;
export type AppliedMacro = Ok<'/api/tickets/{id}/macros/{macroId}/apply', 'post'>;
export type SavedView = Item<Ok<'/api/views', 'get'>>;
export type ViewInput = BodyOf<'/api/views', 'post'>;
export type BulkChanges = BodyOf<'/api/tickets/bulk', 'post'>['changes'];
export type BulkResult = Ok<'/api/tickets/bulk', 'post'>['results'][number];

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

export type Team = Item<Ok<'/api/teams', 'get'>>;
export type RoutingRule = Item<Ok<'/api/routing-rules', 'get'>>;
export type Presence = Ok<'/api/presence/me', 'get'>;
export type Availability = Presence['availability'];
export type SatisfactionRating = Ok<'/api/tickets/{id}/satisfaction', 'get'>;
export type SatisfactionByLink = Ok<'/api/satisfaction', 'get'>;
export type Rating = NonNullable<SatisfactionRating['rating']>;
export type SatisfactionReport = Ok<'/api/reports/satisfaction', 'get'>;

export type Mailbox = Item<Ok<'/api/mailboxes', 'get'>>;
export type MailboxInput = BodyOf<'/api/mailboxes', 'post'>;
export type FailedIntake = Item<Ok<'/api/inbound/failed', 'get'>>;
