/**
 * The normalised text of template constructs, used to echo what could not be resolved:
 * `#{  Foo | ToUpper  bar }` comes back as `#{Foo | ToUpper "bar"}`.
 */
import type { CalcExpr, Condition, Expr, FilterOption, Node, Operand, Path } from './ast.js';
import { isRefSegment } from './ast.js';

/** A literal re-quoted: `"text"`, or `\"text\"` when it holds `"` or `#` (which plain quotes cannot). */
export function quote(text: string): string {
  return text.includes('"') || text.includes('#') ? `\\"${text}\\"` : `"${text}"`;
}

export function normalisePath(path: Path): string {
  let out = '';
  path.steps.forEach((s, i) => {
    if (isRefSegment(s)) out += `[#{${normaliseExpr(s.ref)}}]`;
    else out += s.index ? `[${s.name}]` : i === 0 ? s.name : `.${s.name}`;
  });
  return out;
}

function option(o: FilterOption): string {
  return o.kind === 'text' ? quote(o.text) : normaliseNode(o.node);
}

/** `Name | Filter "opt"` (a chain without a name starts with ` | `). */
export function normaliseExpr(e: Expr): string {
  let out = e.path ? normalisePath(e.path) : '';
  for (const f of e.filters) {
    out += ` | ${f.name}`;
    for (const o of f.options) out += ' ' + option(o);
  }
  return out;
}

function operand(o: Operand): string {
  return o.kind === 'literal' ? quote(o.text) : normaliseExpr(o.expr);
}

export function normaliseCondition(c: Condition): string {
  return c.op && c.right ? `${operand(c.left)} ${c.op} ${operand(c.right)}` : operand(c.left);
}

export function normaliseCalc(e: CalcExpr): string {
  switch (e.kind) {
    case 'number':
      return e.text;
    case 'name':
      return e.braced ? `{${normalisePath(e.path)}}` : normalisePath(e.path);
    case 'neg':
      return `-${normaliseCalc(e.operand)}`;
    case 'group':
      return `(${normaliseCalc(e.inner)})`;
    case 'binary':
      return `${normaliseCalc(e.left)} ${e.op} ${normaliseCalc(e.right)}`;
  }
}

export function normaliseNodes(nodes: readonly Node[]): string {
  let out = '';
  for (const n of nodes) out += normaliseNode(n);
  return out;
}

/** The normalised source of a node (text as written, so escapes survive). */
export function normaliseNode(n: Node): string {
  switch (n.kind) {
    case 'text':
      return n.raw;
    case 'subst':
      return `#{${normaliseExpr(n.expr)}}`;
    case 'calc':
      return `#{calc ${normaliseCalc(n.expr)}}`;
    case 'each':
      return `#{each ${n.name} in ${normalisePath(n.collection)}}${normaliseNodes(n.body)}#{/each}`;
    case 'if': {
      let out = '';
      for (const b of n.branches)
        out += `#{${b.keyword} ${normaliseCondition(b.condition)}}${normaliseNodes(b.body)}`;
      if (n.otherwise) out += `#{else}${normaliseNodes(n.otherwise)}`;
      const first = n.branches[0]?.keyword === 'unless' ? 'unless' : 'if';
      return `${out}#{/${first}}`;
    }
  }
}
