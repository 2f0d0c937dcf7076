/**
 * Releases: version unique per project (ignoring case), the frozen process and the frozen
 * variables (project + included library sets; sensitive values encrypted in release_variables),
 * "update variables" that takes the snapshot again.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { listQuerySchema, type Page } from '../core/model/page.js';
import { parseInput } from '../core/model/parse.js';
import type { Release, SelectedPackage } from '../core/model/release.js';
import type { ScopedVariable } from '../core/variables/types.js';
import { inTransaction, recordAudit, type Actor } from './audit.js';
import { uniqueViolation } from './db-errors.js';
import { currentVariables, readSnapshot, writeSnapshot } from './release-snapshot.js';
import type { KindRegistry } from './resource-refs.js';
import type { SecretBox } from './secrets.js';
import { beforeTimeCursor, newestFirstPage, timeKey } from './cursor.js';
import type { Database, JsonValue, ReleasesTable } from './types.js';

const ENTITY = 'release';

/** A release to insert (already validated and resolved by the caller). */
export interface NewRelease {
  projectId: string;
  channelId: string;
  version: string;
  notes: string;
  packages: SelectedPackage[];
}

/** Options of a releases repository. */
export interface ReleasesRepositoryOptions {
  /** The kinds variable sets are read with. Default RESOURCE_KINDS. */
  kinds?: KindRegistry;
}

function toRelease(row: Selectable<ReleasesTable>): Release {
  return {
    id: row.id,
    spaceId: row.space_id,
    projectId: row.project_id,
    channelId: row.channel_id,
    version: row.version,
    notes: row.notes,
    packages: row.packages as unknown as SelectedPackage[],
    processSnapshot: row.process_snapshot as Record<string, unknown>,
    createdBy: row.created_by,
    createdAt: row.created_at,
    variablesSnapshotVersion: row.variables_snapshot_version,
  };
}

// The audit row leaves out the process snapshot (a copy of an audited document) and the variables.
function toJson(r: Release, variables?: number): JsonValue {
  return {
    id: r.id,
    spaceId: r.spaceId,
    projectId: r.projectId,
    channelId: r.channelId,
    version: r.version,
    notes: r.notes,
    packages: r.packages as unknown as JsonValue,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    variablesSnapshotVersion: r.variablesSnapshotVersion,
    ...(variables === undefined ? {} : { variables }),
  };
}

function notFound(spaceId: string, id: string): SlipwayError {
  return new SlipwayError('NOT_FOUND', `There is no release "${id}" in space ${spaceId}.`, {
    data: { entity: ENTITY, spaceId, id },
  });
}

async function lockRelease(trx: Transaction<Database>, spaceId: string, id: string): Promise<Release> {
  const row = await trx
    .selectFrom('releases')
    .selectAll()
    .where('space_id', '=', spaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound(spaceId, id);
  return toRelease(row);
}

/** The process document of the project (`{ steps: [] }` when it has none yet). */
async function processDocument(trx: Transaction<Database>, projectId: string): Promise<JsonValue> {
  const row = await trx
    .selectFrom('resources')
    .select('data')
    .where('parent_id', '=', projectId)
    .where('kind', '=', 'process')
    .executeTakeFirst();
  return row?.data ?? { steps: [] };
}

/** The releases repository over `db`. */
export function releasesRepository(
  db: Kysely<Database>,
  secrets: SecretBox,
  options: ReleasesRepositoryOptions = {},
) {
  const { kinds } = options;
  return {
    /**
     * Creates the release, snapshotting the project's process and its variables (project + library
     * sets, in include order) in the same transaction; ALREADY_EXISTS on a taken version.
     */
    async create(spaceId: string, release: NewRelease, by: Actor): Promise<Release> {
      let projectName = release.projectId;
      try {
        return await inTransaction(db, async (trx) => {
          const variables = await currentVariables(trx, secrets, spaceId, release.projectId, kinds);
          const project = await trx
            .selectFrom('resources')
            .select('name')
            .where('id', '=', release.projectId)
            .executeTakeFirstOrThrow();
          projectName = project.name;
          const channel = await trx
            .selectFrom('resources')
            .select('id')
            .where('id', '=', release.channelId)
            .where('kind', '=', 'channel')
            .where('parent_id', '=', release.projectId)
            .executeTakeFirst();
          if (!channel) {
            throw new SlipwayError(
              'NOT_FOUND',
              `Project "${project.name}" has no channel "${release.channelId}". Pick one of its channels.`,
              { data: { entity: 'channel', projectId: release.projectId, id: release.channelId } },
            );
          }
          const row = await trx
            .insertInto('releases')
            .values({
              id: `Releases-${randomUUID()}`,
              space_id: spaceId,
              project_id: release.projectId,
              channel_id: release.channelId,
              version: release.version,
              notes: release.notes,
              packages: JSON.stringify(release.packages),
              process_snapshot: JSON.stringify(await processDocument(trx, release.projectId)),
              created_by: by.actor,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          const created = toRelease(row);
          const count = await writeSnapshot(trx, secrets, created.id, variables);
          await recordAudit(trx, by, {
            spaceId,
            action: 'create',
            entityType: ENTITY,
            entityId: created.id,
            after: toJson(created, count),
          });
          return created;
        });
      } catch (e) {
        if (uniqueViolation(e) === undefined) throw e;
        throw new SlipwayError(
          'ALREADY_EXISTS',
          `Release ${release.version} of project "${projectName}" already exists. Pass another --version, ` +
            `or deploy the existing one.`,
          { cause: e, data: { entity: ENTITY, projectId: release.projectId, version: release.version } },
        );
      }
    },

    /** NOT_FOUND when there is none. */
    async get(spaceId: string, id: string): Promise<Release> {
      const row = await db
        .selectFrom('releases')
        .selectAll()
        .where('space_id', '=', spaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound(spaceId, id);
      return toRelease(row);
    },

    /** The release of `projectId` with this version (ignoring case), or undefined. */
    async findByVersion(spaceId: string, projectId: string, version: string): Promise<Release | undefined> {
      const row = await db
        .selectFrom('releases')
        .selectAll()
        .where('space_id', '=', spaceId)
        .where('project_id', '=', projectId)
        .where(sql<boolean>`lower(version) = ${version.toLowerCase()}`)
        .executeTakeFirst();
      return row ? toRelease(row) : undefined;
    },

    /** Newest first; query: limit, cursor, name (version substring); options: project, channel. */
    async list(
      spaceId: string,
      query: unknown = {},
      options: { projectId?: string; channelId?: string } = {},
    ): Promise<Page<Release>> {
      const q = parseInput(listQuerySchema, query ?? {}, 'list query');
      let select = db
        .selectFrom('releases')
        .selectAll()
        .select(timeKey().as('time_key'))
        .where('space_id', '=', spaceId);
      if (options.projectId !== undefined) select = select.where('project_id', '=', options.projectId);
      if (options.channelId !== undefined) select = select.where('channel_id', '=', options.channelId);
      if (q.name) select = select.where(sql<boolean>`strpos(lower(version), ${q.name.toLowerCase()}) > 0`);
      if (q.cursor) select = select.where(beforeTimeCursor(q.cursor));
      const rows = await select
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.limit + 1)
        .execute();
      return newestFirstPage(rows, q.limit, toRelease);
    },

    /** Every version of the project (for the version template's Last*), newest first; `channelId` narrows. */
    async versions(spaceId: string, projectId: string, channelId?: string): Promise<string[]> {
      let select = db
        .selectFrom('releases')
        .select('version')
        .where('space_id', '=', spaceId)
        .where('project_id', '=', projectId);
      if (channelId !== undefined) select = select.where('channel_id', '=', channelId);
      const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map((r) => r.version);
    },

    /** Takes the variable snapshot again (audited); returns the release. */
    async updateVariables(spaceId: string, id: string, by: Actor): Promise<Release> {
      return inTransaction(db, async (trx) => {
        const before = await lockRelease(trx, spaceId, id);
        const variables = await currentVariables(trx, secrets, spaceId, before.projectId, kinds);
        const count = await writeSnapshot(trx, secrets, id, variables);
        const row = await trx
          .updateTable('releases')
          .set((eb) => ({ variables_snapshot_version: eb('variables_snapshot_version', '+', 1) }))
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const after = toRelease(row);
        await recordAudit(trx, by, {
          spaceId,
          action: 'update',
          entityType: ENTITY,
          entityId: id,
          before: toJson(before),
          after: toJson(after, count),
        });
        return after;
      });
    },

    /** The frozen variables, decrypted (the engine only; never the API). */
    async variables(spaceId: string, id: string): Promise<ScopedVariable[]> {
      return inTransaction(db, async (trx) => {
        const row = await trx
          .selectFrom('releases')
          .select('id')
          .where('space_id', '=', spaceId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row) throw notFound(spaceId, id);
        return readSnapshot(trx, secrets, id);
      });
    },

    /**
     * Deletes a release with no deployment in progress (retention), with its finished deployments;
     * CONFLICT while one is queued, executing or cancelling.
     */
    async delete(spaceId: string, id: string, by: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        // The row lock also holds off new deployments (their foreign key check waits for it).
        const before = await lockRelease(trx, spaceId, id);
        const active = await trx
          .selectFrom('deployments')
          .select(['id', 'state'])
          .where('release_id', '=', id)
          .where('state', 'in', ['queued', 'executing', 'cancelling'])
          .forUpdate()
          .execute();
        if (active.length > 0) {
          throw new SlipwayError(
            'CONFLICT',
            `Cannot delete release ${before.version}: ${active.length} deployment(s) of it are in progress ` +
              `(${active.map((d) => d.id).join(', ')}). Wait for them to finish, or cancel them first.`,
            { data: { entity: ENTITY, id, deployments: active.map((d) => d.id) } },
          );
        }
        const removed = await trx.deleteFrom('deployments').where('release_id', '=', id).executeTakeFirst();
        await trx.deleteFrom('releases').where('id', '=', id).execute();
        await recordAudit(trx, by, {
          spaceId,
          action: 'delete',
          entityType: ENTITY,
          entityId: id,
          before: {
            ...(toJson(before) as Record<string, JsonValue>),
            deployments: Number(removed.numDeletedRows),
          },
        });
      });
    },
  };
}

/** A releases repository's type. */
export type ReleasesRepository = ReturnType<typeof releasesRepository>;
