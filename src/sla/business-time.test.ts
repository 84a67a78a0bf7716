import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  calendarProblem,
  type BusinessCalendar,
  type WorkingHours,
} from './business-time.js';

const weekdays = (start: string, end: string): WorkingHours[] => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));
const everyDay = (start: string, end: string): WorkingHours[] => [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start, end }));

const berlin: BusinessCalendar = {
  timezone: 'Europe/Berlin',
  days: weekdays('09:00', '17:00'),
  holidays: ['2024-12-25', '2024-12-26'],
};
const newYork: BusinessCalendar = { timezone: 'America/New_York', days: weekdays('09:00', '17:00'), holidays: [] };
const kolkata: BusinessCalendar = { timezone: 'Asia/Kolkata', days: weekdays('09:00', '17:00'), holidays: [] };
const berlinSundayNight: BusinessCalendar = { timezone: 'Europe/Berlin', days: [{ day: 0, start: '01:00', end: '04:00' }], holidays: [] };
const berlinAllDay: BusinessCalendar = { timezone: 'Europe/Berlin', days: everyDay('00:00', '24:00'), holidays: [] };
const santiagoMidnight: BusinessCalendar = { timezone: 'America/Santiago', days: everyDay('00:00', '02:00'), holidays: [] };

const at = (iso: string) => new Date(iso);

describe('addBusinessMinutes', () => {
  // Instants in UTC; the comments give the calendar's wall time.
  const cases: [string, BusinessCalendar | null, string, number, string][] = [
    ['no calendar counts every minute', null, '2024-03-09T22:00:00Z', 90, '2024-03-09T23:30:00Z'],
    ['within one working day (Mon 10:00 → 11:00)', berlin, '2024-03-04T09:00:00Z', 60, '2024-03-04T10:00:00Z'],
    ['overnight (Mon 16:30 → Tue 09:30)', berlin, '2024-03-04T15:30:00Z', 60, '2024-03-05T08:30:00Z'],
    ['before opening (Mon 07:00 → 09:30)', berlin, '2024-03-04T06:00:00Z', 30, '2024-03-04T08:30:00Z'],
    ['after closing (Mon 20:00 → Tue 10:00)', berlin, '2024-03-04T19:00:00Z', 60, '2024-03-05T09:00:00Z'],
    ['over a weekend (Fri 16:00 → Mon 10:00)', berlin, '2024-03-08T15:00:00Z', 120, '2024-03-11T09:00:00Z'],
    ['starting on a Saturday (Sat → Mon 09:45)', berlin, '2024-03-09T12:00:00Z', 45, '2024-03-11T08:45:00Z'],
    ['over two holidays (Tue 24 Dec 16:00 → Fri 27 Dec 10:00)', berlin, '2024-12-24T15:00:00Z', 120, '2024-12-27T09:00:00Z'],
    ['ending exactly at closing (Mon 16:00 → 17:00)', berlin, '2024-03-04T15:00:00Z', 60, '2024-03-04T16:00:00Z'],
    ['a full week of working time', berlin, '2024-03-04T08:00:00Z', 5 * 8 * 60, '2024-03-08T16:00:00Z'],
    ['over the spring DST weekend (NY Fri 16:00 EST → Mon 10:00 EDT)', newYork, '2024-03-08T21:00:00Z', 120, '2024-03-11T14:00:00Z'],
    ['over the autumn DST weekend (NY Fri 16:00 EDT → Mon 10:00 EST)', newYork, '2024-11-01T20:00:00Z', 120, '2024-11-04T15:00:00Z'],
    ['a half-hour zone (Kolkata Mon 13:30 → Tue 09:30)', kolkata, '2024-01-01T08:00:00Z', 240, '2024-01-02T04:00:00Z'],
    ['24 business hours on the 23-hour spring DST day are 24 real hours', berlinAllDay, '2024-03-30T23:00:00Z', 24 * 60, '2024-03-31T23:00:00Z'],
    ['the skipped wall hour is not worked (Sun 01:00–04:00 on the spring DST night)', berlinSundayNight, '2024-03-31T00:00:00Z', 150, '2024-04-06T23:30:00Z'],
    ['the repeated wall hour is worked twice (autumn DST night)', berlinSundayNight, '2024-10-26T23:00:00Z', 240, '2024-10-27T03:00:00Z'],
    ['a DST change at local midnight (Santiago, 00:00 becomes 01:00)', santiagoMidnight, '2024-09-08T04:00:00Z', 90, '2024-09-09T03:30:00Z'],
    ['zero minutes is the start itself, even outside hours', berlin, '2024-03-09T12:00:00Z', 0, '2024-03-09T12:00:00Z'],
  ];
  it.each(cases)('%s', (_name, calendar, start, minutes, expected) => {
    expect(addBusinessMinutes(calendar, at(start), minutes)?.toISOString()).toBe(at(expected).toISOString());
  });

  it('gives no due date when the calendar has almost no working time', () => {
    const rare: BusinessCalendar = { timezone: 'UTC', days: [{ day: 1, start: '09:00', end: '09:01' }], holidays: [] };
    expect(addBusinessMinutes(rare, at('2024-01-01T00:00:00Z'), 525_600)).toBeNull();
  });
});

describe('businessMinutesBetween', () => {
  const cases: [string, BusinessCalendar | null, string, string, number][] = [
    ['no calendar', null, '2024-03-04T09:00:00Z', '2024-03-04T10:30:00Z', 90],
    ['a working day', berlin, '2024-03-04T00:00:00Z', '2024-03-05T00:00:00Z', 480],
    ['a weekend', berlin, '2024-03-08T23:00:00Z', '2024-03-10T23:00:00Z', 0],
    ['a whole week', berlin, '2024-03-03T23:00:00Z', '2024-03-10T23:00:00Z', 2400],
    ['a week with two holidays', berlin, '2024-12-22T23:00:00Z', '2024-12-29T23:00:00Z', 1440],
    ['the 23-hour spring DST day', berlinAllDay, '2024-03-30T23:00:00Z', '2024-03-31T22:00:00Z', 23 * 60],
    ['the 25-hour autumn DST day', berlinAllDay, '2024-10-26T22:00:00Z', '2024-10-27T23:00:00Z', 25 * 60],
    ['Sun 01:00–04:00 on the spring DST night is two real hours', berlinSundayNight, '2024-03-30T12:00:00Z', '2024-03-31T12:00:00Z', 120],
    ['Sun 01:00–04:00 on the autumn DST night is four real hours', berlinSundayNight, '2024-10-26T12:00:00Z', '2024-10-27T12:00:00Z', 240],
    ['an empty interval', berlin, '2024-03-04T10:00:00Z', '2024-03-04T10:00:00Z', 0],
    ['a reversed interval', berlin, '2024-03-04T11:00:00Z', '2024-03-04T10:00:00Z', 0],
  ];
  it.each(cases)('%s', (_name, calendar, from, to, minutes) => {
    expect(businessMinutesBetween(calendar, at(from), at(to))).toBe(minutes);
  });
});

describe('calendarProblem', () => {
  const valid: BusinessCalendar = { timezone: 'Europe/Berlin', days: weekdays('09:00', '17:00'), holidays: ['2024-12-25'] };
  it.each<[string, Partial<BusinessCalendar>, string | undefined]>([
    ['a sound calendar', {}, undefined],
    ['an unknown zone', { timezone: 'Mars/Olympus_Mons' }, 'Unknown time zone'],
    ['no working day', { days: [] }, 'at least one working day'],
    ['a day listed twice', { days: [{ day: 1, start: '09:00', end: '12:00' }, { day: 1, start: '13:00', end: '17:00' }] }, 'twice'],
    ['a day out of range', { days: [{ day: 7, start: '09:00', end: '17:00' }] }, 'not 0'],
    ['an end before the start', { days: [{ day: 1, start: '17:00', end: '09:00' }] }, 'before it starts'],
    ['an impossible time', { days: [{ day: 1, start: '09:60', end: '17:00' }] }, 'not a time'],
    ['24:00 as a start', { days: [{ day: 1, start: '24:00', end: '24:00' }] }, 'not a time'],
    ['an impossible holiday', { holidays: ['2024-02-30'] }, 'not a date'],
  ])('%s', (_name, change, problem) => {
    const found = calendarProblem({ ...valid, ...change });
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

/**
 * The slow reference: walks real minutes one by one and asks Intl, independently of the
 * implementation, whether each one is business time.
 */
const referenceFormatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MINUTE = 60_000;

const QUARTER_HOUR = 15 * MINUTE;
/** The walk goes minute by minute: only the quarter hour it is in is kept. */
let lastQuarter: { timezone: string; at: number; parts: Record<string, string> } = { timezone: '', at: NaN, parts: {} };

/**
 * The wall clock Intl reads for an instant. Every zone's offset, and every change of it, falls
 * on a quarter hour, so the wall clock of a quarter hour's first minute gives the next
 * fourteen's by adding minutes: Intl is asked once per quarter hour, a fifteenth of the walk's
 * cost, and still decides every minute.
 */
function wallClock(timezone: string, instant: number): { date: string; weekday: number; minuteOfDay: number } {
  let format = referenceFormatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    referenceFormatters.set(timezone, format);
  }
  const quarter = Math.floor(instant / QUARTER_HOUR) * QUARTER_HOUR;
  if (lastQuarter.timezone !== timezone || lastQuarter.at !== quarter) {
    const parts = Object.fromEntries(format.formatToParts(new Date(quarter)).map((part) => [part.type, part.value]));
    lastQuarter = { timezone, at: quarter, parts };
  }
  const { parts } = lastQuarter;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS.indexOf(String(parts.weekday)),
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute) + (instant - quarter) / MINUTE,
  };
}

function isBusinessMinute(calendar: BusinessCalendar, instant: number): boolean {
  const { date, weekday, minuteOfDay } = wallClock(calendar.timezone, instant);
  if (calendar.holidays.includes(date)) return false;
  const hours = calendar.days.find((entry) => entry.day === weekday);
  if (!hours) return false;
  const [startH, startM] = hours.start.split(':').map(Number);
  const [endH, endM] = hours.end.split(':').map(Number);
  return minuteOfDay >= (startH ?? 0) * 60 + (startM ?? 0) && minuteOfDay < (endH ?? 0) * 60 + (endM ?? 0);
}

function referenceAdd(calendar: BusinessCalendar, start: number, minutes: number): number {
  if (minutes === 0) return start;
  let counted = 0;
  for (let instant = start; ; instant += MINUTE) {
    if (isBusinessMinute(calendar, instant) && ++counted === minutes) return instant + MINUTE;
  }
}

function referenceBetween(calendar: BusinessCalendar, from: number, to: number): number {
  let counted = 0;
  for (let instant = from; instant < to; instant += MINUTE) if (isBusinessMinute(calendar, instant)) counted++;
  return counted;
}

describe('business time against the minute-by-minute reference', () => {
  const zones = [
    'Europe/Berlin',
    'America/New_York',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'America/St_Johns',
    'America/Santiago',
    'Pacific/Chatham',
    'Asia/Kolkata',
    'UTC',
  ];
  // DST changes of 2024 in those zones (approximate is enough: starts land within days of them).
  const transitions = [
    '2024-03-31T01:00:00Z',
    '2024-10-27T01:00:00Z',
    '2024-03-10T07:00:00Z',
    '2024-11-03T06:00:00Z',
    '2024-04-06T16:00:00Z',
    '2024-10-05T16:00:00Z',
    '2024-04-06T15:00:00Z',
    '2024-03-10T05:30:00Z',
    '2024-04-07T03:00:00Z',
    '2024-09-08T04:00:00Z',
    '2024-04-06T14:00:00Z',
    '2024-09-28T14:00:00Z',
  ].map((iso) => Date.parse(iso));

  const DAY = 86_400_000;
  const minuteAligned = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
  const startArb = fc.oneof(
    fc.integer({ min: Date.parse('2023-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') }).map(minuteAligned),
    fc
      .tuple(fc.constantFrom(...transitions), fc.integer({ min: -3 * DAY, max: 3 * DAY }))
      .map(([transition, shift]) => minuteAligned(transition + shift)),
  );
  const clock = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  const hoursArb = fc
    .tuple(fc.integer({ min: 0, max: 1380 }), fc.integer({ min: 60, max: 1440 }))
    .map(([start, length]) => ({ start: clock(start), end: clock(Math.min(1440, start + length)) }));
  const calendarArb = (start: number) =>
    fc.record({
      timezone: fc.constantFrom(...zones),
      days: fc
        .uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 7 })
        .chain((days) => fc.tuple(...days.map((day) => hoursArb.map((hours) => ({ day, ...hours }))))),
      holidays: fc.uniqueArray(
        fc.integer({ min: -2, max: 10 }).map((offset) => new Date(start + offset * DAY).toISOString().slice(0, 10)),
        { maxLength: 3 },
      ),
    });
  const caseArb = startArb.chain((start) =>
    fc.record({ start: fc.constant(start), calendar: calendarArb(start), minutes: fc.integer({ min: 0, max: 600 }) }),
  );

  it('addBusinessMinutes lands where the n-th business minute ends', () => {
    fc.assert(
      fc.property(caseArb, ({ start, calendar, minutes }) => {
        const fast = addBusinessMinutes(calendar, new Date(start), minutes);
        expect(fast?.getTime()).toBe(referenceAdd(calendar, start, minutes));
      }),
      { numRuns: 100 },
    );
  });

  it('businessMinutesBetween counts the business minutes of the interval', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 4 * 1440 }), ({ start, calendar }, length) => {
        const end = start + length * MINUTE;
        expect(businessMinutesBetween(calendar, new Date(start), new Date(end))).toBe(referenceBetween(calendar, start, end));
      }),
      { numRuns: 100 },
    );
  });

  it('adding n business minutes spans exactly n business minutes', () => {
    fc.assert(
      fc.property(caseArb, ({ start, calendar, minutes }) => {
        const due = addBusinessMinutes(calendar, new Date(start), minutes);
        expect(due).not.toBeNull();
        if (due) expect(businessMinutesBetween(calendar, new Date(start), due)).toBe(minutes);
      }),
      { numRuns: 200 },
    );
  });
});
