/** Rotating the installation's master key: file and environment sources, and a resumed run. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { tempDataDir } from '../../test/helpers/postgres.js';
import { openStore, type Store } from './database.js';
import { NEXT_MASTER_KEY_FILE, rotateInstallationKey } from './key-rotation.js';
import { resourcesRepository } from './resources.js';
import {
  createSecretBox,
  generateMasterKey,
  MASTER_KEY_FILE,
  writeMasterKeyFile,
  type SecretBox,
} from './secrets.js';

const SPACE = 'Spaces-1';
const BY = { actor: 'alice' };
const PASSWORD = 'registry-password-to-keep';

async function feedWithPassword(store: Store, box: SecretBox): Promise<string> {
  const feed = await resourcesRepository(store.db, box, RESOURCE_KINDS.feed).create(
    SPACE,
    { name: 'Hub', type: 'docker', url: 'http://127.0.0.1:5000', username: 'ci', password: PASSWORD },
    BY,
  );
  return feed.id;
}

const reveal = (store: Store, box: SecretBox, id: string) =>
  resourcesRepository(store.db, box, RESOURCE_KINDS.feed).revealSecrets(SPACE, id);

describe('master key rotation', () => {
  it('with the key file: re-encrypts, then master.key holds the new key (0600)', async () => {
    const dataDir = tempDataDir();
    const store = await openStore({ dataDir });
    try {
      const oldBox = createSecretBox({ dataDir, env: {} });
      const id = await feedWithPassword(store, oldBox);
      const result = await rotateInstallationKey(store, { dataDir, env: {} });
      assert.equal(result.source, 'file');
      assert.equal(result.reencrypted, 1);
      assert.equal(result.oldKeyId, oldBox.keyId);
      assert.ok(!existsSync(join(dataDir, NEXT_MASTER_KEY_FILE)));
      assert.equal(statSync(join(dataDir, MASTER_KEY_FILE)).mode & 0o777, 0o600);
      const newBox = createSecretBox({ dataDir, env: {} });
      assert.equal(newBox.keyId, result.newKeyId);
      assert.deepEqual(await reveal(store, newBox, id), { password: PASSWORD });
      await assert.rejects(reveal(store, oldBox, id), { code: 'SECRET_UNREADABLE' });
    } finally {
      await store.close();
    }
  });

  it('finishes an interrupted run with the next key it left behind', async () => {
    const dataDir = tempDataDir();
    const store = await openStore({ dataDir });
    try {
      const oldBox = createSecretBox({ dataDir, env: {} });
      const id = await feedWithPassword(store, oldBox);
      // A run that died after writing the next key but before (or after) re-encrypting.
      const next = generateMasterKey();
      writeMasterKeyFile(dataDir, next, NEXT_MASTER_KEY_FILE);
      const result = await rotateInstallationKey(store, { dataDir, env: {} });
      assert.equal(readFileSync(join(dataDir, MASTER_KEY_FILE), 'utf8').trim(), next);
      assert.equal(result.reencrypted + result.alreadyCurrent, 1);
      assert.deepEqual(await reveal(store, createSecretBox({ dataDir, env: {} }), id), {
        password: PASSWORD,
      });
    } finally {
      await store.close();
    }
  });

  it('with SLIPWAY_MASTER_KEY: needs SLIPWAY_NEW_MASTER_KEY, never invents one', async () => {
    const dataDir = tempDataDir();
    const store = await openStore({ dataDir });
    try {
      const oldKey = generateMasterKey();
      const env = { SLIPWAY_MASTER_KEY: oldKey };
      const id = await feedWithPassword(store, createSecretBox({ env }));
      await assert.rejects(rotateInstallationKey(store, { dataDir, env }), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'CONFIG');
        assert.match(e.message, /SLIPWAY_NEW_MASTER_KEY/);
        return true;
      });
      await assert.rejects(
        rotateInstallationKey(store, { dataDir, env: { ...env, SLIPWAY_NEW_MASTER_KEY: oldKey } }),
        /same as the current one/,
      );
      const newKey = generateMasterKey();
      const result = await rotateInstallationKey(store, {
        dataDir,
        env: { ...env, SLIPWAY_NEW_MASTER_KEY: newKey },
      });
      assert.equal(result.source, 'env');
      assert.equal(result.reencrypted, 1);
      assert.ok(!existsSync(join(dataDir, MASTER_KEY_FILE)), 'no key file is written in env mode');
      const newBox = createSecretBox({ env: { SLIPWAY_MASTER_KEY: newKey } });
      assert.deepEqual(await reveal(store, newBox, id), { password: PASSWORD });
    } finally {
      await store.close();
    }
  });
});
