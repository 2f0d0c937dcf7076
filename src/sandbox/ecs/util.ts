/** Small input helpers shared by the ECS handlers. */
import { invalidParameter, optionalStringList } from '../errors.js';
import type { JsonInput } from '../service.js';

export type Tag = { key: string; value: string };
export type Failure = { arn?: string; reason: string; detail?: string };

/** True when `v` is a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The optional object field, or throws when present and not an object. */
export function optionalObject(input: JsonInput, field: string): Record<string, unknown> | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw invalidParameter(`${field} must be an object.`);
  return v;
}

/** The optional list field, or throws when present and not a list. */
export function optionalList(input: JsonInput, field: string): unknown[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalidParameter(`${field} must be a list.`);
  return v;
}

/** Validates an ECS tag list (`[{key, value}]`) as ECS does. */
export function parseTags(input: JsonInput, field = 'tags'): Tag[] {
  const list = optionalList(input, field) ?? [];
  if (list.length > 50) throw invalidParameter('The number of tags must not exceed 50.');
  const seen = new Set<string>();
  return list.map((t) => {
    if (!isObject(t) || typeof t.key !== 'string' || t.key.length < 1 || t.key.length > 128) {
      throw invalidParameter('Tag keys must be between 1 and 128 characters.');
    }
    const value = t.value ?? '';
    if (typeof value !== 'string' || value.length > 256) {
      throw invalidParameter('Tag values must be between 0 and 256 characters.');
    }
    if (t.key.toLowerCase().startsWith('aws:')) {
      throw invalidParameter('Tag keys with the aws: prefix are reserved for AWS use.');
    }
    if (seen.has(t.key)) throw invalidParameter(`Duplicate tag key: ${t.key}.`);
    seen.add(t.key);
    return { key: t.key, value };
  });
}

/** Merges `add` into `tags` (same key overwrites), in place. */
export function mergeTags(tags: Tag[], add: Tag[]): void {
  for (const t of add) {
    const existing = tags.find((x) => x.key === t.key);
    if (existing) existing.value = t.value;
    else tags.push({ ...t });
  }
  if (tags.length > 50) throw invalidParameter('The number of tags must not exceed 50.');
}

/** The `include` list, checked against the values the action allows. */
export function parseInclude(input: JsonInput, allowed: string[]): Set<string> {
  const list = optionalStringList(input, 'include') ?? [];
  for (const v of list) {
    if (!allowed.includes(v)) {
      throw invalidParameter(`include must contain only the following values: ${allowed.join(', ')}.`);
    }
  }
  return new Set(list);
}

/** A required list of 1..max strings (`services`, `tasks`, ...), with ECS's messages. */
export function requireRefs(input: JsonInput, field: string, max: number, label = field): string[] {
  const list = optionalStringList(input, field);
  if (!list || list.length === 0) throw invalidParameter(`${capitalise(label)} cannot be empty.`);
  if (list.length > max)
    throw invalidParameter(`${capitalise(label)} cannot have more than ${max} elements.`);
  return list;
}

/** Stable JSON (sorted keys) for comparing requests under one client token. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Deep copy of plain JSON data (responses must never alias the world). */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
