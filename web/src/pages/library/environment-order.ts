/** Reordering environments: which PATCHes of `sortOrder` put them in a new order. */

/** An environment's place: its id, version (for If-Match) and sortOrder. */
export interface Placed {
  id: string;
  version: number;
  sortOrder: number;
}

/** One PATCH to send: the environment, the version read, its new sortOrder. */
export interface OrderPatch {
  id: string;
  version: number;
  sortOrder: number;
}

/** `list` with the element at `index` moved by `delta` places (clamped); the same list when it cannot move. */
export function moved<T>(list: readonly T[], index: number, delta: number): T[] {
  const target = Math.max(0, Math.min(list.length - 1, index + delta));
  if (index < 0 || index >= list.length || target === index) return [...list];
  const out = [...list];
  const [item] = out.splice(index, 1);
  if (item !== undefined) out.splice(target, 0, item);
  return out;
}

/**
 * The patches that give `ordered` (the wanted order) strictly growing sortOrders 0, 1, 2, ...:
 * only environments whose sortOrder changes are patched.
 */
export function orderPatches(ordered: readonly Placed[]): OrderPatch[] {
  return ordered.flatMap((env, i) =>
    env.sortOrder === i ? [] : [{ id: env.id, version: env.version, sortOrder: i }],
  );
}
