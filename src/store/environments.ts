/**
 * The environments repository: validated input, case-insensitively unique names per space, keyset
 * pagination, optimistic concurrency on `version`, and an audit row with every change, in the same
 * transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import {
  environmentCreateSchema,
  environmentPatchSchema,
  type Environment,
} from '../core/model/environment.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { listQuerySchema, type Page } from '../core/model/page.js';
import { parseInput } from '../core/model/parse.js';
import { auditTrail, inTransaction, type Actor } from './audit.js';
import { cursorCodec, cursorInt4, cursorText, keysetPage } from './cursor.js';
import { uniqueViolation } from './db-errors.js';
import { assertNoHistory } from './history-guard.js';
import { inUseError, usagesOf } from './resource-refs.js';
import type { Database, EnvironmentsTable, JsonValue } from './types.js';

const ENTITY = 'environment';

function toEnvironment(row: Selectable<EnvironmentsTable>): Environment {
  return {
    id: row.id,
    spaceId: row.space_id,
    name: row.name,
    description: row.description,
    sortOrder: row.sort_order,
    guidedFailure: row.guided_failure,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toJson(e: Environment): JsonValue {
  return { ...e, createdAt: e.createdAt.toISOString(), updatedAt: e.updatedAt.toISOString() };
}

const audit = auditTrail(ENTITY, toJson);

// The cursor is the (sortOrder, name) of the last item of the previous page: stable under inserts.
const orderCursor = cursorCodec(cursorInt4, cursorText);

function notFound(spaceId: string, id: string): SlipwayError {
  return new SlipwayError('NOT_FOUND', `There is no environment "${id}" in space ${spaceId}.`, {
    data: { spaceId, id },
  });
}

function duplicate(e: unknown, name: string | undefined): SlipwayError | undefined {
  const index = uniqueViolation(e);
  if (index === undefined || name === undefined) return undefined;
  return new SlipwayError(
    'ALREADY_EXISTS',
    `An environment named "${name}" already exists in this space (names are compared ignoring case). ` +
      `Pick another name, or change the existing environment.`,
    { cause: e, data: { entity: ENTITY, name } },
  );
}

async function lockRow(trx: Transaction<Database>, spaceId: string, id: string) {
  const row = await trx
    .selectFrom('environments')
    .selectAll()
    .where('space_id', '=', spaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound(spaceId, id);
  return toEnvironment(row);
}

function checkVersion(current: Environment, expected: number | undefined, verb: string): void {
  if (expected === undefined || current.version === expected) return;
  throw new SlipwayError(
    'CONFLICT',
    `Cannot ${verb} environment "${current.name}": it was changed since you read it (you had version ` +
      `${expected}, it is now at ${current.version}). Read it again and retry.`,
    { data: { entity: ENTITY, id: current.id, expectedVersion: expected, currentVersion: current.version } },
  );
}

/** The environments repository over `db` (a Kysely instance or a transaction). */
export function environmentsRepository(db: Kysely<Database>) {
  return {
    /** Creates an environment (sortOrder default: after the last one); ALREADY_EXISTS on a taken name. */
    async create(spaceId: string, input: unknown, by: Actor): Promise<Environment> {
      const data = parseInput(environmentCreateSchema, input, 'environment');
      try {
        return await inTransaction(db, async (trx) => {
          const space = await trx
            .selectFrom('spaces')
            .select('id')
            .where('id', '=', spaceId)
            .executeTakeFirst();
          if (!space)
            throw new SlipwayError('NOT_FOUND', `There is no space "${spaceId}".`, { data: { spaceId } });
          const sortOrder =
            data.sortOrder ??
            ((
              await trx
                .selectFrom('environments')
                .select((eb) => eb.fn.max('sort_order').as('max'))
                .where('space_id', '=', spaceId)
                .executeTakeFirst()
            )?.max ?? -1) + 1;
          const row = await trx
            .insertInto('environments')
            .values({
              id: `Environments-${randomUUID()}`,
              space_id: spaceId,
              name: data.name,
              description: data.description,
              sort_order: sortOrder,
              guided_failure: data.guidedFailure,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          return audit.created(trx, by, spaceId, toEnvironment(row));
        });
      } catch (e) {
        throw duplicate(e, data.name) ?? e;
      }
    },

    /** The environment with this id; NOT_FOUND when there is none in the space. */
    async get(spaceId: string, id: string): Promise<Environment> {
      const row = await db
        .selectFrom('environments')
        .selectAll()
        .where('space_id', '=', spaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound(spaceId, id);
      return toEnvironment(row);
    },

    /** The environment with this name (ignoring case), or undefined. */
    async findByName(spaceId: string, name: string): Promise<Environment | undefined> {
      const row = await db
        .selectFrom('environments')
        .selectAll()
        .where('space_id', '=', spaceId)
        .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
        .executeTakeFirst();
      return row ? toEnvironment(row) : undefined;
    },

    /**
     * One page in (sortOrder, name) order; `name` filters by substring, ignoring case; `ids` (default
     * all) keeps only those environments (what a scoped caller may see).
     */
    async list(
      spaceId: string,
      query: unknown = {},
      options: { ids?: ReadonlySet<string> } = {},
    ): Promise<Page<Environment>> {
      const q = parseInput(listQuerySchema, query, 'list query');
      if (options.ids?.size === 0) return { items: [] };
      let select = db.selectFrom('environments').selectAll().where('space_id', '=', spaceId);
      if (options.ids) select = select.where('id', 'in', [...options.ids]);
      if (q.name) {
        const needle = q.name.toLowerCase();
        select = select.where((eb) =>
          eb(eb.fn('strpos', [eb.fn('lower', ['name']), eb.val(needle)]), '>', 0),
        );
      }
      if (q.cursor) {
        const [order, name] = orderCursor.decode(q.cursor);
        select = select.where((eb) => eb(eb.refTuple('sort_order', 'name'), '>', eb.tuple(order, name)));
      }
      const rows = await select
        .orderBy('sort_order')
        .orderBy('name')
        .limit(q.limit + 1)
        .execute();
      return keysetPage(rows, q.limit, toEnvironment, (last) =>
        orderCursor.encode([last.sort_order, last.name]),
      );
    },

    /** Applies `patch` if the environment is still at `expectedVersion` (else CONFLICT); version + 1. */
    async update(
      spaceId: string,
      id: string,
      patch: unknown,
      expectedVersion: number,
      by: Actor,
    ): Promise<Environment> {
      const data = parseInput(environmentPatchSchema, patch, 'environment');
      try {
        return await inTransaction(db, async (trx) => {
          const before = await lockRow(trx, spaceId, id);
          checkVersion(before, expectedVersion, 'update');
          const row = await trx
            .updateTable('environments')
            .set((eb) => ({
              ...(data.name === undefined ? {} : { name: data.name }),
              ...(data.description === undefined ? {} : { description: data.description }),
              ...(data.sortOrder === undefined ? {} : { sort_order: data.sortOrder }),
              ...(data.guidedFailure === undefined ? {} : { guided_failure: data.guidedFailure }),
              version: eb('version', '+', 1),
              // The database's clock, like created_at's default: one clock across nodes.
              updated_at: sql<Date>`now()`,
            }))
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow();
          return audit.updated(trx, by, spaceId, before, toEnvironment(row));
        });
      } catch (e) {
        throw duplicate(e, data.name) ?? e;
      }
    },

    /**
     * Deletes the environment (checking `expectedVersion` when given); NOT_FOUND when it is gone,
     * IN_USE naming whatever still refers to it.
     */
    async delete(spaceId: string, id: string, by: Actor, expectedVersion?: number): Promise<void> {
      await inTransaction(db, async (trx) => {
        const before = await lockRow(trx, spaceId, id);
        checkVersion(before, expectedVersion, 'delete');
        // Lifecycles, tenants, targets, variables, teams, ... name environments; they must let go first.
        const usages = await usagesOf(trx, id, []);
        if (usages.length > 0) {
          throw inUseError(`Cannot delete environment "${before.name}": it is`, usages, RESOURCE_KINDS, {
            entity: ENTITY,
            id,
          });
        }
        await assertNoHistory(trx, 'environment', id, before.name);
        await trx.deleteFrom('environments').where('id', '=', id).execute();
        await audit.deleted(trx, by, spaceId, before);
      });
    },
  };
}

/** The environments repository's type. */
export type EnvironmentsRepository = ReturnType<typeof environmentsRepository>;
