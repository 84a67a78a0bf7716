import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from './business-time.js';
import { dueDates, pausesOf, type Pause } from './sla-clock.js';

const at = (iso: string) => new Date(iso);
const berlin: BusinessCalendar = {
  timezone: 'Europe/Berlin',
  days: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: [],
};

describe('pausesOf', () => {
  it('pairs each wait on the customer with its end, and keeps a wait still running open', () => {
    expect(
      pausesOf([
        { at: at('2024-03-04T10:00:00Z'), from: 'open', to: 'waiting_on_customer' },
        { at: at('2024-03-04T11:00:00Z'), from: 'waiting_on_customer', to: 'open' },
        { at: at('2024-03-04T12:00:00Z'), from: 'open', to: 'in_progress' },
        { at: at('2024-03-04T13:00:00Z'), from: 'in_progress', to: 'waiting_on_customer' },
      ]),
    ).toEqual([
      { from: at('2024-03-04T10:00:00Z'), to: at('2024-03-04T11:00:00Z') },
      { from: at('2024-03-04T13:00:00Z'), to: null },
    ]);
  });
});

describe('dueDates', () => {
  const targets = { firstResponseMinutes: 60, resolutionMinutes: 240 };
  const created = at('2024-03-04T10:00:00Z');
  const cases: [string, BusinessCalendar | null, Pause[], string, string][] = [
    ['no waits', null, [], '2024-03-04T11:00:00Z', '2024-03-04T14:00:00Z'],
    ['a wait of 90 minutes pushes resolution by 90', null, [{ from: at('2024-03-04T11:00:00Z'), to: at('2024-03-04T12:30:00Z') }], '2024-03-04T11:00:00Z', '2024-03-04T15:30:00Z'],
    ['two waits add up', null, [
      { from: at('2024-03-04T11:00:00Z'), to: at('2024-03-04T11:30:00Z') },
      { from: at('2024-03-04T13:00:00Z'), to: at('2024-03-04T14:00:00Z') },
    ], '2024-03-04T11:00:00Z', '2024-03-04T15:30:00Z'],
    ['a wait begun after the target was missed changes nothing', null, [{ from: at('2024-03-04T15:00:00Z'), to: at('2024-03-04T16:00:00Z') }], '2024-03-04T11:00:00Z', '2024-03-04T14:00:00Z'],
    ['a wait still running holds the date', null, [{ from: at('2024-03-04T11:00:00Z'), to: null }], '2024-03-04T11:00:00Z', '2024-03-04T14:00:00Z'],
    // Mon 11:00 Berlin + 240 business minutes = Mon 15:00; a wait from Mon 16:30 to Tue 09:15 covers
    // 45 business minutes, but began after the due time: nothing moves.
    ['business hours: a wait after the due time', berlin, [{ from: at('2024-03-04T15:30:00Z'), to: at('2024-03-05T08:15:00Z') }], '2024-03-04T11:00:00Z', '2024-03-04T14:00:00Z'],
    // A wait Mon 13:00–Tue 10:00 Berlin: 120 business minutes were left (13:00–15:00), so Tue 10:00 + 120 = Tue 12:00.
    ['business hours: a wait over the night counts business minutes only', berlin, [{ from: at('2024-03-04T12:00:00Z'), to: at('2024-03-05T09:00:00Z') }], '2024-03-04T11:00:00Z', '2024-03-05T11:00:00Z'],
  ];
  it.each(cases)('%s', (_name, calendar, pauses, firstResponse, resolution) => {
    expect(dueDates(calendar, targets, created, pauses)).toEqual({
      firstResponseDueAt: at(firstResponse),
      resolutionDueAt: at(resolution),
    });
  });
});
