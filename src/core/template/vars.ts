/** The variable set indexed once per render: lower-cased keys, and the indexed children of each prefix. */
import type { Segment } from './ast.js';
import { nameKey, PLAIN_NAME, segmentKey } from './names.js';

export interface VarEntry {
  /** The name as written in the variable set (for messages). */
  name: string;
  value: string;
}

/** `A.B[x y].C`: dotted names and flat indexes with nothing to trim (its key is the lower-cased name). */
const CANONICAL_INDEXED = /^[^\s.[\]]+(?:\.[^\s.[\]]+|\[(?:[^\s[\]](?:[^[\]]*[^\s[\]])?)?\])*$/;

export class VariableIndex {
  readonly entries = new Map<string, VarEntry>();
  /** Prefix key → (lower-cased index → index as first written), in insertion order. */
  private readonly children = new Map<string, Map<string, string>>();

  constructor(variables: Record<string, string>) {
    for (const name in variables) {
      if (!Object.prototype.hasOwnProperty.call(variables, name)) continue;
      const raw: unknown = variables[name];
      if (raw === undefined || raw === null) continue;
      const value = typeof raw === 'string' ? raw : String(raw);
      if (PLAIN_NAME.test(name)) {
        this.entries.set(name.toLowerCase(), { name, value });
        continue;
      }
      if (CANONICAL_INDEXED.test(name)) {
        // written as its key would be (no spaces to trim, no nested brackets): the key is the lower-cased
        // name, and the prefix of each index is the key up to its `[`
        const key = name.toLowerCase();
        this.entries.set(key, { name, value });
        for (let open = name.indexOf('['); open !== -1; open = name.indexOf('[', open + 1)) {
          this.addChild(key.slice(0, open), name.slice(open + 1, name.indexOf(']', open)));
        }
        continue;
      }
      const { key, segs } = nameKey(name);
      // a later name that differs only in case replaces the earlier one, as a dictionary would
      this.entries.set(key, { name, value });
      if (segs) this.addChildren(segs);
    }
  }

  private addChildren(segs: Segment[]): void {
    let prefix = '';
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      if (s.index && i > 0) this.addChild(prefix, s.name);
      prefix += segmentKey(s, i);
    }
  }

  private addChild(prefix: string, index: string): void {
    let kids = this.children.get(prefix);
    if (!kids) this.children.set(prefix, (kids = new Map()));
    const lower = index.toLowerCase();
    if (!kids.has(lower)) kids.set(lower, index);
  }

  /** The distinct index keys under a prefix, in the order first seen (empty when none). */
  childrenOf(prefixKey: string): string[] {
    const kids = this.children.get(prefixKey);
    return kids ? [...kids.values()] : [];
  }

  firstChild(prefixKey: string): string | undefined {
    const kids = this.children.get(prefixKey);
    if (!kids) return undefined;
    for (const v of kids.values()) return v;
    return undefined;
  }
}
