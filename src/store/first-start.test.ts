/** The first administrator: created once, never over an earlier installation, its key file crash-safe. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SlipwayError } from '../core/errors.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { seedPgliteDataDir, tempDataDir } from '../../test/helpers/postgres.js';
import { ADMIN_KEY_FILE, apiKeysRepository, ensureAdministrator } from './api-keys.js';
import { openStore, type Store } from './database.js';
import { resourcesRepository } from './resources.js';
import { generateMasterKey, secretBoxFromKey } from './secrets.js';

const stores: Store[] = [];
after(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

async function fresh(): Promise<{ store: Store; dataDir: string }> {
  const dataDir = tempDataDir();
  await seedPgliteDataDir(dataDir);
  const store = await openStore({ dataDir });
  stores.push(store);
  return { store, dataDir };
}

function earlier(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, 'CONFIG', e.message);
    assert.equal(e.data.reason, 'earlier-installation');
    assert.match(e.message, pattern);
    return true;
  };
}

const users = async (store: Store) => (await store.db.selectFrom('users').select('id').execute()).length;

describe('first administrator', () => {
  it('is not created beside the admin-api-key of an earlier database, which is left alone', async () => {
    const { store, dataDir } = await fresh();
    writeFileSync(join(dataDir, ADMIN_KEY_FILE), 'slw_earlier\n', { mode: 0o600 });
    await assert.rejects(
      ensureAdministrator(store, { dataDir }),
      earlier(/no users, but .*admin-api-key exists.*Restore the database/),
    );
    assert.equal(readFileSync(join(dataDir, ADMIN_KEY_FILE), 'utf8'), 'slw_earlier\n');
    assert.equal(await users(store), 0);
  });

  it('is not created in a database that holds secrets but no users', async () => {
    const { store, dataDir } = await fresh();
    const box = secretBoxFromKey(Buffer.from(generateMasterKey(), 'base64'));
    await resourcesRepository(store.db, box, RESOURCE_KINDS.feed).create(
      'Spaces-1',
      { name: 'Hub', type: 'docker', url: 'http://127.0.0.1:5000', username: 'ci', password: 'pw' },
      { actor: 'test' },
    );
    await assert.rejects(
      ensureAdministrator(store, { dataDir }),
      earlier(new RegExp(`holds secrets \\(master key ${box.keyId}\\)`)),
    );
    assert.ok(!existsSync(join(dataDir, ADMIN_KEY_FILE)));
  });

  it('drops the key file of a first start that died before its commit', async () => {
    const { store, dataDir } = await fresh();
    writeFileSync(join(dataDir, `${ADMIN_KEY_FILE}.new`), 'slw_never_committed\n', { mode: 0o600 });
    const { key } = await ensureAdministrator(store, { dataDir });
    assert.ok(key);
    assert.equal(readFileSync(join(dataDir, ADMIN_KEY_FILE), 'utf8').trim(), key);
    assert.ok(!existsSync(join(dataDir, `${ADMIN_KEY_FILE}.new`)));
  });

  it('installs the key file of a first start that died after its commit', async () => {
    const { store, dataDir } = await fresh();
    const { key } = await ensureAdministrator(store, { dataDir });
    // As if the process died between the commit and the rename.
    writeFileSync(join(dataDir, `${ADMIN_KEY_FILE}.new`), `${key}\n`, { mode: 0o600 });
    rmSync(join(dataDir, ADMIN_KEY_FILE));
    assert.deepEqual(await ensureAdministrator(store, { dataDir }), {});
    assert.equal(readFileSync(join(dataDir, ADMIN_KEY_FILE), 'utf8').trim(), key);
    assert.ok(await apiKeysRepository(store.db).verifyApiKey(key!));
    assert.equal(await users(store), 1);
  });
});
