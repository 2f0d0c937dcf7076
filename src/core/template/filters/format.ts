/** Format: one option (a number if the value parses as one, else a date), or a type and a format. */
import { formatDate } from './date-format.js';
import { parseDate, type ParseMode } from './date-value.js';
import { formatNumber, parseDecimal, parseDouble, parseInteger, type NumValue } from './numbers.js';
import type { FilterDefinition } from './types.js';
import { withValue } from './util.js';

const NUMBER_TYPES: Record<string, (text: string) => NumValue | undefined> = {
  int: (t) => parseInteger(t, 'int32'),
  int32: (t) => parseInteger(t, 'int32'),
  int64: (t) => parseInteger(t, 'int64'),
  long: (t) => parseInteger(t, 'int64'),
  double: parseDouble,
  float: parseDouble,
  single: parseDouble,
  decimal: parseDecimal,
};
const DATE_TYPES: Record<string, ParseMode> = {
  date: 'datetime',
  datetime: 'datetime',
  datetimeoffset: 'offset',
};

const INTEGER_ONLY = /^[DdXxBb]\d{0,9}$/;

/** A decimal that is a whole number, as Int64, so integer-only formats (D, X, B) work without naming a type. */
function asInteger(value: NumValue): NumValue | undefined {
  if (value.kind !== 'decimal' || /[1-9]/.test(value.frac)) return undefined;
  return parseInteger(`${value.negative ? '-' : ''}${value.int}`, 'int64');
}

export const FORMAT_FILTERS: Record<string, FilterDefinition> = {
  format: withValue((value, options, context) => {
    if (options.length === 1) {
      const format = options[0]!;
      const number = parseDecimal(value);
      if (number) {
        const integer = INTEGER_ONLY.test(format) ? asInteger(number) : undefined;
        return formatNumber(integer ?? number, format);
      }
      const date = parseDate(value, 'offset', context.now());
      return date && formatDate(date, format);
    }
    if (options.length !== 2) return undefined;
    const type = options[0]!.toLowerCase();
    const format = options[1]!;
    const parseNumber = NUMBER_TYPES[type];
    if (parseNumber) {
      const number = parseNumber(value);
      return number && formatNumber(number, format);
    }
    const mode = DATE_TYPES[type];
    const date = mode && parseDate(value, mode, context.now());
    return date && formatDate(date, format);
  }),
};
