import { describe, expect, it } from 'vitest';
import { instantOfWallTime, localDaysOf } from './local-days.js';

const iso = (instant: number) => new Date(instant).toISOString();
const startOfLocalDay = (date: string, timeZone: string) => instantOfWallTime(Date.parse(`${date}T00:00:00Z`), timeZone);

describe('local days', () => {
  it('start at local midnight, whatever the offset that day', () => {
    expect(iso(startOfLocalDay('2026-03-29', 'Europe/Berlin'))).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(startOfLocalDay('2026-03-30', 'Europe/Berlin'))).toBe('2026-03-29T22:00:00.000Z');
    expect(iso(startOfLocalDay('2026-03-08', 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(startOfLocalDay('2026-03-08', 'UTC'))).toBe('2026-03-08T00:00:00.000Z');
  });

  it('start when the clock jumps past a midnight that a DST change skips', () => {
    // Santiago moves from 00:00 (-04) straight to 01:00 (-03) on 6 September 2026.
    expect(iso(startOfLocalDay('2026-09-06', 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
    expect(iso(startOfLocalDay('2026-09-07', 'America/Santiago'))).toBe('2026-09-07T03:00:00.000Z');
  });

  it('list every day a range touches, a 25-hour autumn day as one', () => {
    const days = localDaysOf(new Date('2026-10-24T12:00:00Z'), new Date('2026-10-26T12:00:00Z'), 'Europe/Berlin', 10);
    expect(days?.map((day) => [day.date, day.start.toISOString()])).toEqual([
      ['2026-10-24', '2026-10-23T22:00:00.000Z'],
      ['2026-10-25', '2026-10-24T22:00:00.000Z'],
      ['2026-10-26', '2026-10-25T23:00:00.000Z'],
    ]);
    expect(localDaysOf(new Date('2026-10-24T12:00:00Z'), new Date('2026-10-26T12:00:00Z'), 'Europe/Berlin', 2)).toBeUndefined();
    expect(localDaysOf(new Date('2026-10-24T12:00:00Z'), new Date('2026-10-24T12:00:00Z'), 'Europe/Berlin', 2)).toEqual([]);
  });
});
