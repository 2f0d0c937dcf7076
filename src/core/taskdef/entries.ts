/**
 * Container definitions and their name-keyed lists (`environment: [{name, value}]`,
 * `secrets: [{name, valueFrom}]`), handled as maps by name.
 */
import { SlipwayError } from '../errors.js';
import { isPlainObject } from './json.js';
import type { TaskDefinitionJson } from './types.js';

/** A container definition as plain JSON. */
export type ContainerJson = Record<string, unknown>;

/** The value key of each name-keyed list. */
export const ENTRY_VALUE_KEY = { environment: 'value', secrets: 'valueFrom' } as const;
export type EntryList = keyof typeof ENTRY_VALUE_KEY;

/** The container definitions of `td`; throws INVALID_INPUT when there are none or one is not an object. */
export function containersOf(td: TaskDefinitionJson): ContainerJson[] {
  const list = td['containerDefinitions'];
  if (!Array.isArray(list) || list.length === 0) {
    throw new SlipwayError('INVALID_INPUT', 'The task definition has no containerDefinitions.');
  }
  return list.map((c: unknown, i) => {
    if (!isPlainObject(c)) {
      throw new SlipwayError(
        'INVALID_INPUT',
        `containerDefinitions[${i}] of the task definition is not an object.`,
      );
    }
    return c;
  });
}

/** The container definitions, or [] when absent or malformed (for diffing whatever we are given). */
export function containersOrNone(td: TaskDefinitionJson): ContainerJson[] {
  const list = td['containerDefinitions'];
  return Array.isArray(list) ? list.filter(isPlainObject) : [];
}

/** A container's name, or `#<index>` when it has none (ECS requires one, files may lack it). */
export function containerName(container: ContainerJson, index: number): string {
  const name = container['name'];
  return typeof name === 'string' ? name : `#${index}`;
}

/** The entries of a name-keyed list as a map (name → whole entry); the last of duplicate names wins, as in Docker. */
export function entriesByName(list: unknown): Map<string, unknown> {
  const map = new Map<string, unknown>();
  if (!Array.isArray(list)) return map;
  list.forEach((entry: unknown, i) => {
    const name = isPlainObject(entry) ? entry['name'] : undefined;
    map.set(typeof name === 'string' ? name : `#${i}`, entry);
  });
  return map;
}

/**
 * The list with `set` applied (existing names updated in place, keeping order and any other keys of
 * the entry; new names appended in the given order), `unset` names removed, and, when `only` is
 * given, every name not in it removed. Duplicates of a set name collapse into one entry.
 */
export function editEntries(
  list: unknown,
  valueKey: 'value' | 'valueFrom',
  set: Record<string, string>,
  unset: readonly string[],
  only?: ReadonlySet<string>,
): unknown[] {
  const remove = new Set(unset);
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const entry of Array.isArray(list) ? (list as unknown[]) : []) {
    if (!isPlainObject(entry) || typeof entry['name'] !== 'string') {
      // Malformed entries are kept unless the list is being made exclusive.
      if (only === undefined) out.push(entry);
      continue;
    }
    const name = entry['name'];
    if (remove.has(name) || (only !== undefined && !only.has(name))) continue;
    if (!Object.hasOwn(set, name)) {
      out.push(entry);
      continue;
    }
    if (seen.has(name)) continue;
    seen.add(name);
    out.push({ ...entry, [valueKey]: set[name] });
  }
  for (const [name, value] of Object.entries(set)) {
    if (!seen.has(name) && !remove.has(name)) out.push({ name, [valueKey]: value });
  }
  return out;
}
