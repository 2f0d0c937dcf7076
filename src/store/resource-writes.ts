/**
 * The steps every write of a resource document shares: validate, resolve references, take out the
 * secret fields, insert or update the row with its reference and secret rows, and audit, all inside
 * the caller's transaction.
 */
import { sql, type Transaction } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { parseInput } from '../core/model/parse.js';
import type { Resource, ResourceKind } from '../core/model/resource.js';
import type { Actor } from './audit.js';
import { formatPath, setAt, toJson, type JsonObject } from './doc-path.js';
import {
  resolveRefs,
  writeRefs,
  type KindRegistry,
  type RefRequest,
  type ResolvedRef,
} from './resource-refs.js';
import { nameTaken, resourceAudit, toResource } from './resource-rows.js';
import { extractSecrets, writeSecrets } from './resource-secrets.js';
import type { SecretBox } from './secrets.js';
import type { Database } from './types.js';

/** What a write needs besides its arguments. */
export interface WriteContext {
  trx: Transaction<Database>;
  box: SecretBox;
  kinds: KindRegistry;
  by: Actor;
  spaceId: string;
}

/** A validated document, ready to store. */
export interface PreparedDoc {
  name: string;
  /** References as ids, secret fields as `{ set }`. */
  data: JsonObject;
  refs: ResolvedRef[];
  /** Secret values by dotted path. */
  secrets: Map<string, string>;
}

/** The name of a document: its `name`, or for singletons (the process) the kind's label. */
export function documentName(kind: ResourceKind, doc: Record<string, unknown>): string {
  if (typeof doc.name === 'string') return doc.name;
  if (kind.singleton) return kind.label.charAt(0).toUpperCase() + kind.label.slice(1);
  throw new Error(`the ${kind.name} schema has no name field`);
}

/**
 * Validates `input` as a `kind` document, resolves its references (channels within `projectId`)
 * and takes out its secret fields; `stored` holds the current secrets for `{ set: true }`.
 */
export async function prepareDocument(
  ctx: WriteContext,
  kind: ResourceKind,
  input: unknown,
  projectId: string | undefined,
  stored: ReadonlyMap<string, string> | undefined,
): Promise<PreparedDoc> {
  const doc = parseInput(kind.schema, input, kind.name) as Record<string, unknown>;
  const refs = kind.refs(doc);
  const requests: RefRequest[] = refs.map((r) => ({
    path: formatPath(r.path),
    where: `${kind.name}.${formatPath(r.path)}`,
    target: r.target,
    value: r.value,
    ...(projectId === undefined ? {} : { projectId }),
  }));
  const resolved = await resolveRefs(ctx.trx, ctx.spaceId, requests, kind.name, ctx.kinds);
  resolved.forEach((r, i) => setAt(doc, refs[i]!.path, r.value));
  // Again with ids: uniqueness rules (an environment in one phase only, no duplicate references)
  // must also catch one thing written once by name and once by id.
  if (refs.length > 0) parseInput(kind.schema, doc, kind.name);
  const secrets = extractSecrets(kind, doc, kind.name, stored);
  return { name: documentName(kind, doc), data: toJson(doc) as JsonObject, refs: resolved, secrets };
}

/** ALREADY_EXISTS unless `name` is free among `kind` in the space (and parent), ignoring `selfId`. */
export async function assertNameFree(
  ctx: WriteContext,
  kind: ResourceKind,
  name: string,
  parentId: string | null,
  selfId?: string,
): Promise<void> {
  let query = ctx.trx
    .selectFrom('resources')
    .select('id')
    .where('space_id', '=', ctx.spaceId)
    .where('kind', '=', kind.name)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .where(sql<boolean>`coalesce(parent_id, '') = ${parentId ?? ''}`);
  if (selfId !== undefined) query = query.where('id', '<>', selfId);
  if (await query.executeTakeFirst()) throw nameTaken(kind, name, parentId !== null);
}

/** Inserts a prepared document as a new resource with its references, secrets and audit row. */
export async function insertResource(
  ctx: WriteContext,
  kind: ResourceKind,
  id: string,
  parentId: string | null,
  doc: PreparedDoc,
): Promise<Resource> {
  const row = await ctx.trx
    .insertInto('resources')
    .values({
      id,
      space_id: ctx.spaceId,
      kind: kind.name,
      parent_id: parentId,
      name: doc.name,
      data: JSON.stringify(doc.data),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const created = toResource(row);
  await writeRefs(ctx.trx, { id, kind: kind.name, name: doc.name }, 'document', doc.refs);
  await writeSecrets(ctx.trx, ctx.box, id, new Map(), doc.secrets);
  return resourceAudit.created(ctx.trx, ctx.by, ctx.spaceId, created);
}

/** Stores `doc` over `before` (version + 1), rewriting references and secrets, with an audit row. */
export async function updateResource(
  ctx: WriteContext,
  kind: ResourceKind,
  before: Resource,
  doc: PreparedDoc,
  storedSecrets: ReadonlyMap<string, string>,
): Promise<Resource> {
  const row = await ctx.trx
    .updateTable('resources')
    .set((eb) => ({
      name: doc.name,
      data: JSON.stringify(doc.data),
      version: eb('version', '+', 1),
      // The database's clock, like created_at's default: one clock across nodes.
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = toResource(row);
  await writeRefs(ctx.trx, { id: before.id, kind: kind.name, name: doc.name }, 'document', doc.refs);
  await writeSecrets(ctx.trx, ctx.box, before.id, storedSecrets, doc.secrets);
  return resourceAudit.updated(ctx.trx, ctx.by, ctx.spaceId, before, after);
}

/** INVALID_INPUT for a call the kind does not allow (create of a singleton, ...). */
export function notAllowed(message: string, data: Record<string, unknown>): SlipwayError {
  return new SlipwayError('INVALID_INPUT', message, { data });
}
