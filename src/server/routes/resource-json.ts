/**
 * Resources as the API returns them: flat JSON, the fixed fields first and the document's fields
 * beside them (`{ id, spaceId, projectId?, name, version, createdAt, updatedAt, ...document }`),
 * secret fields as `{ "set": true|false }`; and the named schemas the OpenAPI document shows per kind.
 */
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import type { Page } from '../../core/model/page.js';
import type { Resource, ResourceKind } from '../../core/model/resource.js';
import type { NamedSchema } from '../route.js';
import { NEXT_CURSOR, pascal } from './resource-http.js';

/** The fields the server manages; a PUT may carry them back from a read and they are ignored. */
const READ_ONLY_FIELDS = ['id', 'spaceId', 'projectId', 'version', 'createdAt', 'updatedAt'] as const;

const resourceJsonSchema = z.looseObject({
  id: z.string(),
  spaceId: z.string(),
  projectId: z.string().optional().meta({ description: 'The project it belongs to (channels).' }),
  name: z.string(),
  version: z.int().meta({ description: 'Grows by one with every change; the ETag is `"<version>"`.' }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** A resource on the wire. */
export type ResourceJson = z.output<typeof resourceJsonSchema>;

// Typed against the schema, so the document and the wire cannot disagree on the fixed fields.
/** The API's JSON for `r`. */
export function resourceJson(r: Resource): ResourceJson {
  const fixed: ResourceJson = {
    id: r.id,
    spaceId: r.spaceId,
    ...(r.parentId === undefined ? {} : { projectId: r.parentId }),
    name: r.name,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
  const fixedKeys = new Set<string>([...READ_ONLY_FIELDS, 'name']);
  const document = Object.entries(r.data).filter(([key]) => !fixedKeys.has(key));
  return { ...fixed, ...Object.fromEntries(document) };
}

/** `{ items, nextCursor? }` of resources. */
export function pageJson(page: Page<Resource>): { items: ResourceJson[]; nextCursor?: string } {
  return {
    items: page.items.map(resourceJson),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}

/**
 * A PUT body without the read-only fields a read returned (and a singleton's name), so GET → edit → PUT needs no clean-up
 * (secret fields read as `{ "set": true }` keep their value). An `id` naming another resource is
 * refused rather than ignored: the caller probably sent the wrong document.
 */
export function replaceBody(body: unknown, current: Resource, kind: ResourceKind): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  if ('id' in record && record.id !== current.id) {
    const issue = `${kind.name}.id: ${JSON.stringify(record.id)} is not the id of the ${kind.label} in the URL (${current.id}); leave id out or send the same one`;
    throw new SlipwayError('INVALID_INPUT', `Invalid ${kind.name}: ${issue}`, { data: { issues: [issue] } });
  }
  // A singleton's name is the server's ("Deployment process"), not a field of its document.
  const readOnly = new Set<string>([...READ_ONLY_FIELDS, ...(kind.singleton ? ['name'] : [])]);
  return Object.fromEntries(Object.entries(record).filter(([key]) => !readOnly.has(key)));
}

/** The named schemas of one kind for the OpenAPI document. */
export interface KindSchemas {
  resource: NamedSchema;
  page: NamedSchema;
  input: NamedSchema;
  /** What a replace answers: the resource, or with `?dryRun=true` what would change. */
  replaced: NamedSchema;
}

/** `<Kind>`, `<Kind>Page`, `<Kind>Input` and `<Kind>Replaced` for `kind`. */
export function kindSchemas(kind: ResourceKind): KindSchemas {
  const name = pascal(kind.name);
  const withParent =
    kind.parent === 'project'
      ? resourceJsonSchema.extend({
          projectId: z.string().meta({ description: 'The project it belongs to.' }),
        })
      : resourceJsonSchema.omit({ projectId: true });
  const resource = withParent.meta({
    description:
      `A ${kind.label}: these fields, and beside them the fields of ${name}Input as stored ` +
      '(references as ids; secret fields as `{ "set": true|false }`, never the value).',
  });
  const dryRun = z.object({
    dryRun: z.literal(true),
    changed: z.boolean().meta({ description: 'False when the document equals the stored one.' }),
    changedFields: z.array(z.string()).meta({ description: 'The top-level fields that would change.' }),
    resource: resource.meta({ description: `The ${kind.label} as it would be; nothing was written.` }),
  });
  return {
    resource: { name, schema: resource },
    page: { name: `${name}Page`, schema: z.object({ items: z.array(resource), nextCursor: NEXT_CURSOR }) },
    input: { name: `${name}Input`, schema: kind.schema },
    replaced: {
      name: `${name}Replaced`,
      schema: z
        .union([resource, dryRun])
        .meta({ description: `The ${kind.label} as now stored; with ?dryRun=true, what would change.` }),
    },
  };
}
