/**
 * The template parser: text, substitutions, `#{if}`/`#{unless}` blocks with `#{elseif}`/`#{else}`,
 * `#{each}` loops and `#{calc}`. Recursive descent over a cursor; each tag is parsed once (lenient mode
 * memoises tags by position so that failed blocks are not re-parsed at every level).
 */
import type { Branch, Node, Path, PathStep } from './ast.js';
import { parseCalc } from './calc.js';
import { parseCondition } from './conditions.js';
import { parsePath, parseExpr } from './expr.js';
import { Cursor, describeFailure, ParseFailure, scanText } from './lexer.js';
import { isSpace, parseName } from './names.js';

/** Where a body ends: at the top (end of template), in an if-body (`#{else}`, `#{elseif}`, closer) or another block. */
type BodyMode = 'top' | 'if' | 'block';

interface Closer {
  word: string;
  end: number;
}

/** `#{/word}` at the cursor (case-insensitive, spaces allowed), or undefined. */
function closerAt(c: Cursor): Closer | undefined {
  if (!c.at('#{/')) return undefined;
  const m = /^#\{\/\s*([A-Za-z]*)\s*\}/.exec(c.src.slice(c.pos, c.pos + 40));
  return m ? { word: m[1]!.toLowerCase(), end: c.pos + m[0].length } : { word: '', end: c.pos + 3 };
}

function elseAt(c: Cursor): number | undefined {
  const m = /^#\{\s*else\s*\}/i.exec(c.src.slice(c.pos, c.pos + 40));
  return m ? c.pos + m[0].length : undefined;
}

function elseifAt(c: Cursor): boolean {
  const m = /^#\{\s*elseif\s/i.exec(c.src.slice(c.pos, c.pos + 40));
  return m !== null;
}

function isAsciiNameChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 || // _
    code === 45 || // -
    code === 58 || // :
    code === 47 || // /
    code === 126 || // ~
    code === 40 || // (
    code === 41 || // )
    code === 64 // @
  );
}

/**
 * The fast path for the common `#{Name.Part[Index]}` written without spaces to trim or filters:
 * its key is the lower-cased text, and its steps are only split when needed (echo, loops, JSON).
 * Anything else (undefined) goes through the full parser, which gives the same result for these.
 */
function simpleReference(src: string, start: number): { node: Node; end: number } | undefined {
  // state 0: expecting a name; 1: in a name; 2: after an index
  let state = 0;
  let star = false;
  let i = start + 2;
  for (; i < src.length; i++) {
    const code = src.charCodeAt(i);
    if (isAsciiNameChar(code)) {
      if (state === 2) return undefined;
      state = 1;
    } else if (code === 46 /* . */) {
      if (state === 0) return undefined;
      state = 0;
    } else if (code === 91 /* [ */) {
      if (state === 0) return undefined;
      const close = src.indexOf(']', i + 1);
      if (close === -1) return undefined;
      for (let j = i + 1; j < close; j++) {
        const ch = src.charCodeAt(j);
        // nested brackets, substitutions and braces take the full parser
        if (ch === 91 || ch === 35 || ch === 123 || ch === 125) return undefined;
      }
      if (close > i + 1 && (isSpace(src.charCodeAt(i + 1)) || isSpace(src.charCodeAt(close - 1))))
        return undefined;
      if (close === i + 2 && src.charCodeAt(i + 1) === 42 /* * */) star = true;
      i = close;
      state = 2;
    } else if (code === 125 /* } */) {
      break;
    } else {
      return undefined;
    }
  }
  if (i >= src.length || state === 0) return undefined;
  const path = new LazyPath(src.slice(start + 2, i), star);
  return { node: { kind: 'subst', expr: { path, filters: NO_FILTERS } }, end: i + 1 };
}

const NO_FILTERS: [] = [];

/** A path whose steps are split from its text on first use. */
class LazyPath implements Path {
  readonly key: string;
  private split: PathStep[] | undefined;
  constructor(
    private readonly raw: string,
    readonly star: boolean,
  ) {
    this.key = raw.toLowerCase();
  }
  get steps(): PathStep[] {
    return (this.split ??= parseName(this.raw) ?? []);
  }
}

class Parser {
  readonly c: Cursor;
  private readonly memo = new Map<number, { node: Node; end: number } | ParseFailure>();
  /** The first fragment lenient mode kept as text. */
  firstError: string | undefined;

  constructor(
    src: string,
    private readonly lenient: boolean,
  ) {
    this.c = new Cursor(src, (c) => this.tag(c));
  }

  /** Parses nodes until the end of the body (the cursor is left on the terminating tag). */
  nodes(mode: BodyMode): Node[] {
    const c = this.c;
    const out: Node[] = [];
    while (!c.done) {
      const { node, end } = scanText(c.src, c.pos);
      if (node) out.push(node);
      c.pos = end;
      if (c.done) break;
      // at `#{`
      if (mode !== 'top' && c.at('#{/')) return out;
      if (mode === 'if' && (elseAt(c) !== undefined || elseifAt(c))) return out;
      const start = c.pos;
      try {
        if (c.at('#{/')) c.fail('closing tag without an open block');
        out.push(this.tag(c));
      } catch (e) {
        if (!this.lenient || !(e instanceof ParseFailure)) throw e;
        this.firstError ??= describeFailure(c.src, e);
        // lenient: keep the unparseable `#{` as text and carry on after it
        out.push({ kind: 'text', text: '#{', raw: '#{' });
        c.pos = start + 2;
      }
    }
    return out;
  }

  /** Parses the tag at the cursor (which is at `#{`), including a whole block. */
  tag(c: Cursor): Node {
    const start = c.pos;
    {
      const hit = this.memo.get(start);
      if (hit instanceof ParseFailure) throw hit;
      if (hit) {
        c.pos = hit.end;
        return hit.node;
      }
    }
    try {
      const node = this.parseTag(c);
      this.memo.set(start, { node, end: c.pos });
      return node;
    } catch (e) {
      if (e instanceof ParseFailure) this.memo.set(start, e);
      throw e;
    }
  }

  private parseTag(c: Cursor): Node {
    const start = c.pos;
    const fast = simpleReference(c.src, start);
    if (fast) {
      c.pos = fast.end;
      return fast.node;
    }
    c.pos += 2;
    c.skipSpace();
    if (c.keyword('if')) return this.ifBlock(start, 'if');
    if (c.keyword('unless')) return this.ifBlock(start, 'unless');
    if (c.keyword('each')) return this.eachBlock(start);
    if (c.keyword('calc')) {
      const expr = parseCalc(c);
      c.skipSpace();
      c.expect('}', '"}" after the calc expression');
      return { kind: 'calc', expr };
    }
    const expr = parseExpr(c, 'subst');
    c.skipSpace();
    c.expect('}', '"}" or "|"');
    return { kind: 'subst', expr };
  }

  private header(c: Cursor): void {
    c.skipSpace();
    c.expect('}', '"}" after the condition');
  }

  private ifBlock(start: number, keyword: 'if' | 'unless'): Node {
    const c = this.c;
    const branches: Branch[] = [];
    let condition = parseCondition(c);
    this.header(c);
    let kw: Branch['keyword'] = keyword;
    for (;;) {
      const body = this.nodes('if');
      branches.push({ keyword: kw, condition, body });
      if (!c.done && elseifAt(c)) {
        c.pos += 2;
        c.skipSpace();
        c.pos += 'elseif'.length;
        condition = parseCondition(c);
        this.header(c);
        kw = 'elseif';
        continue;
      }
      break;
    }
    let otherwise: Node[] | undefined;
    const elseEnd = c.done ? undefined : elseAt(c);
    if (elseEnd !== undefined) {
      c.pos = elseEnd;
      otherwise = this.nodes('block');
    }
    this.close(keyword, start);
    return { kind: 'if', branches, otherwise };
  }

  private eachBlock(start: number): Node {
    const c = this.c;
    c.skipSpace();
    const item = parsePath(c, 'each');
    if (item.steps.length !== 1 || item.key === undefined) c.fail('expected one loop variable name');
    c.skipSpace();
    if (!c.keyword('in')) c.fail('expected "in"');
    c.skipSpace();
    const collection = parsePath(c, 'subst');
    c.skipSpace();
    c.expect('}', '"}" after the collection');
    const body = this.nodes('block');
    this.close('each', start);
    const first = item.steps[0] as { name: string };
    return { kind: 'each', name: first.name, collection, body };
  }

  private close(word: string, start: number): void {
    const c = this.c;
    const closer = c.done ? undefined : closerAt(c);
    if (!closer || closer.word !== word) {
      return c.fail(`#{${word}} opened at offset ${start} is not closed with #{/${word}}`);
    }
    c.pos = closer.end;
  }
}

/** The result of parsing: nodes, or the first error (strict mode). */
export interface Parsed {
  nodes: Node[];
  error?: string;
}

/** Parses a template. Strict: any error fails the whole parse. Lenient: bad fragments become text. */
export function parseTemplate(src: string, lenient: boolean): Parsed {
  const p = new Parser(src, lenient);
  try {
    const nodes = p.nodes('top');
    return p.firstError === undefined ? { nodes } : { nodes, error: p.firstError };
  } catch (e) {
    if (e instanceof ParseFailure) return { nodes: [], error: describeFailure(src, e) };
    if (e instanceof RangeError) return { nodes: [], error: 'The template is nested too deeply to parse.' };
    throw e;
  }
}
