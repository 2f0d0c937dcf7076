/** JSON traversal: when a prefix of a path holds JSON, the rest of the path walks into it. */
import type { Segment } from './ast.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Parses `text` when it looks like a JSON object or array; undefined otherwise (bad JSON included). */
export function parseJsonContainer(text: string): JsonValue | undefined {
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
    i++;
  const c = text[i];
  if (c !== '{' && c !== '[') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** The text of a JSON value: scalars as text, objects and arrays as compact JSON, null as "". */
export function jsonText(v: JsonValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function child(v: JsonValue, name: string): JsonValue | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    if (name === '*') return v[0];
    if (!/^\d+$/.test(name)) return undefined;
    return v[Number(name)];
  }
  if (name === '*') {
    for (const k in v) return v[k];
    return undefined;
  }
  if (Object.prototype.hasOwnProperty.call(v, name)) return v[name];
  // names are case-insensitive elsewhere; an exact match wins, then any case
  const lower = name.toLowerCase();
  for (const k of Object.keys(v)) if (k.toLowerCase() === lower) return v[k];
  return undefined;
}

/** Walks `segs` into `v`; undefined when a step does not exist. */
export function walkJson(v: JsonValue, segs: readonly Segment[]): JsonValue | undefined {
  let cur: JsonValue | undefined = v;
  for (const s of segs) {
    if (cur === undefined) return undefined;
    cur = child(cur, s.name);
  }
  return cur;
}
