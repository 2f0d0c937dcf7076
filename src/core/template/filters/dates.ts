/** NowDate / NowDateUtc (optional format, default "O") and AddHours / AddDays on a date value. */
import { formatDate } from './date-format.js';
import { addTime, localWallOf, parseDate, type DateValue } from './date-value.js';
import { parseDouble } from './number-value.js';
import type { FilterDefinition } from './types.js';
import { withValue } from './util.js';

export { formatDate } from './date-format.js';
export { parseDate, type DateValue } from './date-value.js';

function fromInstant(instant: Date, utc: boolean): DateValue {
  const ms = instant.getTime();
  // Octostache: DateTime.Now with an unspecified kind (no offset in "O"), or DateTime.UtcNow ("Z").
  return utc
    ? { wall: ms, ticks: 0, kind: 'utc', offset: 0 }
    : { wall: localWallOf(ms), ticks: 0, kind: 'unspecified', offset: 0 };
}

function now(utc: boolean): FilterDefinition {
  return {
    acceptsMissing: true,
    // As in Octostache, NowDate starts a chain (#{ | NowDate}): applied to a value it fails.
    apply: (value, options, context) =>
      value !== undefined || options.length > 1
        ? undefined
        : formatDate(fromInstant(context.now(), utc), options[0] ?? 'O'),
  };
}

function add(unitMs: number): FilterDefinition {
  return withValue((value, options, context) => {
    if (options.length !== 1) return undefined;
    const amount = parseDouble(options[0]!);
    const date = parseDate(value, 'preserve', context.now());
    if (!amount || amount.kind !== 'double' || !Number.isFinite(amount.value) || !date) return undefined;
    const result = addTime(date, amount.value * unitMs);
    return result && formatDate(result, 'O');
  });
}

export const DATE_FILTERS: Record<string, FilterDefinition> = {
  nowdate: now(false),
  nowdateutc: now(true),
  addhours: add(3_600_000),
  adddays: add(86_400_000),
};
