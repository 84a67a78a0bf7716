export const AVAILABILITIES = ['available', 'away'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

/** Why automatic assignment passes someone over: they switched to away, or the desk's business hours are over. */
export const AWAY_REASONS = ['switched_away', 'outside_business_hours'] as const;
export type AwayReason = (typeof AWAY_REASONS)[number];

/**
 * Whether automatic assignment may give someone a ticket now: an agent who is available
 * goes away at the end of the business hours (src/sla's calendar) and is back at their start.
 */
export function effectiveAvailability(availability: Availability, duringBusinessHours: boolean): { availability: Availability; awayReason: AwayReason | null } {
  if (availability === 'away') return { availability: 'away', awayReason: 'switched_away' };
  return duringBusinessHours ? { availability: 'available', awayReason: null } : { availability: 'away', awayReason: 'outside_business_hours' };
}
