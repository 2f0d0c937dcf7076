/** JSON traversal: when a prefix of a path holds JSON, the rest of the path walks into it. */
import type { Segment } from './ast.js';
import { JsonNumber, parseLenientJson, type JsonObject, type JsonValue } from './json-parse.js';

export { JsonNumber, type JsonObject, type JsonValue } from './json-parse.js';

/** Parses text to a JSON container, or undefined (not JSON). Lookup caches it by text. */
export type JsonReader = (text: string) => JsonValue | undefined;

/**
 * Parses `text` when it looks like a JSON object or array, leniently as Octopus does (json-parse.ts);
 * undefined otherwise (bad JSON included).
 */
export function parseJsonContainer(text: string): JsonValue | undefined {
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
    i++;
  const c = text[i];
  if (c !== '{' && c !== '[') return undefined;
  return parseLenientJson(text);
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map;
}

/** The text of a JSON value: scalars as text, objects and arrays as compact JSON, null as "". */
export function jsonText(v: JsonValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof JsonNumber) return v.text;
  return stringify(v);
}

function stringify(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  // Json.NET writes NaN and the infinities as strings
  if (v instanceof JsonNumber) return /^-?[\d.]/.test(v.text) ? v.text : JSON.stringify(v.text);
  if (Array.isArray(v)) return `[${v.map(stringify).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(`${JSON.stringify(k)}:${stringify(x)}`);
  return `{${parts.join(',')}}`;
}

function child(v: JsonValue, name: string): JsonValue | undefined {
  if (Array.isArray(v)) {
    if (name === '*') return v[0];
    if (!/^\d+$/.test(name)) return undefined;
    return v[Number(name)];
  }
  if (!isJsonObject(v)) return undefined;
  if (name === '*') {
    for (const x of v.values()) return x;
    return undefined;
  }
  const exact = v.get(name);
  if (exact !== undefined) return exact;
  // names are case-insensitive elsewhere; an exact match wins, then any case
  const lower = name.toLowerCase();
  for (const [k, x] of v) if (k.toLowerCase() === lower) return x;
  return undefined;
}

/**
 * Walks `segs` into `v`; undefined when a step does not exist. A string met on the way is read as
 * JSON by `read` (as Octopus re-reads each step's text), so JSON held in a JSON string is walked too.
 */
export function walkJson(v: JsonValue, segs: readonly Segment[], read?: JsonReader): JsonValue | undefined {
  let cur: JsonValue | undefined = v;
  for (const s of segs) {
    if (cur === undefined) return undefined;
    if (typeof cur === 'string' && read) cur = read(cur);
    if (cur === undefined) return undefined;
    cur = child(cur, s.name);
  }
  return cur;
}
