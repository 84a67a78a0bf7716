import type { AssignmentMode } from '../teams/team-settings.js';

/** A team member who may take a ticket now (available, below capacity), with their open tickets. */
export interface Candidate {
  userId: string;
  open: number;
}

/**
 * Candidates in turn after `lastAssigneeId`, wrapping around. Ids are canonical lowercase
 * UUIDs, whose string order is the database's uuid order, so someone who left the list
 * (away, full) does not reset the turn: it goes on with the next id after theirs.
 */
function inTurnAfter(candidates: readonly Candidate[], lastAssigneeId: string | null): Candidate[] {
  const sorted = [...candidates].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  if (lastAssigneeId === null) return sorted;
  const next = sorted.findIndex((candidate) => candidate.userId > lastAssigneeId);
  return next < 0 ? sorted : [...sorted.slice(next), ...sorted.slice(0, next)];
}

/**
 * Whom a new ticket of the team goes to: round robin takes the next in turn; least open
 * the one with the fewest open tickets, ties broken by turn. Undefined: nobody can take it,
 * and it waits in the team's queue.
 */
export function chooseAgent(mode: AssignmentMode, candidates: readonly Candidate[], lastAssigneeId: string | null): string | undefined {
  if (mode === 'off') return undefined;
  const turn = inTurnAfter(candidates, lastAssigneeId);
  if (mode === 'round_robin') return turn[0]?.userId;
  const fewest = Math.min(...turn.map((candidate) => candidate.open));
  return turn.find((candidate) => candidate.open === fewest)?.userId;
}
