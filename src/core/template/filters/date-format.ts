/** .NET date and time format strings (invariant culture): standard one-letter formats and custom patterns. */
import { DAYS, MONTHS, offsetOf, toUtc, type DateValue } from './date-value.js';

// The invariant culture's patterns behind the standard one-letter formats.
const STANDARD: Record<string, string> = {
  d: 'MM/dd/yyyy',
  D: 'dddd, dd MMMM yyyy',
  f: 'dddd, dd MMMM yyyy HH:mm',
  F: 'dddd, dd MMMM yyyy HH:mm:ss',
  g: 'MM/dd/yyyy HH:mm',
  G: 'MM/dd/yyyy HH:mm:ss',
  m: 'MMMM dd',
  M: 'MMMM dd',
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'HH:mm',
  T: 'HH:mm:ss',
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  U: 'dddd, dd MMMM yyyy HH:mm:ss',
  y: 'yyyy MMMM',
  Y: 'yyyy MMMM',
};

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function offsetText(minutes: number, width: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hours = Math.floor(abs / 60);
  if (width === 1) return `${sign}${hours}`;
  if (width === 2) return `${sign}${pad(hours, 2)}`;
  return `${sign}${pad(hours, 2)}:${pad(abs % 60, 2)}`;
}

/** Formats with a custom pattern; undefined where .NET throws (more than seven f's). */
function custom(d: DateValue, pattern: string): string | undefined {
  const w = new Date(d.wall);
  const fraction = pad(w.getUTCMilliseconds() * 10_000 + d.ticks, 7);
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    let n = 1;
    while (pattern[i + n] === ch && 'dfFghHKmMstyz'.includes(ch)) n++;
    switch (ch) {
      case 'd':
        out +=
          n === 1
            ? w.getUTCDate()
            : n === 2
              ? pad(w.getUTCDate(), 2)
              : DAYS[w.getUTCDay()]!.slice(0, n === 3 ? 3 : undefined);
        break;
      case 'M':
        out +=
          n === 1
            ? w.getUTCMonth() + 1
            : n === 2
              ? pad(w.getUTCMonth() + 1, 2)
              : MONTHS[w.getUTCMonth()]!.slice(0, n === 3 ? 3 : undefined);
        break;
      case 'y': {
        const y = w.getUTCFullYear();
        out += n === 1 ? y % 100 : n === 2 ? pad(y % 100, 2) : pad(y, n);
        break;
      }
      case 'h':
        out += n === 1 ? w.getUTCHours() % 12 || 12 : pad(w.getUTCHours() % 12 || 12, 2);
        break;
      case 'H':
        out += n === 1 ? w.getUTCHours() : pad(w.getUTCHours(), 2);
        break;
      case 'm':
        out += n === 1 ? w.getUTCMinutes() : pad(w.getUTCMinutes(), 2);
        break;
      case 's':
        out += n === 1 ? w.getUTCSeconds() : pad(w.getUTCSeconds(), 2);
        break;
      case 'f':
      case 'F': {
        if (n > 7) return undefined;
        let digits = fraction.slice(0, n);
        if (ch === 'F') {
          digits = digits.replace(/0+$/, '');
          // An all-zero F drops the separator before it too.
          if (digits === '' && out.endsWith('.')) out = out.slice(0, -1);
        }
        out += digits;
        break;
      }
      case 't': {
        const designator = w.getUTCHours() < 12 ? 'AM' : 'PM';
        out += n === 1 ? designator[0] : designator;
        break;
      }
      case 'g':
        out += 'A.D.';
        break;
      case 'z':
        out += offsetText(offsetOf(d), Math.min(n, 3));
        break;
      case 'K':
        for (let k = 0; k < n; k++)
          out += d.kind === 'utc' ? 'Z' : d.kind === 'unspecified' ? '' : offsetText(offsetOf(d), 3);
        break;
      case '"':
      case "'": {
        const end = pattern.indexOf(ch, i + 1);
        if (end < 0) return undefined;
        out += pattern.slice(i + 1, end);
        i = end;
        continue;
      }
      case '\\':
        if (i + 1 >= pattern.length) return undefined;
        out += pattern[i + 1];
        i++;
        continue;
      case '%':
        // %x makes a single custom specifier; a lone or doubled % is an error in .NET.
        if (i + 1 >= pattern.length || pattern[i + 1] === '%') return undefined;
        continue;
      default:
        out += ch;
    }
    i += n - 1;
  }
  return out;
}

/** Formats a date with a .NET format string (standard letter or custom pattern); undefined where .NET throws. */
export function formatDate(d: DateValue, format: string): string | undefined {
  if (format === '') return formatDate(d, 'G');
  if (format.length > 1) return custom(d, format);
  const pattern = STANDARD[format];
  if (pattern === undefined) return undefined;
  if (format === 'U') return d.kind === 'offset' ? undefined : custom(toUtc(d), pattern);
  // DateTimeOffset's r/R/u show the UTC time; a DateTime is taken as already being UTC.
  if ('rRu'.includes(format) && d.kind === 'offset') return custom(toUtc(d), pattern);
  return custom(d, pattern);
}
