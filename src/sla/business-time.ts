/**
 * Business-time arithmetic: pure functions over instants and one calendar.
 *
 * A real minute is business time when its wall-clock time in the calendar's zone falls
 * inside that weekday's working hours and its local date is not a holiday. Everything
 * follows from that one rule, including DST: on a spring-forward night the skipped wall
 * hour simply never happens, on a fall-back night a repeated wall hour inside working
 * hours counts twice (it really is worked twice). No calendar means every minute counts.
 */

export interface WorkingHours {
  /** 0 = Sunday … 6 = Saturday, like Date#getDay. */
  day: number;
  /** "HH:MM", 24-hour wall time in the calendar's zone. */
  start: string;
  /** "HH:MM", after start; "24:00" runs to midnight. */
  end: string;
}

export interface BusinessCalendar {
  /** IANA zone name, e.g. "Europe/Berlin". */
  timezone: string;
  days: WorkingHours[];
  /** Local dates "YYYY-MM-DD" without working time. */
  holidays: string[];
}

export const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How far ahead a due date is looked for; a calendar with almost no working time gives none. */
const HORIZON_DAYS = 3660;

const TIME_PATTERN = /^(\d{2}):(\d{2})$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after local midnight of "HH:MM" (00:00 … 24:00), or undefined when malformed. */
export function parseClock(text: string): number | undefined {
  const match = TIME_PATTERN.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return undefined;
  return hours * 60 + minutes;
}

/** True for a real calendar date written "YYYY-MM-DD". */
export function isCalendarDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** The canonical IANA name of a zone ("europe/berlin" → "Europe/Berlin"), or undefined if unknown. */
export function canonicalTimeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Why a calendar cannot be used, or undefined when it is sound. */
export function calendarProblem(calendar: BusinessCalendar): string | undefined {
  if (!canonicalTimeZone(calendar.timezone)) return `Unknown time zone "${calendar.timezone}"`;
  if (calendar.days.length === 0) return 'A calendar needs at least one working day';
  const seen = new Set<number>();
  for (const { day, start, end } of calendar.days) {
    if (!Number.isInteger(day) || day < 0 || day > 6) return `Day ${day} is not 0 (Sunday) … 6 (Saturday)`;
    if (seen.has(day)) return `Day ${day} is listed twice`;
    seen.add(day);
    const from = parseClock(start);
    const to = parseClock(end);
    if (from === undefined || from === 24 * 60) return `"${start}" is not a time from 00:00 to 23:59`;
    if (to === undefined) return `"${end}" is not a time from 00:01 to 24:00`;
    if (to <= from) return `Day ${day} ends (${end}) before it starts (${start})`;
  }
  const badHoliday = calendar.holidays.find((date) => !isCalendarDate(date));
  return badHoliday === undefined ? undefined : `"${badHoliday}" is not a date YYYY-MM-DD`;
}

interface CompiledCalendar {
  timeZone: string;
  /** Working window per weekday, in ms after local midnight. */
  windows: (readonly [number, number] | undefined)[];
  holidays: ReadonlySet<string>;
}

function compile(calendar: BusinessCalendar): CompiledCalendar {
  const windows: (readonly [number, number] | undefined)[] = new Array<undefined>(7).fill(undefined);
  for (const { day, start, end } of calendar.days) {
    windows[day] = [(parseClock(start) ?? 0) * MINUTE_MS, (parseClock(end) ?? 0) * MINUTE_MS];
  }
  return { timeZone: calendar.timezone, windows, holidays: new Set(calendar.holidays) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const floorMod = (value: number, divisor: number): number => ((value % divisor) + divisor) % divisor;

/** The zone's UTC offset at an instant, in ms: wall-clock time (read as UTC) = instant + offset. */
export function zoneOffsetMs(timeZone: string, instant: number): number {
  const parts = wallClockFormatter(timeZone).formatToParts(new Date(instant));
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return wall - (instant - floorMod(instant, 1000));
}

/** The first instant in (low, high) where the offset is no longer `offset`; one is known to exist. */
function offsetChange(timeZone: string, low: number, high: number, offset: number): number {
  let lo = low; // offset holds here
  let hi = high - 1; // offset differs here
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOffsetMs(timeZone, mid) === offset) lo = mid;
    else hi = mid;
  }
  return hi;
}

function workingWindow(calendar: CompiledCalendar, localDay: number): readonly [number, number] | undefined {
  // Local day 0 is 1970-01-01, a Thursday.
  const window = calendar.windows[floorMod(localDay + 4, 7)];
  if (!window) return undefined;
  const date = new Date(localDay * DAY_MS).toISOString().slice(0, 10);
  return calendar.holidays.has(date) ? undefined : window;
}

/**
 * Business time from `from` onwards, as real-time intervals [start, end) in order. The
 * timeline is cut at local midnights and at offset changes; inside each piece wall time
 * is the instant plus one fixed offset, so the working window maps back exactly.
 */
function* businessIntervals(calendar: CompiledCalendar, from: number): Generator<readonly [number, number]> {
  let t = from;
  for (let piece = 0; piece < HORIZON_DAYS * 2; piece++) {
    const offset = zoneOffsetMs(calendar.timeZone, t);
    const localDay = Math.floor((t + offset) / DAY_MS);
    let end = (localDay + 1) * DAY_MS - offset;
    if (zoneOffsetMs(calendar.timeZone, end - 1) !== offset) end = offsetChange(calendar.timeZone, t, end, offset);
    const window = workingWindow(calendar, localDay);
    if (window) {
      const start = Math.max(t, localDay * DAY_MS + window[0] - offset);
      const stop = Math.min(end, localDay * DAY_MS + window[1] - offset);
      if (start < stop) yield [start, stop];
    }
    t = end;
  }
}

/**
 * The instant at which `ms` of business time have passed since `start`; null when the
 * calendar has too little working time to get there within ten years.
 */
export function addBusinessMs(calendar: BusinessCalendar | null, start: Date, ms: number): Date | null {
  if (!calendar || ms <= 0) return new Date(start.getTime() + Math.max(ms, 0));
  let remaining = ms;
  for (const [from, to] of businessIntervals(compile(calendar), start.getTime())) {
    if (to - from >= remaining) return new Date(from + remaining);
    remaining -= to - from;
  }
  return null;
}

/** Business time in [from, to), in ms; 0 when `to` is not after `from`. */
export function businessMsBetween(calendar: BusinessCalendar | null, from: Date, to: Date): number {
  const end = to.getTime();
  if (end <= from.getTime()) return 0;
  if (!calendar) return end - from.getTime();
  let total = 0;
  for (const [start, stop] of businessIntervals(compile(calendar), from.getTime())) {
    if (start >= end) break;
    total += Math.min(stop, end) - start;
    if (stop >= end) break;
  }
  return total;
}

/** Whether `at` falls in working time (always, without a calendar). */
export const isBusinessTime = (calendar: BusinessCalendar | null, at: Date): boolean =>
  businessMsBetween(calendar, at, new Date(at.getTime() + 1)) > 0;

export const addBusinessMinutes = (calendar: BusinessCalendar | null, start: Date, minutes: number): Date | null =>
  addBusinessMs(calendar, start, minutes * MINUTE_MS);

export const businessMinutesBetween = (calendar: BusinessCalendar | null, from: Date, to: Date): number =>
  businessMsBetween(calendar, from, to) / MINUTE_MS;
