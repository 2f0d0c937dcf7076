/**
 * CloudWatch Logs filter patterns for unstructured events: terms and quoted phrases must all occur
 * (case-sensitive), `-term` must not, and `?term ?term` matches any of them. JSON (`{ $.x = 1 }`)
 * and space-delimited (`[a, b]`) patterns are not modelled.
 */
import { invalidParameter } from '../errors.js';

interface Term {
  text: string;
  kind: 'all' | 'not' | 'any';
}

function tokenize(pattern: string): Term[] {
  const terms: Term[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    let kind: Term['kind'] = 'all';
    if (c === '-' || c === '?') {
      kind = c === '-' ? 'not' : 'any';
      i++;
    }
    let text = '';
    if (pattern[i] === '"') {
      const end = pattern.indexOf('"', i + 1);
      if (end < 0) throw invalidParameter("Invalid character(s) in term '\"'");
      text = pattern.slice(i + 1, end);
      i = end + 1;
    } else {
      while (i < pattern.length && !/\s/.test(pattern[i]!)) text += pattern[i++];
    }
    if (text.length > 0) terms.push({ text, kind });
  }
  return terms;
}

/** Compiles a filter pattern to a predicate; an empty pattern matches every event. */
export function compilePattern(pattern: string | undefined): (message: string) => boolean {
  const p = (pattern ?? '').trim();
  if (p.length === 0) return () => true;
  if (p.startsWith('{') || p.startsWith('[')) {
    throw invalidParameter('The sandbox supports term and quoted-phrase filter patterns only.');
  }
  const terms = tokenize(p);
  const all = terms.filter((t) => t.kind === 'all').map((t) => t.text);
  const not = terms.filter((t) => t.kind === 'not').map((t) => t.text);
  const any = terms.filter((t) => t.kind === 'any').map((t) => t.text);
  return (m) =>
    all.every((t) => m.includes(t)) &&
    !not.some((t) => m.includes(t)) &&
    (any.length === 0 || any.some((t) => m.includes(t)));
}
