/**
 * Runs the forward-only migrations at start-up. Each migration runs in its own transaction that
 * first takes a transaction-scoped advisory lock, so several nodes starting together on one
 * PostgreSQL apply each migration exactly once: the others wait, then find it recorded. A
 * transaction-scoped lock (not a session lock) also works behind poolers such as PgBouncer in
 * transaction mode. On PGlite the lock is a no-op in effect: one process owns the data directory.
 */
import { sql, type Kysely } from 'kysely';
import { messageOf, SlipwayError } from '../core/errors.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { Database } from './types.js';

/** What a migration run did. */
export interface MigrateResult {
  /** Names of the migrations this run applied (empty when the database was current). */
  applied: string[];
}

/** Applies every pending migration (default: all of Slipway's); safe to run from several nodes at once. */
export async function migrate(
  db: Kysely<Database>,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrateResult> {
  const applied: string[] = [];
  for (;;) {
    let last: string | undefined;
    let current: Migration | undefined;
    try {
      const done = await db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext('slipway.migrations'))`.execute(trx);
        await sql`
          create table if not exists slipway_migrations (
            name text primary key,
            applied_at timestamptz not null default now()
          )`.execute(trx);
        const recorded = await trx.selectFrom('slipway_migrations').select('name').orderBy('name').execute();
        checkKnown(
          recorded.map((r) => r.name),
          migrations,
        );
        last = recorded.at(-1)?.name;
        const names = new Set(recorded.map((r) => r.name));
        current = migrations.find((m) => !names.has(m.name));
        if (!current) return true;
        await current.up(trx as unknown as Kysely<unknown>);
        await trx.insertInto('slipway_migrations').values({ name: current.name }).execute();
        return false;
      });
      if (done) return { applied };
      applied.push(current!.name);
    } catch (e) {
      if (e instanceof SlipwayError) throw e;
      if (current === undefined) throw storeError(e);
      throw new SlipwayError(
        'STORE_MIGRATION_FAILED',
        `Database migration ${current.name} failed and was rolled back, so the database is still at ` +
          `${last ?? 'no migrations'}: ${messageOf(e)}. Fix what the message names and restart Slipway; ` +
          `if the schema was changed by hand, restore it from a backup. If it persists, report it.`,
        { cause: e, data: { migration: current.name, ...(last ? { appliedUpTo: last } : {}) } },
      );
    }
  }
}

// The recorded migrations must be a prefix of ours: anything else means a newer Slipway (or a
// different program) migrated this database, and running old code against it would corrupt it.
function checkKnown(recorded: string[], migrations: readonly Migration[]): void {
  const known = new Set(migrations.map((m) => m.name));
  const unknown = recorded.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new SlipwayError(
      'STORE_UNAVAILABLE',
      `The database has migrations this Slipway does not know (${unknown.join(', ')}): it was upgraded by a ` +
        `newer Slipway. Upgrade this node to the same version, or point it at another database.`,
      { data: { unknownMigrations: unknown } },
    );
  }
}

function storeError(e: unknown): SlipwayError {
  return new SlipwayError('STORE_UNAVAILABLE', `Could not read the migration table: ${messageOf(e)}`, {
    cause: e,
  });
}
