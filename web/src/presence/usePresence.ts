import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { useLiveEvents, useLiveStatus } from '../notifications/LiveProvider';

/** Repeated well within the server's 30 s for viewing, so a viewer never blinks out. */
const VIEWING_EVERY_MS = 15_000;
/** At most one typing notice per burst of keys this long (the server holds one for 6 s). */
const TYPING_EVERY_MS = 3_000;

export interface Present {
  userId: string;
  name: string;
  typing: boolean;
}

interface Seen {
  name: string;
  viewingUntil: number;
  typingUntil: number;
}

type State = 'viewing' | 'typing' | 'left';

const announce = (ticketId: string, state: State) =>
  // Best effort: presence is a courtesy, a lost notice expires on its own. `keepalive` lets
  // the last one out through a page being left.
  api.POST('/api/tickets/{id}/presence', { params: { path: { id: ticketId } }, body: { state }, keepalive: true }).catch(() => undefined);

const timeOf = (value: unknown): number => (typeof value === 'string' ? Date.parse(value) : 0);

/**
 * Who else is on the ticket (from the stream's `presence` events), and `typing()` to call as
 * the caller types. While mounted, the caller is announced as viewing; leaving says so.
 */
export function usePresence(ticketId: string, enabled: boolean): { others: Present[]; typing: () => void } {
  const [seen, setSeen] = useState<ReadonlyMap<string, Seen>>(new Map());
  const [now, setNow] = useState(() => Date.now());
  const lastTyping = useRef(0);
  const seenRef = useRef(seen);
  seenRef.current = seen;
  // Announced once the stream is live (and again after each reconnect), so the answers of
  // those already here (below) are not missed.
  const live = useLiveStatus() === 'live';

  useEffect(() => {
    if (!enabled || !live) return;
    void announce(ticketId, 'viewing');
    const repeat = window.setInterval(() => void announce(ticketId, 'viewing'), VIEWING_EVERY_MS);
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    // Leaving the app entirely (a closed tab, a reload) unmounts nothing: say so on the way out.
    const leave = () => void announce(ticketId, 'left');
    window.addEventListener('pagehide', leave);
    return () => {
      window.clearInterval(repeat);
      window.clearInterval(tick);
      window.removeEventListener('pagehide', leave);
      setSeen(new Map());
      leave();
    };
  }, [ticketId, enabled, live]);

  useLiveEvents((event) => {
    if (event.type !== 'presence' || event.ticketId !== ticketId) return;
    const { userId, name, state, expiresAt } = event.data;
    if (typeof userId !== 'string' || typeof name !== 'string') return;
    // A newcomer learns who is already here from their answer, not at their next repeat.
    if (enabled && state !== 'left' && !seenRef.current.has(userId)) void announce(ticketId, 'viewing');
    setSeen((current) => {
      const next = new Map(current);
      if (state === 'left') {
        next.delete(userId);
        return next;
      }
      const before = next.get(userId) ?? { name, viewingUntil: 0, typingUntil: 0 };
      const until = timeOf(expiresAt);
      // Typing is viewing too.
      next.set(userId, {
        name,
        viewingUntil: Math.max(before.viewingUntil, until),
        typingUntil: state === 'typing' ? until : before.typingUntil,
      });
      return next;
    });
    setNow(Date.now());
  });

  const typing = useCallback(() => {
    if (!enabled || Date.now() - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = Date.now();
    void announce(ticketId, 'typing');
  }, [ticketId, enabled]);

  const others = [...seen.entries()]
    .filter(([, entry]) => entry.viewingUntil > now)
    .map(([userId, entry]) => ({ userId, name: entry.name, typing: entry.typingUntil > now }));
  return { others, typing };
}
