/**
 * The character level of the parser: a cursor over the source, and the scanner for plain text with
 * its `#` escapes. Linear: text is skipped with indexOf, never with backtracking regexes.
 */
import type { Node } from './ast.js';
import { isSpace } from './names.js';

/**
 * A parse failure at `pos`; caught by the parser (lenient mode) or turned into the result's error.
 * Deliberately not an Error: capturing a stack for each of thousands of failed fragments is slow.
 */
export class ParseFailure {
  constructor(
    readonly pos: number,
    readonly message: string,
  ) {}
}

/** A position in the source with small helpers. `tag` parses a nested `#{...}` (set by the parser). */
export class Cursor {
  pos = 0;
  constructor(
    readonly src: string,
    readonly tag: (c: Cursor) => Node,
  ) {}

  get done(): boolean {
    return this.pos >= this.src.length;
  }
  peek(offset = 0): string {
    return this.src[this.pos + offset] ?? '';
  }
  at(text: string): boolean {
    return this.src.startsWith(text, this.pos);
  }
  /** True (and moves past it) when the source continues with `word` in any case followed by whitespace. */
  keyword(word: string): boolean {
    // cheap first-letter test before slicing: this runs for every tag
    if ((this.src.charCodeAt(this.pos) | 0x20) !== word.charCodeAt(0)) return false;
    const end = this.pos + word.length;
    if (this.src.slice(this.pos, end).toLowerCase() !== word) return false;
    if (end >= this.src.length || !isSpace(this.src.charCodeAt(end))) return false;
    this.pos = end;
    return true;
  }
  skipSpace(): void {
    while (this.pos < this.src.length && isSpace(this.src.charCodeAt(this.pos))) this.pos++;
  }
  expect(ch: string, what: string): void {
    if (this.peek() !== ch) this.fail(`expected ${what}`);
    this.pos++;
  }
  fail(message: string, pos = this.pos): never {
    // the line and column are worked out only for the failure that is reported (describeFailure)
    throw new ParseFailure(pos, message);
  }

  private brackets: Map<number, number> | undefined;

  /** The `]` matching the `[` at `open` (nested pairs skipped), or -1. Linear over the whole source. */
  closingBracket(open: number): number {
    const src = this.src;
    const close = src.indexOf(']', open + 1);
    const nested = src.indexOf('[', open + 1);
    // the common case: no bracket inside the index
    if (close !== -1 && (nested === -1 || nested > close)) return close;
    if (!this.brackets) {
      // one pass pairing every bracket, so that nested or unclosed ones never cost a rescan per level
      const table = new Map<number, number>();
      const stack: number[] = [];
      for (let i = src.indexOf('['), j = src.indexOf(']'); i !== -1 || j !== -1;) {
        if (i !== -1 && (j === -1 || i < j)) {
          stack.push(i);
          i = src.indexOf('[', i + 1);
        } else {
          const o = stack.pop();
          if (o !== undefined) table.set(o, j);
          j = src.indexOf(']', j + 1);
        }
      }
      this.brackets = table;
    }
    return this.brackets.get(open) ?? -1;
  }
}

/** The message of a failure with its line, column and what was found there. */
export function describeFailure(src: string, f: ParseFailure): string {
  const found = f.pos >= src.length ? 'end of template' : JSON.stringify(src.slice(f.pos, f.pos + 12));
  return `${f.message} at ${position(src, f.pos)}, found ${found}`;
}

/** "line L, column C" of an offset (1-based). */
export function position(src: string, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = src.indexOf('\n'); i !== -1 && i < pos; i = src.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${pos - lineStart + 1}`;
}

/**
 * Scans plain text from `pos` up to the next tag (`#{` that is not an escape) or the end. `##{` is a
 * literal `#{`; `##` before `#{` is a literal `#` (so `###{x}` is `#` and the value of x); any other `#`
 * is text. Returns the text node (undefined when empty) and where the scan stopped.
 */
export function scanText(src: string, pos: number): { node: Node | undefined; end: number } {
  const n = src.length;
  let i = pos;
  let pieces: string[] | undefined;
  let runStart = pos;
  for (;;) {
    const j = src.indexOf('#', i);
    if (j === -1 || j === n - 1) {
      i = n;
      break;
    }
    const c1 = src[j + 1];
    if (c1 === '{') {
      i = j;
      break;
    }
    if (c1 === '#' && src[j + 2] === '#' && src[j + 3] === '{' && j + 2 < n - 2) {
      (pieces ??= []).push(src.slice(runStart, j), '#');
      i = runStart = j + 2;
    } else if (c1 === '#' && src[j + 2] === '{') {
      (pieces ??= []).push(src.slice(runStart, j), '#{');
      i = runStart = j + 3;
    } else {
      i = j + 2;
    }
  }
  if (i === pos) return { node: undefined, end: i };
  const raw = src.slice(pos, i);
  if (!pieces) return { node: { kind: 'text', text: raw, raw }, end: i };
  pieces.push(src.slice(runStart, i));
  return { node: { kind: 'text', text: pieces.join(''), raw }, end: i };
}
