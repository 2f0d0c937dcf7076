/** The embedded store's data directory: one opener, no initdb over an earlier database, private files, readable causes. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SlipwayError } from '../core/errors.js';
import { DEFAULT_SPACE_ID } from '../core/model/space.js';
import { seedPgliteDataDir, tempDataDir } from '../../test/helpers/postgres.js';
import { openStore } from './database.js';
import { LOCK_FILE } from './data-dir-lock.js';
import { PGLITE_POSTGRES_MAJOR } from './data-dir.js';
import { environmentsRepository } from './environments.js';

function unavailable(reason: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, 'STORE_UNAVAILABLE', e.message);
    assert.equal(e.data.reason, reason, e.message);
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /Aborted|ASSERTIONS/);
    return true;
  };
}

/** Every path under `dir` with its mode, to show that a refused open changed nothing. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const st = statSync(p);
      out.push(`${p.slice(dir.length)} ${st.size}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

async function seeded(): Promise<string> {
  const dataDir = tempDataDir();
  await seedPgliteDataDir(dataDir);
  return dataDir;
}

describe('embedded store data directory', () => {
  it('bundles the PostgreSQL major version it checks PG_VERSION against', async () => {
    const dataDir = await seeded();
    assert.equal(readFileSync(join(dataDir, 'db', 'PG_VERSION'), 'utf8').trim(), PGLITE_POSTGRES_MAJOR);
  });

  it('is opened by one store at a time, and unlocked when that store closes', async () => {
    const dataDir = await seeded();
    // Migrated (a query run) on purpose: a PGlite closed before any query keeps a timer that holds
    // the test process open when the same directory is opened again.
    const first = await openStore({ dataDir });
    try {
      await assert.rejects(
        openStore({ dataDir, migrate: false }),
        unavailable('locked', new RegExp(`PID ${process.pid}\\b.*already has the data directory`)),
      );
    } finally {
      await first.close();
    }
    const again = await openStore({ dataDir });
    await again.close();
    assert.ok(!readdirSync(dataDir).includes(LOCK_FILE));
  });

  it('keeps the directory 0700 and no database file readable by others', async () => {
    const dataDir = await seeded();
    chmodSync(dataDir, 0o755);
    const store = await openStore({ dataDir });
    await environmentsRepository(store.db).create(DEFAULT_SPACE_ID, { name: 'Dev' }, { actor: 'test' });
    await store.close();
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dataDir, 'db')).mode & 0o777, 0o700);
    const open = listing(dataDir)
      .map((line) => line.split(' ')[0]!)
      .filter((p) => (statSync(join(dataDir, p)).mode & 0o077) !== 0);
    assert.deepEqual(open, [], 'files readable by group or others');
  });

  it('creates a new data directory 0700', async () => {
    const dataDir = join(tempDataDir(), 'new', 'data');
    const store = await openStore({ dataDir, migrate: false });
    await store.close();
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dataDir, 'db')).mode & 0o777, 0o700);
  });

  it('refuses a cluster without PG_VERSION instead of initialising over it, and changes nothing', async () => {
    const dataDir = await seeded();
    rmSync(join(dataDir, 'db', 'PG_VERSION'));
    const before = listing(dataDir);
    await assert.rejects(
      openStore({ dataDir }),
      unavailable('incomplete', /db is incomplete: it holds \d+ entries but no PG_VERSION.*not initialise/),
    );
    assert.deepEqual(listing(dataDir), before);
  });

  it('refuses an empty or missing db/ beside the keys of an earlier installation', async () => {
    const dataDir = tempDataDir();
    mkdirSync(join(dataDir, 'db'));
    writeFileSync(join(dataDir, 'admin-api-key'), 'slw_x\n', { mode: 0o600 });
    await assert.rejects(
      openStore({ dataDir }),
      unavailable('incomplete', /holds admin-api-key but its database .*db is empty.*Restore/),
    );
    assert.deepEqual(readdirSync(join(dataDir, 'db')), []);

    const other = tempDataDir();
    writeFileSync(join(other, 'master.key'), 'k\n', { mode: 0o600 });
    await assert.rejects(
      openStore({ dataDir: other }),
      unavailable('incomplete', /holds master\.key but its database .*db is missing/),
    );
    assert.deepEqual(readdirSync(other), ['master.key']);
  });

  it('says which version wrote a cluster it cannot open', async () => {
    const dataDir = await seeded();
    writeFileSync(join(dataDir, 'db', 'PG_VERSION'), '16\n');
    await assert.rejects(
      openStore({ dataDir }),
      unavailable(
        'version',
        new RegExp(`written by PostgreSQL 16, but this Slipway embeds PostgreSQL ${PGLITE_POSTGRES_MAJOR}`),
      ),
    );
  });

  it('names the missing parts of a damaged cluster instead of "Aborted()"', async () => {
    const dataDir = await seeded();
    rmSync(join(dataDir, 'db', 'global', 'pg_control'));
    await assert.rejects(
      openStore({ dataDir }),
      unavailable('damaged', /cannot be opened: it is damaged: global\/pg_control is missing.*Restore/),
    );
    // The refused open let go of the directory.
    assert.ok(!readdirSync(dataDir).includes(LOCK_FILE));
  });

  it('says a cluster without WAL is damaged', async () => {
    const dataDir = await seeded();
    for (const f of readdirSync(join(dataDir, 'db', 'pg_wal'))) {
      if (/^[0-9A-F]{24}$/.test(f)) rmSync(join(dataDir, 'db', 'pg_wal', f));
    }
    await assert.rejects(
      openStore({ dataDir }),
      unavailable('damaged', /it is damaged: pg_wal\/<WAL segment> is missing/),
    );
  });

  it('says a cluster whose files are garbage is damaged', async () => {
    const dataDir = await seeded();
    writeFileSync(join(dataDir, 'db', 'global', 'pg_control'), Buffer.alloc(8192, 7));
    await assert.rejects(openStore({ dataDir }), unavailable('damaged', /its files are damaged.*Restore/));
  });
});
