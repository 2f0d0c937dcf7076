/** `#{calc EXPR}`: arithmetic with `+ - * /`, parentheses, decimals and names (`{Some-Name}` for odd ones). */
import type { CalcExpr, Path } from './ast.js';
import { makePath, parsePath } from './expr.js';
import { Cursor } from './lexer.js';
import { isNameChar } from './names.js';

function isCalcNameChar(ch: string): boolean {
  // `-` and `/` are operators, parentheses group: such names are written `{Some-Name}`
  return ch !== '-' && ch !== '/' && ch !== '(' && ch !== ')' && (isNameChar(ch) || ch === '.');
}

function number(c: Cursor): CalcExpr | undefined {
  const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?![\p{L}\d_:~@.[])/u.exec(c.src.slice(c.pos, c.pos + 400));
  if (!m) return undefined;
  c.pos += m[0].length;
  return { kind: 'number', text: m[0] };
}

/** A name path: re-parses the name's text so indexes and dots mean what they mean elsewhere. */
function namePath(c: Cursor, text: string, at: number): Path {
  const sub = new Cursor(text, c.tag);
  let path: Path;
  try {
    path = parsePath(sub, 'subst');
  } catch {
    return c.fail('bad name in calc', at);
  }
  sub.skipSpace();
  if (!sub.done) return c.fail('bad name in calc', at + sub.pos);
  return path.steps.length ? path : makePath([]);
}

function factor(c: Cursor): CalcExpr {
  c.skipSpace();
  const ch = c.peek();
  if (ch === '-') {
    c.pos++;
    return { kind: 'neg', operand: factor(c) };
  }
  if (ch === '(') {
    c.pos++;
    const inner = sum(c);
    c.skipSpace();
    c.expect(')', '")"');
    return { kind: 'group', inner };
  }
  if (ch === '{') {
    const end = c.src.indexOf('}', c.pos + 1);
    if (end === -1) return c.fail('unclosed "{" in calc');
    const at = c.pos + 1;
    c.pos = end + 1;
    return { kind: 'name', path: namePath(c, c.src.slice(at, end), at), braced: true };
  }
  const num = number(c);
  if (num) return num;
  const start = c.pos;
  let depth = 0;
  while (!c.done) {
    const x = c.peek();
    if (x === '[') depth++;
    else if (x === ']') depth--;
    else if (depth === 0 && !isCalcNameChar(x)) break;
    if (depth < 0) break;
    c.pos++;
  }
  if (c.pos === start) return c.fail('expected a number or a name in calc');
  return { kind: 'name', path: namePath(c, c.src.slice(start, c.pos), start), braced: false };
}

function product(c: Cursor): CalcExpr {
  let left = factor(c);
  for (;;) {
    c.skipSpace();
    const op = c.peek();
    if (op !== '*' && op !== '/') return left;
    c.pos++;
    left = { kind: 'binary', op, left, right: factor(c) };
  }
}

function sum(c: Cursor): CalcExpr {
  let left = product(c);
  for (;;) {
    c.skipSpace();
    const op = c.peek();
    if (op !== '+' && op !== '-') return left;
    c.pos++;
    left = { kind: 'binary', op, left, right: product(c) };
  }
}

/** Parses the expression of `#{calc ...}` up to (not including) the closing `}`. */
export function parseCalc(c: Cursor): CalcExpr {
  return sum(c);
}

/**
 * A value read as .NET's double.TryParse reads it in Octopus (NumberStyles.Float and AllowThousands,
 * invariant culture): surrounding whitespace, a sign, `,` group separators in the integer part (so a
 * value formatted `N0`, `1,234`, still counts), a decimal point and an exponent.
 */
const NUMBER = /^[\t\n\v\f\r ]*[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[\t\n\v\f\r ]*$/;

/** The number in a variable's value, or undefined when it is not one (see NUMBER). */
export function parseCalcOperand(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  return Number(text.includes(',') ? text.replace(/,/g, '') : text);
}

/** Evaluates; undefined when an operand is missing or not a number, or the result is not finite. */
export function evaluateCalc(e: CalcExpr, value: (path: Path) => string | undefined): number | undefined {
  switch (e.kind) {
    case 'number':
      return Number(e.text);
    case 'name': {
      const v = value(e.path);
      return v === undefined ? undefined : parseCalcOperand(v);
    }
    case 'neg': {
      const v = evaluateCalc(e.operand, value);
      return v === undefined ? undefined : -v;
    }
    case 'group':
      return evaluateCalc(e.inner, value);
    case 'binary': {
      const l = evaluateCalc(e.left, value);
      if (l === undefined) return undefined;
      const r = evaluateCalc(e.right, value);
      if (r === undefined) return undefined;
      const out = e.op === '+' ? l + r : e.op === '-' ? l - r : e.op === '*' ? l * r : l / r;
      return Number.isFinite(out) ? out : undefined;
    }
  }
}

/** Formats a result: integers without a decimal point, others in the shortest round-trip form. */
export function formatNumber(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}
