/** Field-by-field differences between two task definitions. */
import { cleanForRegister } from './clean.js';
import {
  ENTRY_VALUE_KEY,
  containerName,
  containersOrNone,
  entriesByName,
  type EntryList,
} from './entries.js';
import { deepEqual, isPlainObject } from './json.js';
import type { TaskDefinitionChange, TaskDefinitionJson } from './types.js';

/**
 * The changes from `before` to `after` (both cleaned), field by field, containers matched by name.
 * Both sides are cleaned again first, so read-only fields and empties never show as changes.
 * Containers come first (in `after`'s order, removed ones last), then task-level fields.
 */
export function diffTaskDefinitions(
  before: TaskDefinitionJson,
  after: TaskDefinitionJson,
): TaskDefinitionChange[] {
  const a = cleanForRegister(before);
  const b = cleanForRegister(after);
  const out: TaskDefinitionChange[] = [];

  const oldContainers = new Map(containersOrNone(a).map((c, i) => [containerName(c, i), c]));
  const newContainers = new Map(containersOrNone(b).map((c, i) => [containerName(c, i), c]));
  for (const [name, next] of newContainers) {
    const prev = oldContainers.get(name);
    if (prev === undefined) {
      out.push({ container: name, field: 'container', before: undefined, after: next });
      continue;
    }
    for (const key of unionKeys(prev, next)) {
      if (key === 'environment' || key === 'secrets') diffEntries(name, key, prev[key], next[key], out);
      else diffValue(name, key, prev[key], next[key], out);
    }
  }
  for (const [name, prev] of oldContainers) {
    if (!newContainers.has(name))
      out.push({ container: name, field: 'container', before: prev, after: undefined });
  }

  for (const key of unionKeys(a, b)) {
    if (key !== 'containerDefinitions') diffValue(undefined, key, a[key], b[key], out);
  }
  return out;
}

/** Keys of `a` in order, then those only in `b`. */
function unionKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

/** Compares structurally; descends into objects so a change names its innermost field; arrays change as a whole. */
function diffValue(
  container: string | undefined,
  field: string,
  before: unknown,
  after: unknown,
  out: TaskDefinitionChange[],
): void {
  if (deepEqual(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of unionKeys(before, after))
      diffValue(container, `${field}.${key}`, before[key], after[key], out);
    return;
  }
  out.push(change(container, field, before, after));
}

/** Environment and secrets as maps by name: order does not matter, each name is its own change. */
function diffEntries(
  container: string,
  list: EntryList,
  before: unknown,
  after: unknown,
  out: TaskDefinitionChange[],
): void {
  const prev = entriesByName(before);
  const next = entriesByName(after);
  for (const name of new Set([...prev.keys(), ...next.keys()])) {
    const x = prev.get(name);
    const y = next.get(name);
    if (!deepEqual(x, y)) {
      out.push(change(container, `${list}.${name}`, entryValue(x, list), entryValue(y, list)));
    }
  }
}

/** The entry's value (or valueFrom) when that is all it holds besides its name; else the whole entry. */
function entryValue(entry: unknown, list: EntryList): unknown {
  if (!isPlainObject(entry)) return entry;
  const valueKey = ENTRY_VALUE_KEY[list];
  const onlyValue = Object.keys(entry).every((k) => k === 'name' || k === valueKey);
  // ECS omits `value` for an empty variable; show it as "" rather than as a removal.
  return onlyValue ? (entry[valueKey] ?? '') : entry;
}

function change(
  container: string | undefined,
  field: string,
  before: unknown,
  after: unknown,
): TaskDefinitionChange {
  return container === undefined ? { field, before, after } : { container, field, before, after };
}
