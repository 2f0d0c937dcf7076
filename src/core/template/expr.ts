/** Parsing of paths and filter chains inside a tag: `Name[index].Child | Filter opt "opt" | Filter2`. */
import type { Expr, FilterCall, FilterOption, Node, Path, PathStep, Segment } from './ast.js';
import { isRefSegment } from './ast.js';
import type { Cursor } from './lexer.js';
import { isNameChar, isSpace, segmentKey } from './names.js';

/** Where an expression sits: conditions end a chain at `==`/`!=`, each headers end names before ` in `. */
export type ExprContext = 'subst' | 'condition' | 'each';

function isKeywordAhead(c: Cursor, i: number): boolean {
  // a name stops before whitespace + `in`/`==`/`!=` + whitespace (the each header and conditions)
  const src = c.src;
  let j = i;
  while (j < src.length && isSpace(src.charCodeAt(j))) j++;
  for (const kw of ['in', '==', '!=']) {
    const end = j + kw.length;
    if (src.slice(j, end).toLowerCase() === kw && end < src.length && isSpace(src.charCodeAt(end)))
      return true;
  }
  return false;
}

/** Reads one identifier (name characters and inner spaces), trimmed; undefined when there is none. */
function identifier(c: Cursor, context: ExprContext): string | undefined {
  const src = c.src;
  const start = c.pos;
  let i = start;
  while (i < src.length) {
    const code = src.charCodeAt(i);
    if (isSpace(code)) {
      if (context === 'each' && i > start && isKeywordAhead(c, i)) break;
      i++;
      continue;
    }
    if (!isNameChar(src[i]!)) break;
    i++;
  }
  const text = src.slice(start, i).trim();
  if (text === '') return undefined;
  c.pos = i;
  return text;
}

/** The text of the bracketed index opened at `open`, nested brackets kept. */
function stringIndex(c: Cursor, open: number): string {
  const close = c.closingBracket(open);
  if (close === -1) return c.fail('unclosed index "["', open);
  const text = c.src.slice(open + 1, close).trim();
  c.pos = close + 1;
  return text;
}

function indexStep(c: Cursor): PathStep {
  const open = c.pos;
  c.pos++;
  c.skipSpace();
  if (c.at('#{')) {
    // `[#{Name}]`: the index is a substitution; otherwise the brackets hold plain text
    try {
      const node = c.tag(c);
      c.skipSpace();
      if (node.kind === 'subst' && c.peek() === ']') {
        c.pos++;
        return { ref: node.expr };
      }
    } catch {
      // not a substitution index: read it as text
    }
  }
  return { name: stringIndex(c, open), index: true };
}

/** Parses a path at the cursor (which must be at a name character); fails when it is malformed. */
export function parsePath(c: Cursor, context: ExprContext): Path {
  const first = identifier(c, context);
  if (first === undefined) return c.fail('expected a variable name');
  const steps: PathStep[] = [{ name: first, index: false }];
  for (;;) {
    const save = c.pos;
    c.skipSpace();
    const ch = c.peek();
    if (ch === '.') {
      c.pos++;
      const name = identifier(c, context);
      if (name === undefined) return c.fail('expected a name after "."');
      steps.push({ name, index: false });
    } else if (ch === '[') {
      steps.push(indexStep(c));
    } else {
      c.pos = save;
      break;
    }
  }
  return makePath(steps);
}

/** Builds a Path, precomputing the lookup key when every step is static. */
export function makePath(steps: PathStep[]): Path {
  let key: string | undefined = '';
  let star = false;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (isRefSegment(s)) {
      key = undefined;
      break;
    }
    if (s.index && s.name === '*') star = true;
    key += segmentKey(s, i);
  }
  return { steps, key, star };
}

/** Static segments of a path, or undefined when some index is a substitution. */
export function staticSegments(path: Path): Segment[] | undefined {
  return path.key === undefined ? undefined : (path.steps as Segment[]);
}

function quoted(c: Cursor): string {
  const src = c.src;
  const start = c.pos + 1;
  for (let i = start; i < src.length; i++) {
    const ch = src[i];
    if (ch === '"') {
      c.pos = i + 1;
      return src.slice(start, i);
    }
    // `#{` inside plain quotes would be ambiguous: nested references use \"...\" or a bare #{...}
    if (ch === '#' && src[i + 1] === '{') return c.fail('"#{" inside a quoted option (use \\"...\\")', i);
  }
  return c.fail('unclosed quoted option');
}

function escapedQuoted(c: Cursor): string {
  const start = c.pos + 2;
  const end = c.src.indexOf('\\"', start);
  if (end === -1) return c.fail('unclosed \\"escaped\\" option');
  c.pos = end + 2;
  return c.src.slice(start, end);
}

/** A bare option: no whitespace, `.`, `"`, `|`, `}` or `#{` (and no `=`/`!` in a condition). */
function bareWord(c: Cursor, context: ExprContext): string {
  const src = c.src;
  const start = c.pos;
  let i = start;
  while (i < src.length) {
    const ch = src[i]!;
    if (isSpace(src.charCodeAt(i)) || ch === '.' || ch === '"' || ch === '|' || ch === '}' || ch === '\\')
      break;
    if (ch === '#' && src[i + 1] === '{') break;
    if (context === 'condition' && (ch === '=' || ch === '!')) break;
    i++;
  }
  if (i === start) return c.fail('unexpected character in filter options');
  c.pos = i;
  return src.slice(start, i);
}

function isChainEnd(c: Cursor, context: ExprContext): boolean {
  const ch = c.peek();
  if (ch === '' || ch === '}' || ch === '|') return true;
  return context === 'condition' && (c.at('==') || c.at('!='));
}

function filterCall(c: Cursor, context: ExprContext): FilterCall {
  c.skipSpace();
  const start = c.pos;
  while (!c.done && isNameChar(c.peek())) c.pos++;
  if (c.pos === start) return c.fail('expected a filter name after "|"');
  const name = c.src.slice(start, c.pos);
  const options: FilterOption[] = [];
  for (;;) {
    c.skipSpace();
    if (isChainEnd(c, context)) break;
    if (c.at('#{')) {
      const node: Node = c.tag(c);
      options.push({ kind: 'node', node });
    } else if (c.at('\\"')) {
      options.push({ kind: 'text', text: escapedQuoted(c) });
    } else if (c.peek() === '"') {
      options.push({ kind: 'text', text: quoted(c) });
    } else {
      options.push({ kind: 'text', text: bareWord(c, context) });
    }
  }
  return { name, options };
}

/** Parses `[path] (| filter options...)*`; at least a path or one filter. Leaves the cursor after it. */
export function parseExpr(c: Cursor, context: ExprContext): Expr {
  c.skipSpace();
  let path: Path | null = null;
  if (isNameChar(c.peek())) path = parsePath(c, context);
  c.skipSpace();
  const filters: FilterCall[] = [];
  while (c.peek() === '|') {
    c.pos++;
    filters.push(filterCall(c, context));
  }
  if (path === null && filters.length === 0) return c.fail('expected a variable name or a filter');
  return { path, filters };
}
