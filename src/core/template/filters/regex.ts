/**
 * User regexes (.NET syntax) for Match and Replace, run by RE2 (the re2js port): matching takes time
 * linear in the text whatever the pattern, so no pattern can hang the server. .NET constructs RE2
 * cannot run in linear time (backreferences, lookahead, atomic groups, conditionals) are refused
 * with a TemplateRegexError naming the filter and the construct; the other differences are
 * translated (docs/template-filters.md, "Regular expressions").
 */
import { RE2JS } from 're2js';
import { FilterRefusal, type FilterBudget } from './types.js';

/** A pattern used a construct the linear-time engine does not support; ends the evaluation (INVALID_INPUT). */
export class TemplateRegexError extends FilterRefusal {
  constructor(filter: string, construct: string) {
    super(
      'INVALID_INPUT',
      `The ${filter} filter's regular expression uses ${construct}, which Slipway does not support: its ` +
        'regular expressions run in linear time (RE2), without backreferences, lookahead, atomic groups or ' +
        'conditionals. Rewrite the pattern without it (docs/template-filters.md, "Regular expressions").',
      filter,
      { construct },
    );
    this.name = 'TemplateRegexError';
  }
}

/** A .NET pattern translated for RE2, or why it cannot be. */
type Translation = { source: string } | { unsupported: string };

const HEX4 = /^[0-9A-Fa-f]{4}$/;

/** The inline options of `(?imnsx-imnsx)` / `(?imnsx-imnsx:`, or undefined when `at` is not one. */
function inlineOptions(pattern: string, at: number): string | undefined {
  const m = /^\(\?([imnsx]*(?:-[imnsx]*)?)[:)]/.exec(pattern.slice(at, at + 16));
  return m && m[1] !== '' && m[1] !== '-' ? m[1] : undefined;
}

/** Translates a .NET pattern for RE2, or names the first construct RE2 cannot run. */
export function translatePattern(pattern: string): Translation {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return { source: out + ch }; // RE2 reports the trailing backslash
      if (!inClass) {
        if (next >= '1' && next <= '9') return { unsupported: `a backreference (\\${next})` };
        if (next === 'k' && (pattern[i + 2] === '<' || pattern[i + 2] === "'")) {
          return { unsupported: 'a named backreference (\\k<name>)' };
        }
        if (next === 'G') return { unsupported: '\\G (where the previous match ended)' };
        if (next === 'Z') {
          // End, or before a final newline: the newline becomes part of the match.
          out += '(?:\\n?\\z)';
          i++;
          continue;
        }
      }
      const hex = pattern.slice(i + 2, i + 6);
      if (next === 'u' && HEX4.test(hex)) {
        out += `\\x{${hex}}`;
        i += 5;
        continue;
      }
      out += ch + next;
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      // A `]` first in a class (after an optional `^`) is a literal.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += '\\' + pattern[++i];
      continue;
    }
    if (ch !== '(' || pattern[i + 1] !== '?') {
      out += ch;
      continue;
    }
    const rest = pattern.slice(i + 2, i + 4);
    if (rest.startsWith('=') || rest.startsWith('!'))
      return { unsupported: `a lookahead ((?${rest[0]}...))` };
    if (rest.startsWith('>')) return { unsupported: 'an atomic group ((?>...))' };
    if (rest.startsWith('(')) return { unsupported: 'a conditional ((?(...)...))' };
    if (rest.startsWith('#')) {
      // An inline comment: dropped.
      const close = pattern.indexOf(')', i);
      if (close === -1) return { source: out + pattern.slice(i) };
      i = close;
      continue;
    }
    if (rest === '<=' || rest === '<!') {
      out += '(?' + rest;
      i += 3;
      continue;
    }
    const named = /^\(\?(?:<([^>]*)>|'([^']*)')/.exec(pattern.slice(i, i + 80));
    if (named) {
      const name = named[1] ?? named[2]!;
      if (name.includes('-')) return { unsupported: 'a balancing group ((?<name-other>...))' };
      out += `(?P<${name}>`;
      i += named[0].length - 1;
      continue;
    }
    const options = inlineOptions(pattern, i);
    if (options !== undefined && /[nx]/.test(options)) {
      return { unsupported: `the inline option ${options.includes('x') ? 'x' : 'n'} ((?${options}))` };
    }
    out += ch;
  }
  return { source: out };
}

type Compiled = { re: RE2JS; size: number } | { unsupported: string } | { invalid: true };

/** Compiled patterns by .NET source; bounded, oldest dropped first (templates reuse a few patterns). */
const cache = new Map<string, Compiled>();
const CACHE_SIZE = 256;

function compile(pattern: string): Compiled {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let compiled: Compiled;
  const t = translatePattern(pattern);
  if ('unsupported' in t) compiled = t;
  else {
    try {
      // Lookbehinds are supported in linear time as long as they capture nothing.
      const re = RE2JS.compile(t.source, RE2JS.LOOKBEHINDS);
      compiled = { re, size: Math.max(1, re.programSize()) };
    } catch (e) {
      const message = e instanceof Error ? e.message : '';
      compiled = /capture in lookbehind/.test(message)
        ? { unsupported: 'a capturing group inside a lookbehind (use (?:...) there)' }
        : { invalid: true };
    }
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled;
}

/** The compiled pattern, undefined when it is not a valid pattern; throws TemplateRegexError when unsupported. */
function usable(filter: string, pattern: string): { re: RE2JS; size: number } | undefined {
  const c = compile(pattern);
  if ('unsupported' in c) throw new TemplateRegexError(filter, c.unsupported);
  return 're' in c ? c : undefined;
}

/** A pattern matcher that runs in linear time, for patterns outside templates (channel rules). */
export interface LinearPattern {
  /** Whether the pattern matches anywhere in `text`. */
  test(text: string): boolean;
}

/** A .NET pattern compiled for RE2 outside templates, or why it cannot be used (for an error message). */
export function compileLinearPattern(pattern: string): LinearPattern | { error: string } {
  const c = compile(pattern);
  if ('unsupported' in c) {
    return {
      error: `it uses ${c.unsupported}; Slipway's regular expressions run in linear time (RE2), without backreferences, lookahead, atomic groups or conditionals`,
    };
  }
  if ('invalid' in c) return { error: 'it does not parse' };
  return { test: (text) => c.re.matcher(text).find() };
}

/** Regex.IsMatch: whether the pattern matches anywhere; undefined when the pattern is invalid. */
export function dotNetMatch(input: string, pattern: string, budget?: FilterBudget): boolean | undefined {
  const c = usable('Match', pattern);
  if (!c) return undefined;
  budget?.regexWork(c.size * (input.length + 1));
  return c.re.matcher(input).find();
}

type Part = string | { group: number | string } | { special: '&' | '`' | "'" | '+' | '_' };

/** Parses a .NET replacement string: $1, ${name}, $$, $&, $`, $', $+, $_. */
function parseReplacement(replacement: string, groupCount: number, names: Set<string>): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i]!;
    if (ch !== '$' || i + 1 >= replacement.length) {
      text += ch;
      continue;
    }
    const rest = replacement.slice(i + 1);
    let part: Part | undefined;
    let used = 0;
    const braced = /^\{(\w+)\}/.exec(rest);
    const digits = /^\d+/.exec(rest);
    if (braced) {
      const name = braced[1]!;
      const n = /^\d+$/.test(name) ? Number(name) : undefined;
      if ((n !== undefined && n <= groupCount) || names.has(name)) {
        part = { group: n ?? name };
        used = braced[0].length;
      }
    } else if (digits) {
      // The longest prefix of the digits that names an existing group, as .NET does.
      for (let len = digits[0].length; len > 0 && part === undefined; len--) {
        const n = Number(digits[0].slice(0, len));
        if (n <= groupCount) {
          part = { group: n };
          used = len;
        }
      }
    } else if (rest[0] === '$') {
      text += '$';
      i++;
      continue;
    } else if (rest[0] === '&' || rest[0] === '`' || rest[0] === "'" || rest[0] === '+' || rest[0] === '_') {
      part = { special: rest[0] };
      used = 1;
    }
    if (part === undefined) {
      text += ch;
      continue;
    }
    if (text) parts.push(text);
    text = '';
    parts.push(part);
    i += used;
  }
  if (text) parts.push(text);
  return parts;
}

/**
 * Regex.Replace with .NET replacement syntax; undefined when the pattern is invalid. Charges the
 * budget for the search and stops (TEMPLATE_TOO_EXPENSIVE) as soon as the result outgrows the text budget.
 */
export function dotNetReplace(
  input: string,
  pattern: string,
  replacement: string,
  budget?: FilterBudget,
): string | undefined {
  const c = usable('Replace', pattern);
  if (!c) return undefined;
  budget?.regexWork(c.size * (input.length + 1));
  const groupCount = c.re.groupCount();
  const names = new Set(Object.keys(c.re.namedGroups()));
  const parts = parseReplacement(replacement, groupCount, names);
  const m = c.re.matcher(input);
  let out = '';
  let last = 0;
  while (m.find()) {
    const start = m.start();
    const end = m.end();
    out += input.slice(last, start);
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else if ('group' in part) out += m.group(part.group) ?? '';
      else if (part.special === '&') out += input.slice(start, end);
      else if (part.special === '`') out += input.slice(0, start);
      else if (part.special === "'") out += input.slice(end);
      else if (part.special === '_') out += input;
      else out += groupCount > 0 ? (m.group(groupCount) ?? '') : input.slice(start, end);
    }
    last = end;
    // What is still to come of the input is copied at most once more.
    budget?.wouldBuild(out.length);
  }
  return out + input.slice(last);
}
