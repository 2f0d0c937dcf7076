/**
 * The repository of resource documents (every kind in core/model/kinds), generic over the kind's
 * description: validated input, references checked and rewritten to ids, secret fields encrypted
 * into resource_secrets, names unique per space (and parent) ignoring case, keyset pagination,
 * optimistic concurrency on `version`, deletes refused while something refers to the resource,
 * and an audit row with every change, in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { listQuerySchema, type Page } from '../core/model/page.js';
import { parseInput } from '../core/model/parse.js';
import type { Resource, ResourceKind } from '../core/model/resource.js';
import { inTransaction, type Actor } from './audit.js';
import { afterNameCursor, encodeNameCursor, keysetPage } from './cursor.js';
import { uniqueViolation } from './db-errors.js';
import { changedTopLevelFields } from './doc-path.js';
import {
  applyChannelDefault,
  assertCreatable,
  assertDeletable,
  assertTagsKept,
  createProjectChildren,
} from './project-rules.js';
import { deleteRefsFrom, inUseError, usagesOf, type KindRegistry } from './resource-refs.js';
import {
  checkResourceVersion,
  nameTaken,
  resourceAudit,
  resourceNotFound,
  toResource,
} from './resource-rows.js';
import { changedSecretFields, readSecrets } from './resource-secrets.js';
import {
  assertNameFree,
  insertResource,
  notAllowed,
  prepareDocument,
  updateResource,
  type WriteContext,
} from './resource-writes.js';
import { assertNoHistory } from './history-guard.js';
import type { SecretBox } from './secrets.js';
import type { Database } from './types.js';

/** The result of a replace: the resource (as it is now, or would be for a dry run) and what changed. */
export interface ReplaceResult {
  resource: Resource;
  /** False when the document equals the stored one (then nothing is written, the version stays). */
  changed: boolean;
  /** Top-level fields that differ (secret fields included, by comparing decrypted values). */
  changedFields: string[];
}

/** List options beyond the query string. */
export interface ListOptions {
  /** The parent project, for channels. */
  parentId?: string;
  /** Only these ids (permission filtering); undefined = all. */
  ids?: ReadonlySet<string>;
}

/** Options of a resources repository. */
export interface ResourcesRepositoryOptions {
  /** The kinds that references, project rules and messages look up by name. Default RESOURCE_KINDS. */
  kinds?: KindRegistry;
}

const LIST_KEYS = ['limit', 'cursor', 'name'];

function listInput(
  kind: ResourceKind,
  query: unknown,
): { base: Record<string, unknown>; filters: unknown[] } {
  const filters = kind.listFilters ?? {};
  const raw = query ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SlipwayError('INVALID_INPUT', 'Invalid list query: a list query must be an object');
  }
  const base: Record<string, unknown> = {};
  const contains: unknown[] = [];
  const unknown: string[] = [];
  const issues: string[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const filter = Object.hasOwn(filters, key) ? filters[key] : undefined;
    if (filter) {
      const values = Array.isArray(value) ? (value as unknown[]) : [value];
      for (const v of values) {
        if (typeof v === 'string' && v !== '') contains.push(filter(v));
        else issues.push(`list query.${key}: ${key} must be a non-empty string`);
      }
    } else if (LIST_KEYS.includes(key)) {
      base[key] = value;
    } else if (value !== undefined) {
      unknown.push(key);
    }
  }
  if (unknown.length > 0) {
    const accepted = [...LIST_KEYS, ...Object.keys(filters)].join(', ');
    issues.unshift(
      `list query: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} ` +
        `(a ${kind.label} list takes ${accepted})`,
    );
  }
  if (issues.length > 0) {
    throw new SlipwayError('INVALID_INPUT', `Invalid list query: ${issues.join('; ')}`, { data: { issues } });
  }
  return { base, filters: contains };
}

/** The repository for `kind` over `db`; `secrets` encrypts and decrypts its secret fields. */
export function resourcesRepository(
  db: Kysely<Database>,
  secrets: SecretBox,
  kind: ResourceKind,
  options: ResourcesRepositoryOptions = {},
) {
  const kinds = options.kinds ?? RESOURCE_KINDS;
  const nested = kind.parent !== undefined;
  const context = (trx: WriteContext['trx'], spaceId: string, by: Actor): WriteContext => ({
    trx,
    box: secrets,
    kinds,
    by,
    spaceId,
  });
  const select = (spaceId: string) =>
    db.selectFrom('resources').selectAll().where('space_id', '=', spaceId).where('kind', '=', kind.name);
  // A unique index violation that slipped past the explicit check (a concurrent write).
  const duplicate = (e: unknown, input: unknown) => {
    const name = (input as { name?: unknown } | null)?.name;
    return uniqueViolation(e) !== undefined && typeof name === 'string'
      ? nameTaken(kind, name, nested, e)
      : undefined;
  };

  return {
    /** Creates a resource (under `parentId` for nested kinds); ALREADY_EXISTS on a taken name. */
    async create(spaceId: string, input: unknown, by: Actor, parentId?: string): Promise<Resource> {
      assertCreatable(kind);
      try {
        return await inTransaction(db, async (trx) => {
          const ctx = context(trx, spaceId, by);
          const space = await trx
            .selectFrom('spaces')
            .select('id')
            .where('id', '=', spaceId)
            .executeTakeFirst();
          if (!space)
            throw new SlipwayError('NOT_FOUND', `There is no space "${spaceId}".`, { data: { spaceId } });
          if (nested !== (parentId !== undefined)) {
            throw notAllowed(
              nested
                ? `A ${kind.label} belongs to a ${kind.parent}: create it under one.`
                : `A ${kind.label} does not belong to a project: create it without one.`,
              { entity: kind.name },
            );
          }
          if (parentId !== undefined) {
            const parent = await trx
              .selectFrom('resources')
              .select('id')
              .where('space_id', '=', spaceId)
              .where('kind', '=', kind.parent!)
              .where('id', '=', parentId)
              .forKeyShare()
              .executeTakeFirst();
            if (!parent) throw resourceNotFound(kinds[kind.parent!], spaceId, parentId);
          }
          const id = `${kind.idPrefix}-${randomUUID()}`;
          const projectId = parentId ?? (kind.name === 'project' ? id : undefined);
          const doc = await prepareDocument(ctx, kind, input, projectId, undefined);
          await assertNameFree(ctx, kind, doc.name, parentId ?? null);
          if (parentId !== undefined) {
            await applyChannelDefault(ctx, kind, id, parentId, undefined, doc.data, false);
          }
          const created = await insertResource(ctx, kind, id, parentId ?? null, doc);
          if (kind.name === 'project') await createProjectChildren(ctx, created);
          return created;
        });
      } catch (e) {
        throw duplicate(e, input) ?? e;
      }
    },

    /** The resource with this id; NOT_FOUND when there is none of this kind in the space. */
    async get(spaceId: string, id: string): Promise<Resource> {
      const row = await select(spaceId).where('id', '=', id).executeTakeFirst();
      if (!row) throw resourceNotFound(kind, spaceId, id);
      return toResource(row);
    },

    /**
     * The resource with this id or name (ignoring case), or undefined; nested kinds look in
     * `parentId` (without it, a name several projects use is INVALID_INPUT: give the id).
     */
    async find(spaceId: string, idOrName: string, parentId?: string): Promise<Resource | undefined> {
      let query = select(spaceId).where((eb) =>
        eb.or([eb('id', '=', idOrName), eb(eb.fn('lower', ['name']), '=', idOrName.toLowerCase())]),
      );
      if (parentId !== undefined) query = query.where('parent_id', '=', parentId);
      const rows = await query.limit(10).execute();
      const byId = rows.find((r) => r.id === idOrName);
      if (byId) return toResource(byId);
      if (rows.length > 1) {
        throw new SlipwayError(
          'INVALID_INPUT',
          `Several ${kind.label}s are named "${idOrName}" (in different projects); use the id instead.`,
          { data: { entity: kind.name, name: idOrName } },
        );
      }
      return rows[0] ? toResource(rows[0]) : undefined;
    },

    /** The singleton child of `parentId` (process); NOT_FOUND when the parent does not exist. */
    async getSingleton(spaceId: string, parentId: string): Promise<Resource> {
      const row = await select(spaceId).where('parent_id', '=', parentId).executeTakeFirst();
      if (!row) {
        throw new SlipwayError(
          'NOT_FOUND',
          `There is no ${kind.parent ?? 'parent'} "${parentId}" in space ${spaceId}, so no ${kind.label}.`,
          { data: { entity: kind.name, spaceId, parentId } },
        );
      }
      return toResource(row);
    },

    /** One page in name order; query: limit, cursor, name (substring) and the kind's listFilters. */
    async list(spaceId: string, query: unknown = {}, options: ListOptions = {}): Promise<Page<Resource>> {
      const { base, filters } = listInput(kind, query);
      const q = parseInput(listQuerySchema, base, 'list query');
      if (options.ids?.size === 0) return { items: [] };
      let rows = select(spaceId);
      if (options.parentId !== undefined) rows = rows.where('parent_id', '=', options.parentId);
      if (options.ids) rows = rows.where('id', 'in', [...options.ids]);
      if (q.name) {
        const needle = q.name.toLowerCase();
        rows = rows.where((eb) => eb(eb.fn('strpos', [eb.fn('lower', ['name']), eb.val(needle)]), '>', 0));
      }
      for (const f of filters) rows = rows.where(sql<boolean>`data @> ${JSON.stringify(f)}::jsonb`);
      if (q.cursor) rows = rows.where(afterNameCursor(q.cursor));
      const found = await rows
        .orderBy(sql`lower(name)`)
        .orderBy('id')
        .limit(q.limit + 1)
        .execute();
      return keysetPage(found, q.limit, toResource, (last) => encodeNameCursor(last.name, last.id));
    },

    /**
     * Replaces the document if the resource is still at `expectedVersion` (else CONFLICT). Unchanged
     * documents are not written. With `dryRun` (default false), validates and compares without writing.
     */
    async replace(
      spaceId: string,
      id: string,
      input: unknown,
      expectedVersion: number | undefined,
      by: Actor,
      options: { dryRun?: boolean } = {},
    ): Promise<ReplaceResult> {
      const dryRun = options.dryRun === true;
      try {
        return await inTransaction(db, async (trx) => {
          const ctx = context(trx, spaceId, by);
          // NO KEY UPDATE: documents that refer to this one (KEY SHARE) may still be written meanwhile.
          const row = await trx
            .selectFrom('resources')
            .selectAll()
            .where('space_id', '=', spaceId)
            .where('kind', '=', kind.name)
            .where('id', '=', id)
            .forNoKeyUpdate()
            .executeTakeFirst();
          if (!row) throw resourceNotFound(kind, spaceId, id);
          const before = toResource(row);
          checkResourceVersion(kind, before, expectedVersion, 'replace');
          const stored = await readSecrets(trx, secrets, id);
          const projectId = before.parentId ?? (kind.name === 'project' ? id : undefined);
          const doc = await prepareDocument(ctx, kind, input, projectId, stored);
          const changedFields = [
            ...new Set([
              ...changedTopLevelFields(before.data, doc.data),
              ...changedSecretFields(stored, doc.secrets),
            ]),
          ].sort();
          if (changedFields.length === 0 && doc.name === before.name) {
            return { resource: before, changed: false, changedFields: [] };
          }
          if (doc.name.toLowerCase() !== before.name.toLowerCase()) {
            await assertNameFree(ctx, kind, doc.name, before.parentId ?? null, id);
          }
          await assertTagsKept(ctx, kind, before, doc);
          if (before.parentId !== undefined) {
            await applyChannelDefault(ctx, kind, id, before.parentId, before, doc.data, dryRun);
          }
          if (dryRun) {
            const resource = {
              ...before,
              name: doc.name,
              data: doc.data,
              version: before.version + 1,
              updatedAt: new Date(),
            };
            return { resource, changed: true, changedFields };
          }
          const resource = await updateResource(ctx, kind, before, doc, stored);
          return { resource, changed: true, changedFields };
        });
      } catch (e) {
        throw duplicate(e, input) ?? e;
      }
    },

    /** Deletes the resource and its children; IN_USE naming the users when something refers to it. */
    async delete(spaceId: string, id: string, by: Actor, expectedVersion?: number): Promise<void> {
      await inTransaction(db, async (trx) => {
        const row = await trx
          .selectFrom('resources')
          .selectAll()
          .where('space_id', '=', spaceId)
          .where('kind', '=', kind.name)
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (!row) throw resourceNotFound(kind, spaceId, id);
        const before = toResource(row);
        checkResourceVersion(kind, before, expectedVersion, 'delete');
        assertDeletable(kind, before);
        const children = (
          await trx
            .selectFrom('resources')
            .selectAll()
            .where('parent_id', '=', id)
            .orderBy('id')
            .forUpdate()
            .execute()
        ).map(toResource);
        const gone = [id, ...children.map((c) => c.id)];
        const usages = await usagesOf(trx, id, gone);
        if (usages.length > 0) {
          throw inUseError(`Cannot delete ${kind.label} "${before.name}": it is`, usages, kinds, {
            entity: kind.name,
            id,
          });
        }
        if (kind.name === 'channel' || kind.name === 'tenant') {
          await assertNoHistory(trx, kind.name, id, before.name);
        }
        for (const child of children) {
          const childUsages = await usagesOf(trx, child.id, gone);
          if (childUsages.length === 0) continue;
          const label = kinds[child.kind].label;
          throw inUseError(
            `Cannot delete ${kind.label} "${before.name}": its ${label} "${child.name}" is`,
            childUsages,
            kinds,
            { entity: kind.name, id, child: { kind: child.kind, id: child.id } },
          );
        }
        await deleteRefsFrom(trx, gone);
        // Children, their secrets and the variables go with the row (on delete cascade).
        await trx.deleteFrom('resources').where('id', '=', id).execute();
        for (const r of [...children, before]) await resourceAudit.deleted(trx, by, spaceId, r);
      });
    },

    /** The decrypted secret fields of a resource, by dotted path (for the deployment engine; never the API). */
    async revealSecrets(spaceId: string, id: string): Promise<Record<string, string>> {
      return inTransaction(db, async (trx) => {
        const row = await trx
          .selectFrom('resources')
          .select('id')
          .where('space_id', '=', spaceId)
          .where('kind', '=', kind.name)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row) throw resourceNotFound(kind, spaceId, id);
        return Object.fromEntries(await readSecrets(trx, secrets, id));
      });
    },
  };
}

/** A resources repository's type. */
export type ResourcesRepository = ReturnType<typeof resourcesRepository>;
