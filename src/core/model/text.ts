/**
 * The characters text may hold, one rule for every boundary (API paths, query strings and bodies;
 * names everywhere). PostgreSQL cannot store NUL, a lone surrogate silently becomes U+FFFD on its
 * way to UTF-8, and other control characters and noncharacters break logs, terminals and YAML; a
 * name that shows nothing, or reverses the text after it (U+202E), makes two things look alike.
 */

/** Where text comes from: free text keeps tab and line breaks, a URL part or a name keeps none. */
export type TextKind = 'text' | 'line';

// C0 controls (tab, LF and CR aside for free text), DEL, lone surrogates (the `u` flag makes a
// surrogate pair one code point, so only lone halves match) and the noncharacters (U+FFFE, U+FFFF,
// U+FDD0..U+FDEF and the last two of every plane).
// eslint-disable-next-line no-control-regex
const UNUSABLE_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\p{Noncharacter_Code_Point}]/u;
// eslint-disable-next-line no-control-regex
const UNUSABLE_IN_LINE = /[\u0000-\u001f\u007f\ud800-\udfff\p{Noncharacter_Code_Point}]/u;

/** `U+001B` for a code point. */
function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * What is wrong with `s` for `kind`, worded to follow a field name ("must not contain a NUL
 * character (U+0000)"); undefined when every character is usable.
 */
export function unusableText(s: string, kind: TextKind = 'text'): string | undefined {
  const found = (kind === 'text' ? UNUSABLE_IN_TEXT : UNUSABLE_IN_LINE).exec(s)?.[0];
  if (found === undefined) return undefined;
  const at = codePoint(found);
  if (found === '\u0000') return 'must not contain a NUL character (U+0000)';
  if (/[\ud800-\udfff]/u.test(found)) {
    return `must not contain a lone surrogate (${at}): it is not valid Unicode text`;
  }
  if (found === '\t' || found === '\n' || found === '\r') {
    return `must not contain tabs or line breaks (${at})`;
  }
  if (/\p{Noncharacter_Code_Point}/u.test(found)) return `must not contain ${at}, which is not a character`;
  return `must not contain the control character ${at}`;
}

// Bidirectional embeddings, overrides and isolates: they reorder what follows them on screen.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;
// What draws nothing: format characters (zero-width spaces and joiners, marks, BOM), separators
// and spaces, and the Hangul and Mongolian fillers that render as blank.
const INVISIBLE = /[\p{Cf}\p{Z}\s\u115f\u1160\u3164\uffa0\u180e]|\u034f/gu;

/** What is wrong with a name beyond unusable characters (direction overrides, nothing visible); undefined if fine. */
export function misleadingName(s: string): string | undefined {
  const bidi = BIDI_CONTROL.exec(s)?.[0];
  if (bidi !== undefined) {
    return `must not contain the direction control ${codePoint(bidi)}, which changes how the text after it reads`;
  }
  if (s.length > 0 && s.replace(INVISIBLE, '') === '') {
    return 'must contain a visible character (it holds only invisible ones such as U+200B)';
  }
  return undefined;
}

/** `root.a[2].b`, quoting keys that are not plain words (`root["a b"]`), so a message never carries a raw control character. */
export function describePath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      const key = String(p);
      out += /^[\w$-]+$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** The name a message gives the field at `path` (`notes`, `tenants[0]`), or `root` at the top. */
export function fieldLabel(root: string, path: readonly PropertyKey[]): string {
  const last = path.findLastIndex((p) => typeof p !== 'number');
  if (last < 0) return describePath(root, path);
  return describePath(String(path[last]), path.slice(last + 1));
}

/** One unusable string found in a value: where (`body.notes`), what (`must not contain ...`), and both as a sentence. */
export interface TextIssue {
  path: string;
  problem: string;
  /** `release.notes: notes must not contain a NUL character (U+0000)`. */
  issue: string;
}

function textIssue(root: string, path: PropertyKey[], problem: string, key: boolean): TextIssue {
  const where = describePath(root, path);
  const field = fieldLabel(root, path);
  return { path: where, problem, issue: `${where}: ${key ? `a key of ${field}` : field} ${problem}` };
}

// A place in the walked value: its key under its parent (a linked list, so a deep value costs no copies).
interface Place {
  parent: Place | undefined;
  key: PropertyKey;
}

function pathOf(place: Place | undefined): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let p = place; p !== undefined; p = p.parent) path.push(p.key);
  return path.reverse();
}

/**
 * Every unusable string (values and keys) in a parsed JSON value, up to `limit`, named under
 * `root`. Walks with its own stack, so a deeply nested body cannot overflow the call stack.
 */
export function findUnusableText(
  value: unknown,
  root: string,
  kind: TextKind = 'text',
  limit = 10,
): TextIssue[] {
  const issues: TextIssue[] = [];
  const stack: { value: unknown; place: Place | undefined }[] = [{ value, place: undefined }];
  while (stack.length > 0 && issues.length < limit) {
    const { value: v, place } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = unusableText(v, kind);
      if (problem !== undefined) issues.push(textIssue(root, pathOf(place), problem, false));
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], place: { parent: place, key: i } });
    } else if (typeof v === 'object' && v !== null) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        // A key is a name: no line breaks either. What is under a bad key is not looked at.
        const problem = unusableText(key, 'line');
        if (problem === undefined) stack.push({ value: child, place: { parent: place, key } });
        else issues.push(textIssue(root, pathOf(place), problem, true));
      }
    }
  }
  return issues;
}
