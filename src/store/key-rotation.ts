/**
 * Rotating the master key of an installation, crash-safe. With the key file (the default):
 * 1. The store is open, so on PGlite this process holds the data directory's lock: no server runs on
 *    it whose copy of the database could later overwrite the re-encrypted values.
 * 2. The keys are checked against the database (master-key.ts): leftovers of an earlier rotation are
 *    confirmed, finished or refused before anything changes.
 * 3. The new key is written to `master.key.next` (0600, atomically), unless a run that died left one:
 *    that one is used, never a third key.
 * 4. Every secret is re-encrypted in one transaction (values already under the new key are skipped).
 * 5. The current key is saved as `master.key.previous`, then `master.key.next` is renamed over
 *    `master.key` (each step atomic and synced).
 * 6. The next start confirms the new key against the secrets and removes `master.key.previous`, or
 *    refuses to start, naming the previous key, if the secrets are not under the new one.
 * A run that died at any step is finished by running the command again. With SLIPWAY_MASTER_KEY, the
 * operator supplies the new key in SLIPWAY_NEW_MASTER_KEY (it is never generated or printed here)
 * and switches the variable over after the command succeeds.
 */
import { renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SlipwayError } from '../core/errors.js';
import type { Store } from './database.js';
import { NEXT_MASTER_KEY_FILE, PREVIOUS_MASTER_KEY_FILE } from './data-dir.js';
import { openMasterKey } from './master-key.js';
import {
  MASTER_KEY_ENV,
  MASTER_KEY_FILE,
  generateMasterKey,
  loadMasterKey,
  readMasterKeyFile,
  rotateMasterKey,
  secretBoxFromKey,
  syncDir,
  writeMasterKeyFile,
  type RotationResult,
  type SecretBox,
} from './secrets.js';

export { NEXT_MASTER_KEY_FILE, PREVIOUS_MASTER_KEY_FILE };

/** The variable holding the new key when the current one comes from SLIPWAY_MASTER_KEY. */
export const NEW_MASTER_KEY_ENV = 'SLIPWAY_NEW_MASTER_KEY';

/** What a rotation did, and what the operator must do next. */
export interface KeyRotationOutcome extends RotationResult {
  /** `file`: master.key now holds the new key; `env`: switch SLIPWAY_MASTER_KEY to the new key. */
  source: 'file' | 'env';
  oldKeyId: string;
  newKeyId: string;
  /** What the key check before the rotation found (see openMasterKey). */
  notices: string[];
}

/** Re-encrypts every secret under a new master key (see the module comment for the protocol). */
export async function rotateInstallationKey(
  store: Store,
  options: { dataDir: string; env?: Readonly<Record<string, string | undefined>> },
): Promise<KeyRotationOutcome> {
  const env = options.env ?? process.env;
  const dir = resolve(options.dataDir);
  const current = await openMasterKey(store, { dataDir: dir, env, resumingRotation: true });
  const oldBox = current.box;
  const notices = current.notices;
  if (current.source === 'env') {
    const next = env[NEW_MASTER_KEY_ENV]?.trim();
    if (!next) {
      throw new SlipwayError(
        'CONFIG',
        `The master key comes from ${MASTER_KEY_ENV}, so the new one must too: generate it (openssl rand -base64 32), ` +
          `put it in ${NEW_MASTER_KEY_ENV}, run this command again, then set ${MASTER_KEY_ENV} to it and restart the servers.`,
      );
    }
    const newBox = secretBoxFromKey(loadMasterKey({ env: { [MASTER_KEY_ENV]: next } }));
    sameKeyGuard(oldBox.keyId, newBox.keyId);
    const result = await rotateMasterKey(store, oldBox, newBox);
    return { ...result, source: 'env', oldKeyId: oldBox.keyId, newKeyId: newBox.keyId, notices };
  }
  const path = (name: string) => join(dir, name);
  let nextKey = readMasterKeyFile(path(NEXT_MASTER_KEY_FILE));
  if (!nextKey) {
    writeMasterKeyFile(dir, generateMasterKey(), NEXT_MASTER_KEY_FILE);
    nextKey = readMasterKeyFile(path(NEXT_MASTER_KEY_FILE))!;
  }
  const newBox = secretBoxFromKey(nextKey);
  sameKeyGuard(oldBox.keyId, newBox.keyId);
  const readWith: SecretBox[] = current.previous ? [oldBox, current.previous] : [oldBox];
  const result = await rotateMasterKey(store, readWith, newBox);
  // Keep the key being replaced until a start confirms the new one (master-key.ts).
  const oldKey = readMasterKeyFile(path(MASTER_KEY_FILE))!;
  writeMasterKeyFile(dir, oldKey.toString('base64'), PREVIOUS_MASTER_KEY_FILE);
  renameSync(path(NEXT_MASTER_KEY_FILE), path(MASTER_KEY_FILE));
  syncDir(dir);
  return { ...result, source: 'file', oldKeyId: oldBox.keyId, newKeyId: newBox.keyId, notices };
}

function sameKeyGuard(oldId: string, newId: string): void {
  if (oldId === newId) {
    throw new SlipwayError(
      'CONFIG',
      'The new master key is the same as the current one; generate a new one.',
    );
  }
}
