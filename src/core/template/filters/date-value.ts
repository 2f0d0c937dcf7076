/**
 * Dates as .NET's DateTime / DateTimeOffset hold them, and .NET-style parsing of the common textual forms
 * (ISO 8601, invariant M/d/yyyy, RFC 1123, "15 Jan 2024", "January 15, 2024", time only).
 * The "local" time zone is the host's, as for Octostache's DateTime.Now.
 */

/** A wall-clock time (read with getUTC* from `wall`), its 100 ns ticks inside the millisecond, and its kind. */
export interface DateValue {
  wall: number;
  ticks: number;
  /** unspecified/utc/local are DateTime kinds; offset is a DateTimeOffset with `offset` minutes. */
  kind: 'unspecified' | 'utc' | 'local' | 'offset';
  offset: number;
}

/** How to read a parsed offset: as DateTimeOffset, as DateTime (converted to local), or keeping what was written. */
export type ParseMode = 'offset' | 'datetime' | 'preserve';

const MINUTE = 60_000;

/** The host's UTC offset (minutes) at a local wall-clock time. */
export function localOffsetAt(wall: number): number {
  const w = new Date(wall);
  const local = new Date(2000, 0, 1);
  local.setFullYear(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate());
  local.setHours(w.getUTCHours(), w.getUTCMinutes(), w.getUTCSeconds(), w.getUTCMilliseconds());
  return -local.getTimezoneOffset();
}

/** The host's local wall-clock time of an instant. */
export function localWallOf(instant: number): number {
  return instant - new Date(instant).getTimezoneOffset() * MINUTE;
}

/** The UTC offset (minutes) the value is at; local and unspecified use the host's zone. */
export function offsetOf(d: DateValue): number {
  if (d.kind === 'utc') return 0;
  if (d.kind === 'offset') return d.offset;
  return localOffsetAt(d.wall);
}

/** The same instant in UTC (kind utc); .NET's ToUniversalTime / UtcDateTime. */
export function toUtc(d: DateValue): DateValue {
  return { wall: d.wall - offsetOf(d) * MINUTE, ticks: d.ticks, kind: 'utc', offset: 0 };
}

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?`;
const ZONE = String.raw`(?:\s*(Z|GMT|UTC|[+-]\d{1,2}(?::?\d{2})?))?`;
const DAY_NAME = String.raw`(?:(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)[a-z]*,?\s+)?`;
const MONTH_NAME = String.raw`(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?`;

// Each form names the capture index of year, month, day (a name for text months), then the time and zone follow.
const FORMS: { re: RegExp; y: number; m: number; d: number; named?: boolean }[] = [
  {
    re: new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:T|\s+)${TIME})?${ZONE}$`, 'i'),
    y: 1,
    m: 2,
    d: 3,
  },
  {
    re: new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:\s+${TIME})?${ZONE}$`, 'i'),
    y: 3,
    m: 1,
    d: 2,
  },
  {
    re: new RegExp(
      String.raw`^${DAY_NAME}(\d{1,2})[\s-]+${MONTH_NAME}[\s-]+(\d{4})(?:\s+${TIME})?${ZONE}$`,
      'i',
    ),
    y: 3,
    m: 2,
    d: 1,
    named: true,
  },
  {
    re: new RegExp(String.raw`^${DAY_NAME}${MONTH_NAME}\s+(\d{1,2}),?\s+(\d{4})(?:\s+${TIME})?${ZONE}$`, 'i'),
    y: 3,
    m: 1,
    d: 2,
    named: true,
  },
];
const TIME_ONLY = new RegExp(String.raw`^${TIME}${ZONE}$`, 'i');

function zoneMinutes(zone: string): number {
  if (/^(Z|GMT|UTC)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? '0'));
}

function build(
  y: number,
  mo: number,
  d: number,
  time: (string | undefined)[],
  mode: ParseMode,
): DateValue | undefined {
  let hour = Number(time[0] ?? '0');
  const minute = Number(time[1] ?? '0');
  const second = Number(time[2] ?? '0');
  const fraction = (time[3] ?? '').padEnd(7, '0').slice(0, 7);
  const meridiem = time[4]?.toUpperCase();
  if (meridiem !== undefined) {
    if (hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === 'P' ? 12 : 0);
  }
  if (mo < 1 || mo > 12 || d < 1 || hour > 23 || minute > 59 || second > 59 || y < 1) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCDate() !== d) return undefined; // 31 February and friends
  date.setUTCHours(hour, minute, second, Number(fraction.slice(0, 3)));
  const wall = date.getTime();
  const ticks = Number(fraction.slice(3));
  const zone = time[5];
  if (zone !== undefined) {
    if (zone.startsWith('+') || zone.startsWith('-')) {
      const offset = zoneMinutes(zone);
      if (Math.abs(offset) > 14 * 60) return undefined;
      if (mode === 'datetime')
        return { wall: localWallOf(wall - offset * MINUTE), ticks, kind: 'local', offset: 0 };
      return { wall, ticks, kind: 'offset', offset };
    }
    if (mode === 'datetime') return { wall: localWallOf(wall), ticks, kind: 'local', offset: 0 };
    return mode === 'offset'
      ? { wall, ticks, kind: 'offset', offset: 0 }
      : { wall, ticks, kind: 'utc', offset: 0 };
  }
  if (mode === 'offset') return { wall, ticks, kind: 'offset', offset: localOffsetAt(wall) };
  return { wall, ticks, kind: 'unspecified', offset: 0 };
}

function year(text: string): number {
  const n = Number(text);
  // .NET's invariant calendar reads two-digit years up to 49 as 20xx.
  return text.length === 2 ? (n < 50 ? 2000 + n : 1900 + n) : n;
}

/** Parses a date as .NET's DateTime(Offset).TryParse does for the common forms; undefined otherwise. */
export function parseDate(text: string, mode: ParseMode, now: Date): DateValue | undefined {
  const t = text.trim();
  for (const form of FORMS) {
    const m = form.re.exec(t);
    if (!m) continue;
    const monthText = m[form.m]!;
    const month = form.named
      ? MONTHS.findIndex((n) => n.slice(0, 3).toLowerCase() === monthText.slice(0, 3).toLowerCase()) + 1
      : Number(monthText);
    return build(year(m[form.y]!), month, Number(m[form.d]), m.slice(4), mode);
  }
  const m = TIME_ONLY.exec(t);
  if (!m) return undefined;
  // A time alone is today's (local) date, as in .NET.
  const today = new Date(localWallOf(now.getTime()));
  return build(today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate(), m.slice(1), mode);
}

/** Adds milliseconds (and ticks) to a date, keeping its kind and offset. */
export function addTime(d: DateValue, ms: number): DateValue | undefined {
  const whole = Math.floor(ms);
  let ticks = d.ticks + Math.round((ms - whole) * 10_000);
  let wall = d.wall + whole + Math.floor(ticks / 10_000);
  ticks = ((ticks % 10_000) + 10_000) % 10_000;
  // .NET's range: years 1 to 9999.
  const y = new Date(wall).getUTCFullYear();
  if (!Number.isFinite(wall) || y < 1 || y > 9999) return undefined;
  wall = Math.round(wall);
  return { ...d, wall, ticks };
}
