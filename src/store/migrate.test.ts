import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { openStore } from './database.js';
import { migrate } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { Database } from './types.js';

async function recorded(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('slipway_migrations').select('name').orderBy('name').execute();
  return rows.map((r) => r.name);
}

async function tableExists(db: Kysely<Database>, name: string): Promise<boolean> {
  const r = await sql<{ t: string | null }>`select to_regclass(${name})::text as t`.execute(db);
  return r.rows[0]?.t != null;
}

// A slow last migration (named to sort after every real one) widens the window in which two runs could collide.
const slow: Migration = {
  name: '9999_slow',
  async up(db) {
    await sql`select pg_sleep(0.2)`.execute(db);
    await sql`create table slow_things (id integer primary key)`.execute(db);
  },
};

forEachBackend('migrations', (backend) => {
  it('apply once at open, then are idempotent', async () => {
    const store = await backend.open();
    assert.deepEqual(
      await recorded(store.db),
      MIGRATIONS.map((m) => m.name),
    );
    assert.deepEqual(await migrate(store.db), { applied: [] });
    assert.deepEqual(
      await recorded(store.db),
      MIGRATIONS.map((m) => m.name),
    );
    const spaces = await store.db.selectFrom('spaces').select('name').execute();
    assert.deepEqual(spaces, [{ name: 'Default' }]);
  });

  it('two runs started together apply each migration exactly once', async () => {
    const location = await backend.freshLocation();
    const a = await openStore({ ...location, migrate: false });
    // PostgreSQL: a second pool, like a second node. PGlite: one process owns the directory, so
    // the second run shares the instance (its mutex is what serialises the runs).
    const b = backend.kind === 'postgres' ? await openStore({ ...location, migrate: false }) : a;
    try {
      const list = [...MIGRATIONS, slow];
      const [ra, rb] = await Promise.all([migrate(a.db, list), migrate(b.db, list)]);
      assert.deepEqual([...ra.applied, ...rb.applied].sort(), list.map((m) => m.name).sort());
      assert.deepEqual(
        await recorded(a.db),
        list.map((m) => m.name),
      );
      assert.ok(await tableExists(a.db, 'slow_things'));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a failing migration rolls back and the error names it', async () => {
    const broken: Migration = {
      name: '9999_broken',
      async up(db) {
        await sql`create table half_done (id integer)`.execute(db);
        await sql`select * from no_such_table`.execute(db);
      },
    };
    const location = await backend.freshLocation();
    await assert.rejects(openStore({ ...location, migrations: [...MIGRATIONS, broken] }), (e: unknown) => {
      assert.ok(e instanceof SlipwayError);
      assert.equal(e.code, 'STORE_MIGRATION_FAILED');
      assert.match(e.message, /9999_broken failed and was rolled back/);
      assert.match(e.message, new RegExp(`still at ${MIGRATIONS.at(-1)!.name}`));
      assert.match(e.message, /no_such_table/);
      return true;
    });
    const store = await openStore({ ...location });
    try {
      assert.deepEqual(
        await recorded(store.db),
        MIGRATIONS.map((m) => m.name),
      );
      assert.equal(await tableExists(store.db, 'half_done'), false);
    } finally {
      await store.close();
    }
  });

  it('refuses a database migrated by a newer Slipway', async () => {
    const location = await backend.freshLocation();
    const newer = await openStore({ ...location, migrations: [...MIGRATIONS, slow] });
    await newer.close();
    await assert.rejects(openStore(location), (e: unknown) => {
      assert.ok(e instanceof SlipwayError);
      assert.equal(e.code, 'STORE_UNAVAILABLE');
      assert.match(e.message, /9999_slow/);
      assert.match(e.message, /Upgrade this node/);
      return true;
    });
  });
});
