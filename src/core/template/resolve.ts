/**
 * Looking paths up in the variable set: exact variables, `[*]`, JSON under a variable prefix, loop
 * items, and the items of a collection. Variable values come evaluated from `value`.
 */
import type { Segment } from './ast.js';
import { itemsOfJson, jsonItemValue, splitItems, type Item, type Scope } from './each.js';
import { jsonText, parseJsonContainer, walkJson, type JsonValue } from './json.js';
import { pathKey } from './names.js';
import type { VarEntry, VariableIndex } from './vars.js';

export class Lookup {
  private readonly jsonValues = new Map<string, JsonValue | null>();

  constructor(
    private readonly vars: VariableIndex,
    private readonly value: (e: VarEntry, key: string) => string,
    /** Called with the size of a collection before its items are made; throws when it is too large. */
    private readonly tooMany: (count: number) => void = () => {},
  ) {}

  itemValue(item: Item, rest: Segment[]): string | undefined {
    switch (item.kind) {
      case 'prefix':
        return rest.length === 0 ? item.own : this.root([...item.segs, ...rest]);
      case 'json':
        return jsonItemValue(item.value, rest);
      case 'text': {
        if (rest.length === 0) return item.text;
        const j = this.json(item.text);
        return j === undefined ? undefined : jsonItemValue(j, rest);
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
    if (e) return this.value(e, key);
    for (let i = segs.length - 1; i >= 1; i--) {
      const pk = pathKey(segs.slice(0, i));
      const pe = this.vars.entries.get(pk);
      if (!pe) continue;
      const j = this.json(this.value(pe, pk));
      if (j === undefined) continue;
      const v = walkJson(j, segs.slice(i));
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
      if (item.kind === 'json')
        return itemsOfJson(rest.length ? walkJson(item.value, rest) : item.value, this.tooMany);
      const j = this.json(item.text);
      if (rest.length === 0)
        return j === undefined ? splitItems(item.text, this.tooMany) : itemsOfJson(j, this.tooMany);
      if (j !== undefined) return itemsOfJson(walkJson(j, rest), this.tooMany);
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
    return j === undefined ? splitItems(v, this.tooMany) : itemsOfJson(j, this.tooMany);
  }
}
