/** `#{if}` / `#{elseif}` / `#{unless}` conditions: parsing and truthiness. */
import type { Condition, Expr, Operand } from './ast.js';
import { parseExpr } from './expr.js';
import type { Cursor } from './lexer.js';

function operand(c: Cursor): Operand {
  c.skipSpace();
  if (c.at('\\"')) {
    const end = c.src.indexOf('\\"', c.pos + 2);
    if (end === -1) return c.fail('unclosed \\"escaped\\" literal');
    const text = c.src.slice(c.pos + 2, end);
    c.pos = end + 2;
    return { kind: 'literal', text };
  }
  if (c.peek() === '"') {
    const start = c.pos + 1;
    for (let i = start; i < c.src.length; i++) {
      if (c.src[i] === '"') {
        c.pos = i + 1;
        return { kind: 'literal', text: c.src.slice(start, i) };
      }
      if (c.src[i] === '#' && c.src[i + 1] === '{') return c.fail('"#{" inside a quoted literal', i);
    }
    return c.fail('unclosed quoted literal');
  }
  return { kind: 'expr', expr: parseExpr(c, 'condition') };
}

/** Parses `A`, `A == B` or `A != B` up to (not including) the closing `}`. */
export function parseCondition(c: Cursor): Condition {
  const left = operand(c);
  c.skipSpace();
  let op: Condition['op'];
  if (c.at('==')) op = '==';
  else if (c.at('!=')) op = '!=';
  if (op === undefined) return { left, op: undefined, right: undefined };
  c.pos += 2;
  const right = operand(c);
  c.skipSpace();
  return { left, op, right };
}

/** False for "", "0", and (trimmed, any case) "false" and "no"; true otherwise. */
export function isTruthy(value: string): boolean {
  if (value === '' || value === '0') return false;
  const t = value.trim().toLowerCase();
  return t !== 'false' && t !== 'no';
}

/** What a condition needs from the evaluator: a name's value ("" when missing) and a chain's result. */
export interface ConditionHost {
  /** The value of a plain name (undefined when missing). */
  name(expr: Expr): string | undefined;
  /** The result of a filter chain: undefined when it fails, null for the Null filter. */
  chain(expr: Expr): string | null | undefined;
}

function side(o: Operand, host: ConditionHost): string | undefined {
  if (o.kind === 'literal') return o.text;
  if (o.expr.filters.length === 0) return host.name(o.expr) ?? '';
  const v = host.chain(o.expr);
  return v === null ? '' : v;
}

/** Evaluates a condition; undefined when a filter chain in it failed (the block is then echoed). */
export function evaluateCondition(cond: Condition, host: ConditionHost): boolean | undefined {
  const left = side(cond.left, host);
  if (left === undefined) return undefined;
  if (cond.op === undefined || cond.right === undefined) return isTruthy(left);
  const right = side(cond.right, host);
  if (right === undefined) return undefined;
  return cond.op === '==' ? left === right : left !== right;
}
