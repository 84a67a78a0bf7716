import { describe, expect, it } from 'vitest';
import { chooseAgent, type Candidate } from './choose-agent.js';

const A = '10000000-0000-4000-8000-000000000000';
const B = '20000000-0000-4000-8000-000000000000';
const C = '30000000-0000-4000-8000-000000000000';
const team = (open: Record<string, number>): Candidate[] => Object.entries(open).map(([userId, count]) => ({ userId, open: count }));

describe('choosing an agent', () => {
  it('takes turns after the last one, wrapping around, whatever order the candidates come in', () => {
    const all = team({ [C]: 0, [A]: 0, [B]: 0 });
    expect(chooseAgent('round_robin', all, null)).toBe(A);
    expect(chooseAgent('round_robin', all, A)).toBe(B);
    expect(chooseAgent('round_robin', all, C)).toBe(A);
    // B went away: after B comes C, not A again.
    expect(chooseAgent('round_robin', team({ [A]: 0, [C]: 0 }), B)).toBe(C);
  });

  it('gives least open to the fewest open tickets, ties by turn', () => {
    expect(chooseAgent('least_open', team({ [A]: 3, [B]: 1, [C]: 2 }), null)).toBe(B);
    expect(chooseAgent('least_open', team({ [A]: 1, [B]: 1, [C]: 2 }), A)).toBe(B);
    expect(chooseAgent('least_open', team({ [A]: 1, [B]: 1, [C]: 2 }), B)).toBe(A);
  });

  it('chooses nobody when off or when nobody can take it', () => {
    expect(chooseAgent('off', team({ [A]: 0 }), null)).toBeUndefined();
    expect(chooseAgent('round_robin', [], A)).toBeUndefined();
    expect(chooseAgent('least_open', [], null)).toBeUndefined();
  });
});
