/**
 * Helpers for the kinds' schema tests: edit an example at a path, and expect INVALID_INPUT naming a
 * field. Failures are thrown Errors and the test function is passed in, so the kinds' tests stay
 * free of any one runner.
 */
import { SlipwayError } from '../../src/core/errors.js';
import { parseInput } from '../../src/core/model/parse.js';
import type { ResourceKind } from '../../src/core/model/resource.js';

/** A path into a document. */
export type DocPath = readonly (string | number)[];

/** A deep copy of `doc` with `value` at `path` (the key removed when value is undefined). */
export function withValue(doc: unknown, path: DocPath, value: unknown): Record<string, unknown> {
  const copy = structuredClone(doc) as Record<string, unknown>;
  let node: Record<string | number, unknown> = copy;
  path.slice(0, -1).forEach((key) => {
    const next = node[key];
    if (typeof next !== 'object' || next === null) {
      throw new Error(`no object at ${String(key)} in ${JSON.stringify(path)}`);
    }
    node = next as Record<string | number, unknown>;
  });
  const last = path[path.length - 1];
  if (last === undefined) throw new Error('empty path');
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** The INVALID_INPUT message of parsing `doc` with the kind's schema (fails the test if it parses). */
export function invalidMessage(kind: ResourceKind, doc: unknown): string {
  try {
    parseInput(kind.schema, doc, kind.name);
  } catch (e) {
    if (e instanceof SlipwayError && e.code === 'INVALID_INPUT') return e.message;
    throw new Error(`expected INVALID_INPUT, got ${String(e)}`, { cause: e });
  }
  throw new Error(`expected INVALID_INPUT for ${JSON.stringify(doc)}`);
}

/** One bad document: what is wrong, the field path it must name (`lifecycle.phases[0].name`), part of the message. */
export interface InvalidCase {
  what: string;
  doc: unknown;
  field: string;
  message: string;
}

/** node:test's `it`, as far as itRejects needs it. */
export type TestFunction = (name: string, fn: () => void) => unknown;

/** A test per case (made with `it`): parsing fails with INVALID_INPUT naming `field` and saying `message`. */
export function itRejects(it: TestFunction, kind: ResourceKind, cases: readonly InvalidCase[]): void {
  for (const c of cases) {
    it(`rejects ${c.what}`, () => {
      const message = invalidMessage(kind, c.doc);
      if (!message.includes(`${c.field}: `)) throw new Error(`"${message}" does not name ${c.field}`);
      if (!message.includes(c.message)) throw new Error(`"${message}" does not say "${c.message}"`);
    });
  }
}

/** A case built from `base` with `value` at `path`; the expected field is derived from the kind and path. */
export function bad(
  kindName: string,
  base: unknown,
  what: string,
  path: DocPath,
  value: unknown,
  message: string,
  field: DocPath = path,
): InvalidCase {
  return { what, doc: withValue(base, path, value), field: fieldName(kindName, field), message };
}

/** `kind.a[0].b`, as parseInput names fields. */
export function fieldName(root: string, path: DocPath): string {
  return root + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/** A row of a table of bad values: what, where to put the value, the value, part of the message, and the field named (default: where). */
export type BadRow = readonly [what: string, path: DocPath, value: unknown, message: string, field?: DocPath];

/** Cases from rows of bad values applied to `base`. */
export function badRows(kindName: string, base: unknown, rows: readonly BadRow[]): InvalidCase[] {
  return rows.map(([what, path, value, message, field]) =>
    bad(kindName, base, what, path, value, message, field),
  );
}
