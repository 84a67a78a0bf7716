/** How a team's new tickets find an agent (src/assignment). */
export const ASSIGNMENT_MODES = ['off', 'round_robin', 'least_open'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];
