/** Whether two task definitions would register the same thing. */
import { cleanForRegister } from './clean.js';
import { deepEqual, isPlainObject } from './json.js';
import type { TaskDefinitionJson } from './types.js';

/**
 * True when both cleaned definitions register the same thing (key order and empty values ignored).
 * Environment and secrets entries are compared sorted by name; everything else keeps its order,
 * and no default is assumed, so when in doubt this answers false (a new revision is harmless).
 */
export function sameContent(a: TaskDefinitionJson, b: TaskDefinitionJson): boolean {
  return deepEqual(canonical(cleanForRegister(a)), canonical(cleanForRegister(b)));
}

function canonical(td: TaskDefinitionJson): TaskDefinitionJson {
  const containers = td['containerDefinitions'];
  if (!Array.isArray(containers)) return td;
  return {
    ...td,
    containerDefinitions: containers.map((c: unknown) => {
      if (!isPlainObject(c)) return c;
      const out = { ...c };
      if (Array.isArray(out['environment'])) out['environment'] = sortByName(out['environment']);
      if (Array.isArray(out['secrets'])) out['secrets'] = sortByName(out['secrets']);
      return out;
    }),
  };
}

/** Sorted by name (stable, so duplicates keep their order). */
function sortByName(list: unknown[]): unknown[] {
  const nameOf = (e: unknown): string => (isPlainObject(e) && typeof e['name'] === 'string' ? e['name'] : '');
  return [...list].sort((x, y) => {
    const [p, q] = [nameOf(x), nameOf(y)];
    return p < q ? -1 : p > q ? 1 : 0;
  });
}
