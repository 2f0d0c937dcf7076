/**
 * Variable names as paths: `Octopus.Action[Deploy web].Output.Url` is the segments `Octopus`,
 * `Action`, `[Deploy web]`, `Output`, `Url`. Lookups use a lower-cased key built from the segments.
 */
import type { Segment } from './ast.js';

/** The key piece of one segment at position `i` (`name`, `.name` or `[index]`), lower-cased. */
export function segmentKey(seg: Segment, i: number): string {
  const lower = seg.name.toLowerCase();
  if (seg.index) return `[${lower}]`;
  return i === 0 ? lower : `.${lower}`;
}

/** The lookup key of a path (case-insensitive). */
export function pathKey(segs: readonly Segment[]): string {
  let key = '';
  for (let i = 0; i < segs.length; i++) key += segmentKey(segs[i]!, i);
  return key;
}

/** The path as written, for messages and echoes: `A.B[c]`. */
export function pathDisplay(segs: readonly Segment[]): string {
  let out = '';
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    out += s.index ? `[${s.name}]` : i === 0 ? s.name : `.${s.name}`;
  }
  return out;
}

/**
 * Splits a variable's name into segments, or undefined when it is not a path (such a variable is
 * only reachable by its exact lower-cased name). Linear; nested brackets inside an index are kept.
 */
export function parseName(name: string): Segment[] | undefined {
  const segs: Segment[] = [];
  let i = 0;
  const n = name.length;
  let expectName = true;
  while (i < n) {
    const c = name[i];
    if (c === '[') {
      if (segs.length === 0) return undefined;
      let depth = 1;
      let j = i + 1;
      while (j < n && depth > 0) {
        if (name[j] === '[') depth++;
        else if (name[j] === ']') depth--;
        j++;
      }
      if (depth !== 0) return undefined;
      segs.push({ name: name.slice(i + 1, j - 1).trim(), index: true });
      i = j;
      // after an index: `.`, another `[`, or the end
      while (i < n && isSpace(name.charCodeAt(i))) i++;
      expectName = false;
      continue;
    }
    if (c === '.') {
      if (expectName) return undefined;
      expectName = true;
      i++;
      continue;
    }
    if (!expectName) return undefined;
    let j = i;
    while (j < n && name[j] !== '.' && name[j] !== '[' && name[j] !== ']') j++;
    const text = name.slice(i, j).trim();
    if (text === '') return undefined;
    segs.push({ name: text, index: false });
    expectName = false;
    i = j;
  }
  if (expectName) return undefined;
  return segs;
}

/** The lookup key of a variable's name; the fast path avoids building segments for plain dotted names. */
/** A name without brackets or whitespace: its key is the lower-cased name. */
export const PLAIN_NAME = /^[^\s[\]]*$/;

export function nameKey(name: string): { key: string; segs: Segment[] | undefined } {
  // most names are plain dotted words: their key is just the lower-cased name
  if (PLAIN_NAME.test(name)) return { key: name.toLowerCase(), segs: undefined };
  if (!name.includes('[') && !name.includes(']')) {
    const parts = name.split('.');
    let ok = true;
    for (let i = 0; i < parts.length; i++) {
      const t = parts[i]!.trim();
      if (t === '') ok = false;
      parts[i] = t.toLowerCase();
    }
    return { key: ok ? parts.join('.') : name.trim().toLowerCase(), segs: undefined };
  }
  const segs = parseName(name);
  return { key: segs ? pathKey(segs) : name.trim().toLowerCase(), segs };
}

export function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x85 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x1680 ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

const LETTER_OR_DIGIT = /[\p{L}\p{Nd}]/u;

/** Name characters without whitespace: letters, digits and `_ - : / ~ ( ) @`. */
export function isNameChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) return true;
  switch (ch) {
    case '_':
    case '-':
    case ':':
    case '/':
    case '~':
    case '(':
    case ')':
    case '@':
      return true;
  }
  return c > 127 && LETTER_OR_DIGIT.test(ch);
}
