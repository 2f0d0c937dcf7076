/** Rows of the resources table as repositories return them, and the errors about one resource. */
import type { Selectable } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { Resource, ResourceKind, ResourceKindName } from '../core/model/resource.js';
import { auditTrail } from './audit.js';
import type { JsonObject } from './doc-path.js';
import type { JsonValue, ResourcesTable } from './types.js';

/** A stored row as a Resource. */
export function toResource(row: Selectable<ResourcesTable>): Resource {
  return {
    id: row.id,
    spaceId: row.space_id,
    kind: row.kind as ResourceKindName,
    ...(row.parent_id === null ? {} : { parentId: row.parent_id }),
    name: row.name,
    version: row.version,
    data: row.data as JsonObject,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A resource as the audit log records it (secret fields are `{ set }` already, never values). */
export function resourceJson(r: Resource): JsonValue {
  return {
    id: r.id,
    spaceId: r.spaceId,
    kind: r.kind,
    ...(r.parentId === undefined ? {} : { parentId: r.parentId }),
    name: r.name,
    version: r.version,
    data: r.data as JsonObject,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** The audit records of resources (each typed by its kind). */
export const resourceAudit = auditTrail<Resource>((r) => r.kind, resourceJson);

/** NOT_FOUND for a resource of `kind`. */
export function resourceNotFound(kind: ResourceKind, spaceId: string, id: string): SlipwayError {
  return new SlipwayError('NOT_FOUND', `There is no ${kind.label} "${id}" in space ${spaceId}.`, {
    data: { entity: kind.name, spaceId, id },
  });
}

/** CONFLICT when `current` is no longer at `expected` (nothing when expected is undefined). */
export function checkResourceVersion(
  kind: ResourceKind,
  current: Resource,
  expected: number | undefined,
  verb: string,
): void {
  if (expected === undefined || current.version === expected) return;
  throw new SlipwayError(
    'CONFLICT',
    `Cannot ${verb} ${kind.label} "${current.name}": it was changed since you read it (you had version ` +
      `${expected}, it is now at ${current.version}). Read it again and retry.`,
    {
      data: { entity: kind.name, id: current.id, expectedVersion: expected, currentVersion: current.version },
    },
  );
}

/** ALREADY_EXISTS for a taken name (`where`: "this space" or "this project"). */
export function nameTaken(kind: ResourceKind, name: string, nested: boolean, cause?: unknown): SlipwayError {
  const article = /^[aeiou]/i.test(kind.label) ? 'An' : 'A';
  return new SlipwayError(
    'ALREADY_EXISTS',
    `${article} ${kind.label} named "${name}" already exists in this ${nested ? 'project' : 'space'} ` +
      `(names are compared ignoring case). Pick another name, or change the existing ${kind.label}.`,
    { cause, data: { entity: kind.name, name } },
  );
}
