/**
 * Looking paths up in the variable set: exact variables, `[*]`, JSON under a variable prefix, loop
 * items, and the items of a collection. Variable values come evaluated from the host.
 */
import type { Segment } from './ast.js';
import { entryPart, itemsOfJson, jsonItemValue, splitItems, type Item, type Scope } from './each.js';
import { jsonText, parseJsonContainer, walkJson, type JsonReader, type JsonValue } from './json.js';
import { pathDisplay, pathKey } from './names.js';
import type { VarEntry, VariableIndex } from './vars.js';

/** What the lookup needs from the evaluator. */
export interface LookupHost {
  /** A variable's value, evaluated. */
  value(e: VarEntry, key: string): string;
  /** Whether the variable's value is being evaluated now (so a path under it is a self-reference). */
  evaluating(key: string): boolean;
  /**
   * The text of a JSON property read from the raw value of variable `e` (one that refers to its own
   * properties), evaluated as a template; `path` is the property's lookup key, `display` its name.
   */
  ownProperty(e: VarEntry, key: string, text: string, path: string, display: string): string;
  /** Called with the size of a collection before its items are made; throws when it is too large. */
  tooMany(count: number): void;
}

export class Lookup {
  private readonly jsonValues = new Map<string, JsonValue | null>();
  private readonly read: JsonReader = (text) => this.json(text);
  private readonly tooMany = (count: number): void => this.host.tooMany(count);

  constructor(
    private readonly vars: VariableIndex,
    private readonly host: LookupHost,
  ) {}

  itemValue(item: Item, rest: Segment[]): string | undefined {
    switch (item.kind) {
      case 'prefix':
        return rest.length === 0 ? item.own : this.root([...item.segs, ...rest]);
      case 'json':
        return jsonItemValue(item.value, rest, this.read);
      case 'entry': {
        const v = entryPart(item, rest, this.read);
        return v === undefined ? undefined : jsonText(v);
      }
      case 'text': {
        if (rest.length === 0) return item.text;
        const j = this.json(item.text);
        return j === undefined ? undefined : jsonItemValue(j, rest, this.read);
      }
    }
  }

  /** `[*]` steps become the first indexed child of what precedes them. */
  private stars(segs: Segment[]): Segment[] {
    let out = segs;
    for (let i = 1; i < out.length; i++) {
      const s = out[i]!;
      if (!s.index || s.name !== '*') continue;
      const first = this.vars.firstChild(pathKey(out.slice(0, i)));
      if (first !== undefined) {
        out = out === segs ? [...segs] : out;
        out[i] = { name: first, index: true };
      }
    }
    return out;
  }

  /** A path in the variable set: the variable itself, else JSON under its longest variable prefix. */
  root(segsIn: Segment[]): string | undefined {
    const segs = this.stars(segsIn);
    const key = pathKey(segs);
    const e = this.vars.entries.get(key);
    if (e) return this.host.value(e, key);
    for (let i = segs.length - 1; i >= 1; i--) {
      const pk = pathKey(segs.slice(0, i));
      const pe = this.vars.entries.get(pk);
      if (!pe) continue;
      if (this.host.evaluating(pk)) {
        // A JSON value that refers to its own properties ({Name: "#{Test.Value}", Value: 12}): read the
        // property from the raw JSON and evaluate it, as Octopus does, instead of a cycle.
        const raw = this.json(pe.value);
        if (raw !== undefined) {
          const v = walkJson(raw, segs.slice(i), this.read);
          return this.host.ownProperty(pe, pk, v === undefined ? '' : jsonText(v), key, pathDisplay(segs));
        }
      }
      const j = this.json(this.host.value(pe, pk));
      if (j === undefined) continue;
      const v = walkJson(j, segs.slice(i), this.read);
      return v === undefined ? '' : jsonText(v);
    }
    return undefined;
  }

  json(text: string): JsonValue | undefined {
    let j = this.jsonValues.get(text);
    if (j === undefined) {
      j = parseJsonContainer(text) ?? null;
      this.jsonValues.set(text, j);
    }
    // a container that parsed is never JSON null, so null here means "not JSON"
    return j === null ? undefined : j;
  }

  /** The items of `#{each}`'s collection (segments resolved); a missing collection has none. */
  collection(segs: Segment[], scope: Scope): Item[] {
    for (let s = scope; s; s = s.parent) {
      const first = segs[0];
      if (!first || first.index || first.name.toLowerCase() !== s.name) continue;
      const rest = segs.slice(1);
      const item = s.item;
      if (item.kind === 'prefix') {
        if (rest.length === 0) {
          const kids = this.childItems(item.segs);
          return kids.length ? kids : splitItems(item.own, this.tooMany);
        }
        return this.rootItems([...item.segs, ...rest]);
      }
      if (item.kind === 'json') {
        const v = rest.length ? walkJson(item.value, rest, this.read) : item.value;
        return itemsOfJson(v, this.tooMany, this.read);
      }
      if (item.kind === 'entry') {
        const v = entryPart(item, rest, this.read);
        if (v !== undefined) return itemsOfJson(v, this.tooMany, this.read);
        continue;
      }
      const j = this.json(item.text);
      if (rest.length === 0)
        return j === undefined
          ? splitItems(item.text, this.tooMany)
          : itemsOfJson(j, this.tooMany, this.read);
      if (j !== undefined) return itemsOfJson(walkJson(j, rest, this.read), this.tooMany, this.read);
    }
    return this.rootItems(segs);
  }

  private childItems(segs: Segment[]): Item[] {
    return this.vars.childrenOf(pathKey(segs)).map((own) => ({
      kind: 'prefix',
      segs: [...segs, { name: own, index: true }],
      own,
    }));
  }

  private rootItems(segsIn: Segment[]): Item[] {
    const segs = this.stars(segsIn);
    const kids = this.childItems(segs);
    if (kids.length) return kids;
    const v = this.root(segs);
    if (v === undefined) return [];
    const j = this.json(v);
    return j === undefined ? splitItems(v, this.tooMany) : itemsOfJson(j, this.tooMany, this.read);
  }
}
