/** The master key at start: never created over an earlier installation; the rotation protocol's checks. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { seedPgliteDataDir, tempDataDir } from '../../test/helpers/postgres.js';
import { apiKeysRepository } from './api-keys.js';
import { openStore, type Store } from './database.js';
import { NEXT_MASTER_KEY_FILE, PREVIOUS_MASTER_KEY_FILE, rotateInstallationKey } from './key-rotation.js';
import { openMasterKey } from './master-key.js';
import { resourcesRepository } from './resources.js';
import {
  generateMasterKey,
  MASTER_KEY_FILE,
  rotateMasterKey,
  secretBoxFromKey,
  writeMasterKeyFile,
  type SecretBox,
} from './secrets.js';

const SPACE = 'Spaces-1';
const PASSWORD = 'registry-password-to-keep';
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

const feeds = (store: Store, box: SecretBox) => resourcesRepository(store.db, box, RESOURCE_KINDS.feed);

async function feedWithPassword(store: Store, box: SecretBox): Promise<string> {
  const feed = await feeds(store, box).create(
    SPACE,
    { name: 'Hub', type: 'docker', url: 'http://127.0.0.1:5000', username: 'ci', password: PASSWORD },
    { actor: 'test' },
  );
  return feed.id;
}

const storedValue = async (store: Store, id: string) =>
  (
    await sql<{ value: string }>`select value from resource_secrets where resource_id = ${id}`.execute(
      store.db,
    )
  ).rows[0]!.value;

const keyIdIn = (path: string) =>
  secretBoxFromKey(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).keyId;

function refused(reason: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, 'CONFIG', e.message);
    assert.equal(e.data.reason, reason, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

describe('master key at start', () => {
  it('creates a key for a new installation, and says so', async () => {
    const { store, dataDir } = await fresh();
    const key = await openMasterKey(store, { dataDir, env: {} });
    assert.equal(key.source, 'file');
    assert.ok(existsSync(join(dataDir, MASTER_KEY_FILE)));
    assert.match(key.notices.join('\n'), new RegExp(`Created the master key ${key.box.keyId}`));
    const again = await openMasterKey(store, { dataDir, env: {} });
    assert.equal(again.box.keyId, key.box.keyId);
    assert.deepEqual(again.notices, []);
  });

  it('refuses to replace a missing master.key over stored secrets, naming the key id they need', async () => {
    const { store, dataDir } = await fresh();
    const { box } = await openMasterKey(store, { dataDir, env: {} });
    await feedWithPassword(store, box);
    rmSync(join(dataDir, MASTER_KEY_FILE));
    await assert.rejects(
      openMasterKey(store, { dataDir, env: {} }),
      refused(
        'master-key-missing',
        new RegExp(
          `master\\.key is missing.*secrets encrypted with master key ${box.keyId}.*Restore .*key ${box.keyId}`,
        ),
      ),
    );
    assert.ok(!existsSync(join(dataDir, MASTER_KEY_FILE)), 'no new key');
  });

  it('refuses to create a key where users or an administrator key already exist', async () => {
    const { store, dataDir } = await fresh();
    await apiKeysRepository(store.db).createUser({ name: 'alice' }, { actor: 'test' });
    await assert.rejects(
      openMasterKey(store, { dataDir, env: {} }),
      refused('master-key-missing', /already has users/),
    );
    const other = await fresh();
    writeFileSync(join(other.dataDir, 'admin-api-key'), 'slw_x\n');
    await assert.rejects(
      openMasterKey(other.store, { dataDir: other.dataDir, env: {} }),
      refused('master-key-missing', /admin-api-key is there/),
    );
    assert.ok(!existsSync(join(other.dataDir, MASTER_KEY_FILE)));
  });

  it('warns, but starts, with a key that matches none of the stored secrets', async () => {
    const { store, dataDir } = await fresh();
    const { box } = await openMasterKey(store, { dataDir, env: {} });
    await feedWithPassword(store, box);
    const other = generateMasterKey();
    const key = await openMasterKey(store, { dataDir, env: { SLIPWAY_MASTER_KEY: other } });
    assert.equal(key.source, 'env');
    assert.match(
      key.notices.join('\n'),
      new RegExp(`under master key ${box.keyId}, but SLIPWAY_MASTER_KEY is key`),
    );
  });
});

describe('master key rotation protocol', () => {
  it('keeps the previous key until a start finds the secrets under the new one, then removes it', async () => {
    const { store, dataDir } = await fresh();
    const old = (await openMasterKey(store, { dataDir, env: {} })).box;
    const id = await feedWithPassword(store, old);
    const result = await rotateInstallationKey(store, { dataDir, env: {} });
    assert.equal(keyIdIn(join(dataDir, PREVIOUS_MASTER_KEY_FILE)), old.keyId);
    assert.equal(keyIdIn(join(dataDir, MASTER_KEY_FILE)), result.newKeyId);
    const started = await openMasterKey(store, { dataDir, env: {} });
    assert.equal(started.box.keyId, result.newKeyId);
    assert.match(
      started.notices.join('\n'),
      new RegExp(`Master key ${result.newKeyId} confirmed.*Removed the previous key ${old.keyId}`),
    );
    assert.ok(!existsSync(join(dataDir, PREVIOUS_MASTER_KEY_FILE)));
    assert.deepEqual(await feeds(store, started.box).revealSecrets(SPACE, id), { password: PASSWORD });
  });

  it('refuses to start when the re-encrypted values were lost, and says how to put the previous key back', async () => {
    const { store, dataDir } = await fresh();
    const old = (await openMasterKey(store, { dataDir, env: {} })).box;
    const id = await feedWithPassword(store, old);
    const underOldKey = await storedValue(store, id);
    const result = await rotateInstallationKey(store, { dataDir, env: {} });
    // What a server that kept its own copy of the database did (finding 2): the old value is back.
    await sql`update resource_secrets set value = ${underOldKey} where resource_id = ${id}`.execute(store.db);
    await assert.rejects(
      openMasterKey(store, { dataDir, env: {} }),
      refused(
        'rotation-lost',
        new RegExp(
          `under the previous key ${old.keyId} .* not under key ${result.newKeyId} .*mv .*master\\.key\\.previous .*master\\.key`,
        ),
      ),
    );
    assert.ok(existsSync(join(dataDir, PREVIOUS_MASTER_KEY_FILE)), 'the previous key is kept');
    renameSync(join(dataDir, PREVIOUS_MASTER_KEY_FILE), join(dataDir, MASTER_KEY_FILE));
    const back = await openMasterKey(store, { dataDir, env: {} });
    assert.deepEqual(await feeds(store, back.box).revealSecrets(SPACE, id), { password: PASSWORD });
  });

  it('refuses to start after a rotation that died before installing the new key; running it again finishes', async () => {
    const { store, dataDir } = await fresh();
    const old = (await openMasterKey(store, { dataDir, env: {} })).box;
    const id = await feedWithPassword(store, old);
    // Died after the transaction committed, before master.key.next replaced master.key.
    const next = generateMasterKey();
    writeMasterKeyFile(dataDir, next, NEXT_MASTER_KEY_FILE);
    const nextBox = secretBoxFromKey(Buffer.from(next, 'base64'));
    await rotateMasterKey(store, old, nextBox);
    writeMasterKeyFile(
      dataDir,
      readFileSync(join(dataDir, MASTER_KEY_FILE), 'utf8'),
      PREVIOUS_MASTER_KEY_FILE,
    );
    await assert.rejects(
      openMasterKey(store, { dataDir, env: {} }),
      refused(
        'rotation-unfinished',
        new RegExp(`secrets are under key ${nextBox.keyId}.*slipway master-key rotate`),
      ),
    );
    const result = await rotateInstallationKey(store, { dataDir, env: {} });
    assert.equal(result.newKeyId, nextBox.keyId);
    assert.deepEqual([result.reencrypted, result.alreadyCurrent], [0, 1]);
    const started = await openMasterKey(store, { dataDir, env: {} });
    assert.equal(started.box.keyId, nextBox.keyId);
    assert.deepEqual(await feeds(store, started.box).revealSecrets(SPACE, id), { password: PASSWORD });
  });

  it('moves values written under the previous key after a rotation, keeping that key until then', async () => {
    const { store, dataDir } = await fresh();
    const old = (await openMasterKey(store, { dataDir, env: {} })).box;
    const first = await feedWithPassword(store, old);
    await rotateInstallationKey(store, { dataDir, env: {} });
    // A node still on the old key writes a value (PostgreSQL, several nodes, key files).
    const late = await feeds(store, old).create(
      SPACE,
      { name: 'Late', type: 'docker', url: 'http://127.0.0.1:5001', username: 'ci', password: 'late-pw' },
      { actor: 'test' },
    );
    const mixed = await openMasterKey(store, { dataDir, env: {} });
    assert.match(mixed.notices.join('\n'), new RegExp(`still under the previous master key ${old.keyId}`));
    assert.ok(existsSync(join(dataDir, PREVIOUS_MASTER_KEY_FILE)));
    const result = await rotateInstallationKey(store, { dataDir, env: {} });
    assert.equal(result.reencrypted, 2);
    const box = (await openMasterKey(store, { dataDir, env: {} })).box;
    assert.deepEqual(await feeds(store, box).revealSecrets(SPACE, first), { password: PASSWORD });
    assert.deepEqual(await feeds(store, box).revealSecrets(SPACE, late.id), { password: 'late-pw' });
  });
});
