/** .NET numeric format strings (invariant culture): standard C D E F G N P R X B with precision, else custom. */
import { formatCustomNumber } from './number-custom.js';
import {
  fixedParts,
  group,
  roundDigits,
  shortestDigits,
  toDigits,
  type Digits,
  type NumValue,
} from './number-value.js';

export { parseDecimal, parseDouble, parseInteger, type NumValue } from './number-value.js';

const STANDARD = /^([A-Za-z])(\d{0,9})$/;
// Far beyond any real use; keeps a typo like F999999999 from allocating gigabytes.
const MAX_PRECISION = 1000;

function sign(d: Digits): string {
  return d.negative && d.digits !== '' ? '-' : '';
}

function fixed(d: Digits, decimals: number, grouped: boolean): string {
  const [int, frac] = fixedParts(roundDigits(d, d.scale + decimals), decimals);
  return (grouped ? group(int) : int) + (decimals > 0 ? `.${frac}` : '');
}

function exponent(e: number, minDigits: number): string {
  return (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(minDigits, '0');
}

function scientific(d: Digits, decimals: number, letter: string): string {
  const r = roundDigits(d, decimals + 1);
  const mantissa = (r.digits || '0').padEnd(decimals + 1, '0');
  const e = r.digits === '' ? 0 : r.scale - 1;
  return `${sign(r)}${mantissa[0]}${decimals > 0 ? `.${mantissa.slice(1)}` : ''}${letter}${exponent(e, 3)}`;
}

/** .NET's "G": fixed unless the exponent is ≥ the precision or < -4; exponent with at least two digits. */
function general(d: Digits, maxDigits: number, letter: string): string {
  const r = roundDigits(d, maxDigits);
  if (r.digits === '') return '0';
  if (r.scale > maxDigits || r.scale < -3) {
    const rest = r.digits.slice(1);
    return `${sign(r)}${r.digits[0]}${rest ? `.${rest}` : ''}${letter}${exponent(r.scale - 1, 2)}`;
  }
  const [int, frac] = fixedParts(r, Math.max(r.digits.length - r.scale, 0));
  return `${sign(r)}${int}${frac ? `.${frac}` : ''}`;
}

function decimalGeneral(value: Extract<NumValue, { kind: 'decimal' }>): string {
  // decimal.ToString() keeps the scale it was written with: "1.50" stays "1.50".
  const zero = /^0*$/.test(value.int + value.frac);
  return `${value.negative && !zero ? '-' : ''}${value.int}${value.frac ? `.${value.frac}` : ''}`;
}

function twosComplement(value: Extract<NumValue, { kind: 'int32' | 'int64' }>): bigint {
  const bits = value.kind === 'int32' ? 32n : 64n;
  return value.value < 0n ? (1n << bits) + value.value : value.value;
}

function standard(value: NumValue, letter: string, precision: number | undefined): string | undefined {
  const upper = letter.toUpperCase();
  const isInt = value.kind === 'int32' || value.kind === 'int64';
  if (isInt && (upper === 'X' || upper === 'B' || upper === 'D')) {
    if (upper === 'D') {
      const abs = value.value < 0n ? -value.value : value.value;
      return (value.value < 0n ? '-' : '') + abs.toString().padStart(precision ?? 0, '0');
    }
    const text = twosComplement(value)
      .toString(upper === 'X' ? 16 : 2)
      .padStart(precision ?? 0, '0');
    return letter === 'X' ? text.toUpperCase() : text;
  }
  const d =
    value.kind === 'double' && (upper === 'R' || (upper === 'G' && !precision))
      ? shortestDigits(value.value)
      : toDigits(value);
  switch (upper) {
    case 'C': {
      const text = `¤${fixed(d, precision ?? 2, true)}`;
      return sign(roundDigits(d, d.scale + (precision ?? 2))) ? `(${text})` : text;
    }
    case 'E':
      return scientific(d, precision ?? 6, letter === 'e' ? 'e' : 'E');
    case 'F':
    case 'N': {
      const decimals = precision ?? 2;
      return sign(roundDigits(d, d.scale + decimals)) + fixed(d, decimals, upper === 'N');
    }
    case 'P': {
      const scaled = d.digits === '' ? d : { ...d, scale: d.scale + 2 };
      const decimals = precision ?? 2;
      return `${sign(roundDigits(scaled, scaled.scale + decimals))}${fixed(scaled, decimals, true)} %`;
    }
    case 'R':
    case 'G': {
      // "R" is "G" at full precision; decimals have no round-trip format.
      if (upper === 'R' && value.kind === 'decimal') return undefined;
      const e = letter === 'g' ? 'e' : 'E';
      if (precision && upper === 'G') return general(d, precision, e);
      if (value.kind === 'decimal') return decimalGeneral(value);
      return general(d, Math.max(d.digits.length, value.kind === 'double' ? 15 : 19), e);
    }
    default:
      return undefined;
  }
}

/** Formats a number with a .NET format string; undefined where .NET throws FormatException. */
export function formatNumber(value: NumValue, format: string): string | undefined {
  if (value.kind === 'double' && !Number.isFinite(value.value)) {
    return Number.isNaN(value.value) ? 'NaN' : value.value > 0 ? 'Infinity' : '-Infinity';
  }
  const m = STANDARD.exec(format === '' ? 'G' : format);
  if (m) {
    const precision = m[2] === '' ? undefined : Number(m[2]);
    return precision !== undefined && precision > MAX_PRECISION
      ? undefined
      : standard(value, m[1]!, precision);
  }
  return formatCustomNumber(value, format);
}
