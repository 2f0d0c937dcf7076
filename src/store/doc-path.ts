/**
 * Paths inside JSON documents (`['phases', 0, 'automaticEnvironments', 1]`): how messages and
 * reference rows write them, and reading, writing and comparing values at them.
 */
import type { SecretPath } from '../core/model/resource.js';
import type { JsonValue } from './types.js';

/** A concrete path: object keys and array indexes. */
export type DocPath = readonly (string | number)[];

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** The path as messages write it: `phases[0].automaticEnvironments[1]` (`` for the root). */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** The path dotted (`steps.0.action.token`): the key of a secret field's row. */
export function dottedPath(path: DocPath): string {
  return path.join('.');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path`, or undefined when any step is missing. */
export function getAt(doc: unknown, path: DocPath): unknown {
  let cur: unknown = doc;
  for (const p of path) {
    if (typeof p === 'number' ? !Array.isArray(cur) : !isObject(cur)) return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

/** Sets the value at `path` (its parent must exist); false when it does not. */
export function setAt(doc: unknown, path: DocPath, value: unknown): boolean {
  const parent = getAt(doc, path.slice(0, -1));
  const last = path.at(-1);
  if (last === undefined || parent === null || typeof parent !== 'object') return false;
  (parent as Record<string | number, unknown>)[last] = value;
  return true;
}

/**
 * The concrete paths a secret field pattern names in `doc` (`*` = every element of an array): only
 * those whose value is present, so optional fields and other variants of a union are skipped.
 */
export function expandSecretPath(doc: unknown, pattern: SecretPath): (string | number)[][] {
  let paths: (string | number)[][] = [[]];
  for (const step of pattern) {
    const next: (string | number)[][] = [];
    for (const path of paths) {
      const here = getAt(doc, path);
      if (step === '*') {
        if (Array.isArray(here)) here.forEach((_, i) => next.push([...path, i]));
      } else if (isObject(here) && here[step] !== undefined) {
        next.push([...path, step]);
      }
    }
    paths = next;
  }
  return paths;
}

/** `value` as plain JSON (undefined fields dropped, dates as ISO text), as jsonb will hold it. */
export function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** Deep equality of JSON values; object key order does not matter (jsonb does not keep it). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a).filter((k) => a[k] !== undefined);
  if (keys.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
  return keys.every((k) => sameJson(a[k], b[k]));
}

/** The top-level fields whose values differ between two documents, sorted. */
export function changedTopLevelFields(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !sameJson(before[k], after[k])).sort();
}
