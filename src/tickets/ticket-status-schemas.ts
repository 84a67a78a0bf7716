import { Type, type Static } from '@sinclair/typebox';
import type { TicketPriority, TicketStatus } from './ticket-status.js';

/**
 * A ticket's status and priority as request and response schemas, in a file of their own:
 * the escalation rules' stored shape uses them too, and reaches them without the
 * presenter's imports (the repositories, and through them the database's schema).
 */

// Written out as literal tuples: the Fastify type provider infers a union only from a tuple.
export const TicketStatusSchema = Type.Union([
  Type.Literal('open'),
  Type.Literal('in_progress'),
  Type.Literal('waiting_on_customer'),
  Type.Literal('escalated'),
  Type.Literal('resolved'),
  Type.Literal('closed'),
]);
export const TicketPrioritySchema = Type.Union([
  Type.Literal('low'),
  Type.Literal('normal'),
  Type.Literal('high'),
  Type.Literal('urgent'),
]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** A status or priority added to the domain lists but not to these schemas fails to compile. */
export type SchemasMatchDomain = [
  Assert<Same<Static<typeof TicketStatusSchema>, TicketStatus>>,
  Assert<Same<Static<typeof TicketPrioritySchema>, TicketPriority>>,
];
