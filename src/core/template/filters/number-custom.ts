/** .NET custom numeric formats: 0 # . , % ‰ E+0 e-0 \x 'literal' "literal" and ; sections (invariant culture). */
import { roundDigits, toDigits, type Digits, type NumValue } from './number-value.js';

type Token =
  | { t: 'digit'; zero: boolean }
  | { t: 'point' }
  | { t: 'comma' }
  | { t: 'percent'; text: string }
  | { t: 'exp'; letter: string; plus: boolean; minDigits: number }
  | { t: 'lit'; text: string };

/** Splits on ';' outside quotes and escapes; at most three sections count. */
function sections(format: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch === '\\') {
      current += format.slice(i, i + 2);
      i++;
    } else if (ch === '"' || ch === "'") {
      const end = format.indexOf(ch, i + 1);
      const stop = end < 0 ? format.length : end;
      current += format.slice(i, stop + 1);
      i = stop;
    } else if (ch === ';') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.slice(0, 3);
}

function tokenize(section: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < section.length; i++) {
    const ch = section[i]!;
    if (ch === '0' || ch === '#') tokens.push({ t: 'digit', zero: ch === '0' });
    else if (ch === '.') tokens.push({ t: 'point' });
    else if (ch === ',') tokens.push({ t: 'comma' });
    else if (ch === '%' || ch === '‰') tokens.push({ t: 'percent', text: ch });
    else if (ch === '\\') {
      tokens.push({ t: 'lit', text: section[i + 1] ?? '' });
      i++;
    } else if (ch === '"' || ch === "'") {
      const end = section.indexOf(ch, i + 1);
      const stop = end < 0 ? section.length : end;
      tokens.push({ t: 'lit', text: section.slice(i + 1, stop) });
      i = stop;
    } else if (ch === 'E' || ch === 'e') {
      const m = /^([+-]?)(0+)/.exec(section.slice(i + 1));
      if (m) {
        tokens.push({ t: 'exp', letter: ch, plus: m[1] === '+', minDigits: m[2]!.length });
        i += m[0].length;
      } else tokens.push({ t: 'lit', text: ch });
    } else tokens.push({ t: 'lit', text: ch });
  }
  return tokens;
}

interface Layout {
  tokens: Token[];
  digitCount: number;
  decimalPos: number;
  firstZero: number;
  lastZero: number;
  grouping: boolean;
  scaleAdjust: number;
  exp?: Extract<Token, { t: 'exp' }>;
}

/** Reads a section as .NET does: where the point is, which zeros are forced, grouping vs. scaling commas. */
function layout(section: string): Layout {
  const tokens = tokenize(section);
  let digitCount = 0;
  let decimalPos = -1;
  let firstZero = Infinity;
  let lastZero = -1;
  let thousandPos = -1;
  let thousandCount = 0;
  let grouping = false;
  let scaleAdjust = 0;
  let exp: Layout['exp'];
  for (const tok of tokens) {
    if (tok.t === 'digit') {
      if (tok.zero) {
        firstZero = Math.min(firstZero, digitCount);
        lastZero = digitCount;
      }
      digitCount++;
    } else if (tok.t === 'point') {
      if (decimalPos < 0) decimalPos = digitCount;
    } else if (tok.t === 'comma') {
      if (digitCount > 0 && decimalPos < 0) {
        if (thousandPos >= 0 && thousandPos === digitCount) thousandCount++;
        else {
          if (thousandPos >= 0) grouping = true;
          thousandPos = digitCount;
          thousandCount = 1;
        }
      }
    } else if (tok.t === 'percent') scaleAdjust += tok.text === '%' ? 2 : 3;
    else if (tok.t === 'exp') exp ??= tok;
  }
  if (decimalPos < 0) decimalPos = digitCount;
  // Commas right before the point divide by 1000 each; any other comma turns grouping on.
  if (thousandPos >= 0) {
    if (thousandPos === decimalPos) scaleAdjust -= 3 * thousandCount;
    else grouping = true;
  }
  return {
    tokens,
    digitCount,
    decimalPos,
    firstZero,
    lastZero,
    grouping,
    scaleAdjust,
    ...(exp ? { exp } : {}),
  };
}

function render(l: Layout, d: Digits, exponent: number, sign: string): string {
  const { decimalPos } = l;
  let int = l.exp ? d.digits.slice(0, decimalPos).padEnd(d.digits ? decimalPos : 0, '0') : '';
  if (!l.exp && d.scale > 0) int = d.digits.slice(0, d.scale).padEnd(d.scale, '0');
  int = int.padStart(l.firstZero < decimalPos ? decimalPos - l.firstZero : 0, '0');
  const fracStart = l.exp ? decimalPos : d.scale;
  let frac = fracStart < 0 ? '0'.repeat(-fracStart) + d.digits : d.digits.slice(fracStart);
  frac = frac.padEnd(l.lastZero >= decimalPos ? l.lastZero - decimalPos + 1 : 0, '0');
  const emitInt = (from: number, to: number): string => {
    let s = '';
    for (let k = Math.max(from, 0); k < to; k++) {
      s += int[k];
      const q = int.length - k; // position from the right, 1-based
      if (l.grouping && q > 1 && (q - 1) % 3 === 0) s += ',';
    }
    return s;
  };
  let out = sign;
  let intIndex = 0;
  let fracIndex = 0;
  let afterPoint = false;
  for (const tok of l.tokens) {
    if (tok.t === 'digit' && !afterPoint) {
      const r = decimalPos - intIndex; // this placeholder's position from the right
      const at = int.length - r;
      out += intIndex === 0 ? emitInt(0, at + 1) : emitInt(at, at + 1);
      intIndex++;
    } else if (tok.t === 'digit') out += frac[fracIndex++] ?? '';
    else if (tok.t === 'point') {
      if (afterPoint) continue;
      afterPoint = true;
      if (decimalPos === 0) out += emitInt(0, int.length);
      if (frac.length > 0) out += '.';
    } else if (tok.t === 'percent') out += tok.text;
    else if (tok.t === 'exp')
      out +=
        tok.letter +
        (exponent < 0 ? '-' : tok.plus ? '+' : '') +
        String(Math.abs(exponent)).padStart(tok.minDigits, '0');
    else if (tok.t === 'lit') out += tok.text;
  }
  return out;
}

/** Formats with a custom .NET numeric format string. */
export function formatCustomNumber(value: NumValue, format: string): string | undefined {
  // .NET formats doubles with 15 significant digits for custom formats.
  const start = value.kind === 'double' ? roundDigits(toDigits(value), 15) : toDigits(value);
  const parts = sections(format);
  const pick = (index: number): number => (index < parts.length && parts[index] !== '' ? index : 0);
  let index = start.digits === '' ? pick(2) : start.negative ? pick(1) : 0;
  for (;;) {
    const l = layout(parts[index]!);
    let d: Digits = start.digits === '' ? start : { ...start, scale: start.scale + l.scaleAdjust };
    let exponent = 0;
    if (d.digits !== '') {
      d = roundDigits(d, l.exp ? l.digitCount : d.scale + l.digitCount - l.decimalPos);
      if (d.digits === '' && pick(2) !== index && parts.length > 2) {
        index = pick(2);
        continue;
      }
      if (l.exp && d.digits !== '') exponent = d.scale - l.decimalPos;
    }
    const sign = index === 0 && d.negative && d.digits !== '' ? '-' : '';
    return render(l, d, exponent, sign);
  }
}
