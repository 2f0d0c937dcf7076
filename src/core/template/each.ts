/** `#{each item in Collection}`: loop scopes and the items of a collection. */
import type { Segment } from './ast.js';
import { isJsonObject, jsonText, walkJson, type JsonReader, type JsonValue } from './json.js';

/**
 * One item of a loop: an indexed child of the variable set (its own value is its index key and its
 * children are variables under `prefix`), a JSON array element, a JSON object's property (its own
 * value is the property's name, as in Octopus; `.Key` and `.Value` are its parts), or a piece of a
 * comma-separated value.
 */
export type Item =
  | { kind: 'prefix'; segs: Segment[]; own: string }
  | { kind: 'json'; value: JsonValue }
  | { kind: 'entry'; key: string; value: JsonValue }
  | { kind: 'text'; text: string };

/** The scope of one iteration; the root scope (the variable set) is null. */
export interface LoopScope {
  parent: Scope;
  /** The loop variable's name, lower-cased. */
  name: string;
  item: Item;
  /** Octopus.Template.Each.Index / First / Last by lower-cased key. */
  specials: Map<string, string>;
  /** The collection was read from a sensitive value: what the item yields is sensitive too. */
  sensitive: boolean;
}

export type Scope = LoopScope | null;

/** Starts the scope of iteration `i` of `count`. */
export function iterationScope(
  parent: Scope,
  name: string,
  item: Item,
  i: number,
  count: number,
  sensitive = false,
): LoopScope {
  const specials = new Map<string, string>([
    ['octopus.template.each.index', String(i)],
    ['octopus.template.each.first', i === 0 ? 'True' : 'False'],
    ['octopus.template.each.last', i === count - 1 ? 'True' : 'False'],
  ]);
  return { parent, name: name.toLowerCase(), item, specials, sensitive };
}

/**
 * Items of a JSON value: array elements, object properties (entries), a string holding JSON its
 * items (read by `read`), any other scalar split on commas. `tooMany(count)` is called before more
 * than one item is made (it throws when the budget has no room for that many iterations).
 */
export function itemsOfJson(
  v: JsonValue | undefined,
  tooMany: (count: number) => void = ignore,
  read?: JsonReader,
): Item[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    tooMany(v.length);
    return v.map((value) => ({ kind: 'json', value }));
  }
  if (isJsonObject(v)) {
    tooMany(v.size);
    return [...v].map(([key, value]) => ({ kind: 'entry', key, value }));
  }
  const inner = typeof v === 'string' && read ? read(v) : undefined;
  return inner === undefined ? splitItems(jsonText(v), tooMany) : itemsOfJson(inner, tooMany, read);
}

function ignore(): void {}

/** A plain value's items: split on `,` (pieces kept as they are); `tooMany` as for itemsOfJson. */
export function splitItems(text: string, tooMany: (count: number) => void = ignore): Item[] {
  let count = 1;
  for (let i = text.indexOf(','); i !== -1; i = text.indexOf(',', i + 1)) count++;
  tooMany(count);
  return text.split(',').map((t) => ({ kind: 'text', text: t }));
}

/** The value of `rest` under a JSON item: missing properties and nulls are "". */
export function jsonItemValue(value: JsonValue, rest: readonly Segment[], read?: JsonReader): string {
  const v = rest.length === 0 ? value : walkJson(value, rest, read);
  return v === undefined ? '' : jsonText(v);
}

/**
 * What `rest` names under a JSON object's property: nothing is its name, `Key` its name and `Value`
 * its value (then walked, a missing property giving null); undefined for any other name (missing, as
 * in Octopus).
 */
export function entryPart(
  item: { key: string; value: JsonValue },
  rest: readonly Segment[],
  read?: JsonReader,
): JsonValue | undefined {
  const first = rest[0];
  if (!first) return item.key;
  const part = first.name.toLowerCase();
  const v = part === 'key' ? item.key : part === 'value' ? item.value : undefined;
  if (v === undefined) return undefined;
  if (rest.length === 1) return v;
  // under Value, a missing property is "" (null), as anywhere in JSON
  return walkJson(v, rest.slice(1), read) ?? null;
}
