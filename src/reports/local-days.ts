import { zoneOffsetMs } from '../sla/business-time.js';

/**
 * Calendar days in a time zone, for reports a manager reads in their own zone. A wall-clock
 * time is written as the UTC instant with the same digits (`Date.UTC(y, m, d, h)`), so days
 * are added to it as plain 24 h steps and converted to a real instant only at the end.
 */

export const DAY_MS = 86_400_000;
const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;

/** The wall-clock time an instant shows in the zone. */
export const wallTimeOf = (instant: number, timeZone: string): number => instant + zoneOffsetMs(timeZone, instant);

/** The calendar date (YYYY-MM-DD) an instant falls on in the zone. */
export const localDateOf = (instant: number, timeZone: string): string =>
  new Date(wallTimeOf(instant, timeZone)).toISOString().slice(0, 10);

/**
 * The instant the zone's clock shows `wall`. Where a DST change skips that time (a zone
 * that moves from 00:00 straight to 01:00), the first instant after the skip.
 */
export function instantOfWallTime(wall: number, timeZone: string): number {
  const instant = wall - zoneOffsetMs(timeZone, wall - zoneOffsetMs(timeZone, wall));
  if (wallTimeOf(instant, timeZone) === wall) return instant;
  // UTC offsets lie between -12 h and +14 h, so the clock shows less than `wall` 15 h
  // before it (read as UTC) and at least `wall` 13 h after; the skip lies between.
  let before = wall - 15 * HOUR_MS;
  let after = wall + 13 * HOUR_MS;
  while (after - before > SECOND_MS) {
    const middle = Math.floor((before + after) / 2 / SECOND_MS) * SECOND_MS;
    if (wallTimeOf(middle, timeZone) >= wall) after = middle;
    else before = middle;
  }
  return after;
}

export interface LocalDay {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** Its local midnight. */
  start: Date;
}

/** Every calendar day of the zone that [from, to) touches, in order; undefined when that is more than `maxDays`. */
export function localDaysOf(from: Date, to: Date, timeZone: string, maxDays: number): LocalDay[] | undefined {
  if (to <= from) return [];
  const first = Date.parse(`${localDateOf(from.getTime(), timeZone)}T00:00:00Z`);
  const last = Date.parse(`${localDateOf(to.getTime() - 1, timeZone)}T00:00:00Z`);
  if ((last - first) / DAY_MS + 1 > maxDays) return undefined;
  const days: LocalDay[] = [];
  // The offset seldom changes from one day to the next: try yesterday's first (one lookup).
  let offset = zoneOffsetMs(timeZone, first);
  for (let wall = first; wall <= last; wall += DAY_MS) {
    const guess = wall - offset;
    const start = wallTimeOf(guess, timeZone) === wall ? guess : instantOfWallTime(wall, timeZone);
    offset = wall - start;
    days.push({ date: new Date(wall).toISOString().slice(0, 10), start: new Date(start) });
  }
  return days;
}
