/**
 * Names and ids in configuration files. Files refer to things by name; the API stores ids. A
 * NameIndex knows both for everything in a space (channels per project, since their names are only
 * unique there), so export can write names and apply can match what it reads to what the file says.
 */
import type { RefTarget, ResourceRef } from '../model/resource.js';

/** A location in a document: keys and list indexes. */
export type DocPath = readonly (string | number)[];

/** `projects[0].channels[1].name` for `['projects', 0, 'channels', 1, 'name']`. */
export function formatPath(path: DocPath, root = ''): string {
  let out = root;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** True for a plain object (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path` in `doc`, or undefined. */
export function getAt(doc: unknown, path: DocPath): unknown {
  let cur: unknown = doc;
  for (const p of path) {
    if (typeof p === 'number') cur = Array.isArray(cur) ? (cur as unknown[])[p] : undefined;
    else cur = isRecord(cur) ? cur[p] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Sets the value at `path` in `doc` in place (the containers must exist); no-op when they do not. */
export function setAt(doc: unknown, path: DocPath, value: unknown): void {
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (last === undefined) return;
  if (typeof last === 'number' && Array.isArray(parent)) (parent as unknown[])[last] = value;
  else if (typeof last === 'string' && isRecord(parent)) parent[last] = value;
}

/** Removes the key at `path` (a record key) in place. */
export function deleteAt(doc: unknown, path: DocPath): void {
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (typeof last === 'string' && isRecord(parent)) delete parent[last];
}

/** A deep copy of a JSON-like value. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/** Deep equality of JSON-like values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => jsonEqual(x, (b as unknown[])[i]))
    );
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
}

/** Reference targets that name an entity a NameIndex holds (tags and users are written as they are). */
export function isIndexedTarget(target: RefTarget): boolean {
  return target !== 'tag' && target !== 'user';
}

/** Every entity of a space by id and by (target, name), ignoring case; channels per project. */
export class NameIndex {
  readonly #names = new Map<string, string>();
  readonly #ids = new Map<string, string>();

  static #key(target: RefTarget, name: string, project?: string): string {
    return `${target}\u0000${target === 'channel' ? (project ?? '') : ''}\u0000${name.toLowerCase()}`;
  }

  /** Records an entity; `project` is the project id of a channel. */
  add(target: RefTarget, id: string, name: string, project?: string): void {
    this.#names.set(id, name);
    this.#ids.set(NameIndex.#key(target, name, project), id);
  }

  /** The name of the entity with this id. */
  nameOf(id: string): string | undefined {
    return this.#names.get(id);
  }

  /** The id of the `target` called `nameOrId` (a name ignoring case, or an id); channels need `project`. */
  idOf(target: RefTarget, nameOrId: string, project?: string): string | undefined {
    return (
      this.#ids.get(NameIndex.#key(target, nameOrId, project)) ??
      (this.#names.has(nameOrId) ? nameOrId : undefined)
    );
  }
}

/**
 * A copy of `doc` with each reference's id replaced by its name (for export). References the index
 * does not know (tags, users, or already names) are left as they are.
 */
export function refsToNames(doc: Record<string, unknown>, refs: readonly ResourceRef[], index: NameIndex) {
  const out = cloneJson(doc);
  for (const ref of refs) {
    if (!isIndexedTarget(ref.target)) continue;
    const name = index.nameOf(ref.value);
    if (name !== undefined) setAt(out, ref.path, name);
  }
  return out;
}
