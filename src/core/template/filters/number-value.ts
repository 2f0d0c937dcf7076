/**
 * Numbers as .NET formats them: parsed as decimal, double or integer (invariant culture), and turned into a
 * decimal digit buffer that the standard and custom formats round and lay out.
 */

/** A parsed number: decimals keep their exact digits (and trailing zeros, which "G" shows), as .NET's decimal does. */
export type NumValue =
  | { kind: 'decimal'; negative: boolean; int: string; frac: string }
  | { kind: 'double'; value: number }
  | { kind: 'int32' | 'int64'; value: bigint };

/** value = ±0.DIGITS × 10^scale; digits has no leading or trailing zeros; '' is zero. */
export interface Digits {
  negative: boolean;
  digits: string;
  scale: number;
}

const DECIMAL = /^\s*([+-]?)(\d[\d,]*)?(?:\.(\d*))?([+-]?)\s*$/;
const DECIMAL_MAX = '79228162514264337593543950335';

/** .NET decimal.TryParse (NumberStyles.Number, invariant): signs, thousands separators, no exponent. */
export function parseDecimal(text: string): NumValue | undefined {
  const m = DECIMAL.exec(text);
  if (!m || (m[1] && m[4])) return undefined;
  const int = (m[2] ?? '').replace(/,/g, '');
  const frac = m[3] ?? '';
  if (int === '' && frac === '') return undefined;
  const stripped = int.replace(/^0+/, '');
  if (
    stripped.length > DECIMAL_MAX.length ||
    (stripped.length === DECIMAL_MAX.length && stripped > DECIMAL_MAX)
  )
    return undefined;
  return { kind: 'decimal', negative: (m[1] || m[4]) === '-', int: stripped || '0', frac: frac.slice(0, 28) };
}

const DOUBLE = /^\s*[+-]?(?:\d[\d,]*)?(?:\.\d*)?(?:[eE][+-]?\d+)?\s*$/;

/** .NET double.TryParse (Float | AllowThousands, invariant), including NaN and ±Infinity. */
export function parseDouble(text: string): NumValue | undefined {
  const t = text.trim();
  const special: Record<string, number> = {
    NaN: NaN,
    Infinity: Infinity,
    '+Infinity': Infinity,
    '-Infinity': -Infinity,
  };
  if (t in special) return { kind: 'double', value: special[t]! };
  if (!DOUBLE.test(text) || !/\d/.test(t.replace(/[eE][+-]?\d+$/, ''))) return undefined;
  const value = Number(t.replace(/,/g, ''));
  return Number.isNaN(value) ? undefined : { kind: 'double', value };
}

const INTEGER = /^\s*([+-]?\d+)\s*$/;
const LIMITS = { int32: 2n ** 31n, int64: 2n ** 63n };

/** .NET int.TryParse / long.TryParse (NumberStyles.Integer). */
export function parseInteger(text: string, kind: 'int32' | 'int64'): NumValue | undefined {
  const m = INTEGER.exec(text);
  if (!m) return undefined;
  const value = BigInt(m[1]!);
  return value >= -LIMITS[kind] && value < LIMITS[kind] ? { kind, value } : undefined;
}

function normalise(negative: boolean, raw: string, scale: number): Digits {
  const lead = raw.length - raw.replace(/^0+/, '').length;
  const digits = raw.slice(lead).replace(/0+$/, '');
  return digits === '' ? { negative, digits: '', scale: 0 } : { negative, digits, scale: scale - lead };
}

/** The exact decimal expansion of a finite double (every binary fraction has one). */
function exactDigits(value: number): Digits {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(value));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (exponent >= 0) {
    const s = (mantissa << BigInt(exponent)).toString();
    return normalise(value < 0, s, s.length);
  }
  const s = (mantissa * 5n ** BigInt(-exponent)).toString();
  return normalise(value < 0 || Object.is(value, -0), s, s.length + exponent);
}

/** The shortest digits that round-trip (what .NET Core prints for "R" and plain "G"). */
export function shortestDigits(value: number): Digits {
  const [mantissa, exp] = Math.abs(value).toExponential().split('e') as [string, string];
  return normalise(value < 0, mantissa.replace('.', ''), Number(exp) + 1);
}

/** The digit buffer of a number: exact for decimals, integers and (for fixed formats) doubles. */
export function toDigits(value: NumValue): Digits {
  if (value.kind === 'decimal') return normalise(value.negative, value.int + value.frac, value.int.length);
  if (value.kind === 'double') return exactDigits(value.value);
  const negative = value.value < 0n;
  const s = (negative ? -value.value : value.value).toString();
  return normalise(negative, s, s.length);
}

/** Rounds to `count` significant digits, half away from zero (.NET's RoundNumber). */
export function roundDigits(d: Digits, count: number): Digits {
  if (count >= d.digits.length) return d;
  if (count < 0 || (count === 0 && (d.digits[0] ?? '0') < '5'))
    return { negative: d.negative, digits: '', scale: 0 };
  let kept = d.digits.slice(0, count);
  let scale = d.scale;
  if (d.digits[count]! >= '5') {
    let i = kept.length;
    while (i > 0 && kept[i - 1] === '9') i--;
    if (i === 0) {
      kept = '1';
      scale++;
    } else kept = kept.slice(0, i - 1) + String(Number(kept[i - 1]) + 1);
  }
  return normalise(d.negative, kept, scale);
}

/** Inserts the invariant group separator every three digits. */
export function group(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The integer and fraction text of a digit buffer with exactly `decimals` fraction digits (already rounded). */
export function fixedParts(d: Digits, decimals: number): [string, string] {
  const int = d.scale > 0 ? d.digits.slice(0, d.scale).padEnd(d.scale, '0') : '0';
  const fracDigits = d.scale < 0 ? '0'.repeat(-d.scale) + d.digits : d.digits.slice(Math.max(d.scale, 0));
  return [int, fracDigits.padEnd(decimals, '0').slice(0, decimals)];
}
