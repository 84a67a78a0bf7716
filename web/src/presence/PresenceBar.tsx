import type { Present } from './usePresence';

/** Collision warning: who else is on this ticket, and whether they are writing a reply. */
export function PresenceBar({ others }: { others: Present[] }) {
  if (others.length === 0) return null;
  return (
    <p className="presence-bar" role="status" aria-label="Also on this ticket">
      {others.map((person) => (
        <span key={person.userId} className={person.typing ? 'presence typing' : 'presence'} data-user={person.userId}>
          {person.typing ? `${person.name} is typing a reply…` : `${person.name} is viewing`}
        </span>
      ))}
    </p>
  );
}
