/**
 * Reads JSON the way Octopus reads JSON variable values (Json.NET's lenient reader): property names
 * may be unquoted identifiers, strings may be single-quoted, `//` and `/* *\/` comments are ignored,
 * a trailing comma is allowed, an empty array slot is null, `undefined` is null, `NaN` and
 * `Infinity` are numbers, and `0x1F` / `017` are hexadecimal / octal integers. Containers nest at
 * most 64 deep (Json.NET's default limit), which also bounds this parser's recursion. Linear time.
 */
import { isSpace } from './names.js';

/** A JSON number, kept as the text Octopus would print for it (integers exactly, at any size). */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** Objects keep their properties in document order (as Json.NET does), in a Map: no prototype keys. */
export type JsonObject = Map<string, JsonValue>;

export type JsonValue = string | JsonNumber | boolean | null | JsonValue[] | JsonObject;

/** Json.NET's default maximum depth of nested containers. */
export const MAX_JSON_DEPTH = 64;

class Bad extends Error {}

const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A character of an unquoted property name (.NET's char.IsLetterOrDigit, `_`, `$`). */
function isIdentifierChar(c: number): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36)
    return true;
  return c > 127 && LETTER_OR_DIGIT.test(String.fromCharCode(c));
}

/** A character Json.NET reads as part of a number token: digits, `a-f`, `x`, `.`, `+`, `-`. */
function isNumberChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 97 && c <= 102) ||
    (c >= 65 && c <= 70) ||
    c === 120 ||
    c === 88 ||
    c === 46 ||
    c === 43 ||
    c === 45
  );
}

class Reader {
  i = 0;
  /** The position of the next backslash at or after the last search (kept, so strings scan in linear time). */
  private backslash = -2;
  constructor(readonly s: string) {}

  fail(): never {
    throw new Bad();
  }

  /** Skips whitespace and comments. */
  space(): void {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && isSpace(s.charCodeAt(this.i))) this.i++;
      if (s[this.i] !== '/') return;
      const next = s[this.i + 1];
      if (next === '/') {
        const end = s.indexOf('\n', this.i + 2);
        this.i = end === -1 ? s.length : end + 1;
      } else if (next === '*') {
        const end = s.indexOf('*/', this.i + 2);
        if (end === -1) this.fail();
        this.i = end + 2;
      } else this.fail();
    }
  }

  value(depth: number): JsonValue {
    this.space();
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
      case "'":
        return this.string(c);
      case undefined:
        return this.fail();
    }
    if (c === '-' && this.s[this.i + 1] === 'I') {
      this.i++;
      this.word('Infinity');
      return new JsonNumber('-Infinity');
    }
    if (c === '-' || c === '.' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of LITERALS) {
      if (this.s.startsWith(word, this.i)) {
        this.word(word);
        return v;
      }
    }
    return this.fail();
  }

  /** A literal word, which must be followed by a separator. */
  private word(w: string): void {
    if (!this.s.startsWith(w, this.i)) this.fail();
    this.i += w.length;
    const next = this.s[this.i];
    if (next === undefined || next === ',' || next === '}' || next === ']' || next === '/') return;
    if (!isSpace(next.charCodeAt(0))) this.fail();
  }

  private number(): JsonNumber {
    const start = this.i;
    while (this.i < this.s.length && isNumberChar(this.s.charCodeAt(this.i))) this.i++;
    const next = this.s[this.i];
    if (next !== undefined && !',}])/'.includes(next) && !isSpace(next.charCodeAt(0))) this.fail();
    return new JsonNumber(numberText(this.s.slice(start, this.i)));
  }

  private string(quote: string): string {
    const s = this.s;
    let out = '';
    let from = ++this.i;
    for (;;) {
      const end = this.nextSpecial(quote);
      if (end === -1) this.fail();
      if (s[end] === quote) {
        out += s.slice(from, end);
        this.i = end + 1;
        return out;
      }
      out += s.slice(from, end);
      this.i = end + 1;
      out += this.escape();
      from = this.i;
    }
  }

  /** The next backslash or closing quote at or after the position, or -1. */
  private nextSpecial(quote: string): number {
    if (this.backslash !== -1 && this.backslash < this.i) this.backslash = this.s.indexOf('\\', this.i);
    const q = this.s.indexOf(quote, this.i);
    const b = this.backslash;
    if (b === -1 || (q !== -1 && q < b)) return q;
    return b;
  }

  /** The character(s) of an escape after its backslash; lone surrogates written as `\u` become U+FFFD. */
  private escape(): string {
    const c = this.s[this.i++];
    switch (c) {
      case 'b':
        return '\b';
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'f':
        return '\f';
      case 'r':
        return '\r';
      case '\\':
      case '"':
      case "'":
      case '/':
        return c;
      case 'u': {
        const unit = this.hex4();
        if (unit >= 0xdc00 && unit <= 0xdfff) return '\ufffd';
        if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit);
        if (this.s[this.i] === '\\' && this.s[this.i + 1] === 'u') {
          const at = this.i;
          this.i += 2;
          const low = this.hex4();
          if (low >= 0xdc00 && low <= 0xdfff) return String.fromCharCode(unit, low);
          this.i = at; // not a pair: the high surrogate is replaced, the next escape read on its own
        }
        return '\ufffd';
      }
    }
    return this.fail();
  }

  private hex4(): number {
    const h = this.s.slice(this.i, this.i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail();
    this.i += 4;
    return parseInt(h, 16);
  }

  private object(depth: number): JsonObject {
    if (depth > MAX_JSON_DEPTH) this.fail();
    this.i++;
    const out: JsonObject = new Map();
    for (;;) {
      this.space();
      const c = this.s[this.i];
      if (c === '}') {
        this.i++;
        return out;
      }
      const name = c === '"' || c === "'" ? this.string(c) : this.identifier();
      this.space();
      if (this.s[this.i] !== ':') this.fail();
      this.i++;
      this.space();
      // `{"a":,}`: an empty value is undefined in Json.NET, null here
      out.set(name, this.s[this.i] === ',' ? null : this.value(depth));
      if (!this.afterItem('}')) return out;
    }
  }

  private identifier(): string {
    const start = this.i;
    while (this.i < this.s.length && isIdentifierChar(this.s.charCodeAt(this.i))) this.i++;
    const next = this.s[this.i];
    // an unquoted name ends at whitespace or ':'
    if (this.i === start || next === undefined || (next !== ':' && !isSpace(next.charCodeAt(0)))) this.fail();
    return this.s.slice(start, this.i);
  }

  private array(depth: number): JsonValue[] {
    if (depth > MAX_JSON_DEPTH) this.fail();
    this.i++;
    const out: JsonValue[] = [];
    for (;;) {
      this.space();
      const c = this.s[this.i];
      if (c === ']') {
        this.i++;
        return out;
      }
      out.push(c === ',' ? null : this.value(depth));
      if (!this.afterItem(']')) return out;
    }
  }

  /** After an item: true when a `,` follows (another item may come), false at the container's close. */
  private afterItem(close: string): boolean {
    this.space();
    const c = this.s[this.i];
    if (c === ',') {
      this.i++;
      return true;
    }
    if (c === close) {
      this.i++;
      return false;
    }
    return this.fail();
  }
}

const LITERALS: [string, JsonValue][] = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['undefined', null],
  ['NaN', new JsonNumber('NaN')],
  ['Infinity', new JsonNumber('Infinity')],
];

/** The text of a number token as Octopus prints it; throws Bad when it is not a number. */
function numberText(t: string): string {
  // Json.NET: a leading 0 followed by anything but `.`/`e` is hexadecimal (0x) or octal, as an Int64
  if (t.length > 1 && t[0] === '0' && !'.eE'.includes(t[1]!)) {
    const hex = /^0[xX]([0-9a-fA-F]{1,16})$/.exec(t);
    const octal = /^0([0-7]{1,22})$/.exec(t);
    const digits = hex ? `0x${hex[1]!}` : octal ? `0o${octal[1]!}` : undefined;
    if (digits === undefined) throw new Bad();
    const v = BigInt(digits);
    if (v > 0xffffffffffffffffn) throw new Bad();
    return BigInt.asIntN(64, v).toString();
  }
  if (/^-?\d+$/.test(t)) {
    if (t.length > 380) throw new Bad(); // Json.NET refuses integers this long
    return BigInt(t).toString();
  }
  if (!DECIMAL.test(t)) throw new Bad();
  return String(Number(t));
}

/** Parses `text` as lenient JSON (see the file comment); undefined when it is not JSON. */
export function parseLenientJson(text: string): JsonValue | undefined {
  const r = new Reader(text);
  try {
    const v = r.value(0);
    r.space();
    return r.i === text.length ? v : undefined;
  } catch (e) {
    if (e instanceof Bad) return undefined;
    throw e;
  }
}
