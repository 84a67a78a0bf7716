import type { Db } from '../db/database.js';

/** What a dispatcher hands its handlers: at least the event, discriminated by its `type`. */
export interface Envelope {
  event: { type: string };
}

/** The envelope of one type of event, its `event` narrowed to that type. */
export type EnvelopeOf<V extends Envelope, T extends V['event']['type']> = Omit<V, 'event'> & {
  event: Extract<V['event'], { type: T }>;
};

/**
 * Runs inside the transaction of the change the event records: whatever it writes commits
 * or rolls back with that change, and a throw rolls back the change itself.
 */
export type EventHandler<V> = (tx: Db, envelope: V) => Promise<void>;

/**
 * Hands each event to the handlers registered for its type, one after another in the order
 * they were registered, in the caller's transaction. The writer knows nothing of who
 * listens: features register themselves in the composition root (src/compose.ts).
 */
const hasType = <V extends Envelope, T extends V['event']['type']>(envelope: V, type: T): envelope is V & EnvelopeOf<V, T> =>
  envelope.event.type === type;

export class EventDispatcher<V extends Envelope> {
  private readonly handlers = new Map<string, EventHandler<V>[]>();

  on<T extends V['event']['type']>(type: T, handler: EventHandler<EnvelopeOf<V, T>>): void {
    const forType: EventHandler<V> = async (tx, envelope) => {
      if (hasType(envelope, type)) await handler(tx, envelope);
    };
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), forType]);
  }

  async dispatch(tx: Db, envelope: V): Promise<void> {
    for (const handler of this.handlers.get(envelope.event.type) ?? []) await handler(tx, envelope);
  }
}
