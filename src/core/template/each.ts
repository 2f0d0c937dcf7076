/** `#{each item in Collection}`: loop scopes and the items of a collection. */
import type { Segment } from './ast.js';
import { jsonText, walkJson, type JsonValue } from './json.js';

/**
 * One item of a loop: an indexed child of the variable set (its own value is its index key and its
 * children are variables under `prefix`), a JSON element, or a piece of a comma-separated value.
 */
export type Item =
  | { kind: 'prefix'; segs: Segment[]; own: string }
  | { kind: 'json'; value: JsonValue }
  | { kind: 'text'; text: string };

/** The scope of one iteration; the root scope (the variable set) is null. */
export interface LoopScope {
  parent: Scope;
  /** The loop variable's name, lower-cased. */
  name: string;
  item: Item;
  /** Octopus.Template.Each.Index / First / Last by lower-cased key. */
  specials: Map<string, string>;
}

export type Scope = LoopScope | null;

/** Starts the scope of iteration `i` of `count`. */
export function iterationScope(parent: Scope, name: string, item: Item, i: number, count: number): LoopScope {
  const specials = new Map<string, string>([
    ['octopus.template.each.index', String(i)],
    ['octopus.template.each.first', i === 0 ? 'True' : 'False'],
    ['octopus.template.each.last', i === count - 1 ? 'True' : 'False'],
  ]);
  return { parent, name: name.toLowerCase(), item, specials };
}

/** Items of a JSON value: array elements, object entries as `{Key, Value}`, a scalar split on commas. */
export function itemsOfJson(v: JsonValue | undefined): Item[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((value) => ({ kind: 'json', value }));
  if (typeof v === 'object') {
    return Object.entries(v).map(([Key, Value]) => ({ kind: 'json', value: { Key, Value } }));
  }
  return splitItems(jsonText(v));
}

/** A plain value's items: split on `,` (pieces kept as they are). */
export function splitItems(text: string): Item[] {
  return text.split(',').map((t) => ({ kind: 'text', text: t }));
}

/** The value of `rest` under a JSON item: missing properties and nulls are "". */
export function jsonItemValue(value: JsonValue, rest: readonly Segment[]): string {
  const v = rest.length === 0 ? value : walkJson(value, rest);
  return v === undefined ? '' : jsonText(v);
}
