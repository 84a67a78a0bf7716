import { Type, type Static } from '@sinclair/typebox';
import type { SlaState } from './sla-clock.js';

const SlaStateSchema = Type.Union(
  [Type.Literal('ok'), Type.Literal('at_risk'), Type.Literal('breached'), Type.Literal('met'), Type.Literal('paused')],
  { description: 'null: no target (no policy, or the ticket was finished before its first-response target without a reply)' },
);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// A state added to the domain but not to the schema fails to compile.
export const slaSchemaMatchesDomain: Same<Static<typeof SlaStateSchema>, SlaState> = true;

/** How a ticket stands against its targets; `paused` while it waits on the customer. */
export const SlaSchema = Type.Object(
  { firstResponse: Type.Union([SlaStateSchema, Type.Null()]), resolution: Type.Union([SlaStateSchema, Type.Null()]) },
  { additionalProperties: false },
);
