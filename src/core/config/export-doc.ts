/**
 * Turns resources read from the API into configuration-file entries: server fields dropped,
 * references as names, secrets as `{ env }` references (never values), keys in the schema's order,
 * and fields that equal their schema default left out so the file stays short.
 */
import type { z } from 'zod';
import { SlipwayError } from '../errors.js';
import type { ResourceKind } from '../model/resource.js';
import {
  cloneJson,
  deleteAt,
  getAt,
  isRecord,
  jsonEqual,
  refsToNames,
  type DocPath,
  type NameIndex,
} from './names.js';
import { secretPaths, secretsToEnvReferences, type SecretNames } from './secrets.js';

/** Fields the server adds to every resource; they are not part of a document. */
export const SERVER_FIELDS: readonly string[] = [
  'id',
  'spaceId',
  'projectId',
  'parentId',
  'kind',
  'version',
  'createdAt',
  'updatedAt',
];

// Every record key's path in `value`, parents before their children.
function keyPaths(value: unknown, at: (string | number)[] = [], out: DocPath[] = []): DocPath[] {
  if (Array.isArray(value)) value.forEach((v, i) => keyPaths(v, [...at, i], out));
  else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.push([...at, k]);
      keyPaths(v, [...at, k], out);
    }
  }
  return out;
}

/**
 * `doc` as `schema` parses it (so its keys come in the schema's order), without every field, at any
 * depth, whose value the schema would fill in by itself: `tags: []`, `disabled: false`, ...
 */
export function dropDefaults(schema: z.ZodType, doc: Record<string, unknown>): Record<string, unknown> {
  const parsed = schema.safeParse(doc);
  if (!parsed.success || !isRecord(parsed.data)) return doc;
  const full = parsed.data;
  let out = cloneJson(full);
  for (const path of keyPaths(full)) {
    if (path.length === 1 && path[0] === 'name') continue;
    if (getAt(out, path) === undefined) continue; // a parent already went
    const trial = cloneJson(out);
    deleteAt(trial, path);
    const again = schema.safeParse(trial);
    if (again.success && jsonEqual(again.data, full)) out = trial;
  }
  return out;
}

/**
 * The file entry for a resource read from the API. `secretName` is the name used in its secrets'
 * environment variable names (a process is named by its project).
 */
export function exportResource(
  kind: ResourceKind,
  item: Record<string, unknown>,
  index: NameIndex,
  secrets: SecretNames,
  secretName: string,
): Record<string, unknown> {
  const doc = Object.fromEntries(
    Object.entries(cloneJson(item)).filter(
      ([k]) => !SERVER_FIELDS.includes(k) && !(kind.singleton && k === 'name'),
    ),
  );
  const parsed = kind.schema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SlipwayError(
      'INTERNAL',
      `The ${kind.label} "${secretName}" read from the server does not fit its schema ` +
        `(${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}); is the server the same version as this CLI?`,
    );
  }
  const named = refsToNames(doc, kind.refs(parsed.data), index);
  secretsToEnvReferences(named, secretPaths(named, kind.secretFields), kind.name, secretName, secrets);
  return dropDefaults(kind.schema, named);
}

/** The file entry for an environment (description and guidedFailure only when not the default). */
export function exportEnvironment(e: {
  name: string;
  description: string;
  sortOrder: number;
  guidedFailure: boolean;
}): Record<string, unknown> {
  return {
    name: e.name,
    ...(e.description !== '' ? { description: e.description } : {}),
    sortOrder: e.sortOrder,
    ...(e.guidedFailure ? { guidedFailure: true } : {}),
  };
}
