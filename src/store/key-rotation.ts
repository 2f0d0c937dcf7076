/**
 * Rotating the master key of a running installation, crash-safe:
 * - key file (the default): the new key is written to `master.key.next` (0600) first, the rows are
 *   re-encrypted in one transaction, then `master.key.next` replaces `master.key`. A run that died
 *   anywhere is finished by running the command again: it picks up `master.key.next` and skips
 *   rows already under it.
 * - SLIPWAY_MASTER_KEY: the operator supplies the new key in SLIPWAY_NEW_MASTER_KEY (it is never
 *   generated or printed here) and switches the variable over after the command succeeds.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SlipwayError } from '../core/errors.js';
import type { Store } from './database.js';
import {
  MASTER_KEY_ENV,
  MASTER_KEY_FILE,
  generateMasterKey,
  loadMasterKey,
  rotateMasterKey,
  secretBoxFromKey,
  writeMasterKeyFile,
  type RotationResult,
} from './secrets.js';

/** The variable holding the new key when the current one comes from SLIPWAY_MASTER_KEY. */
export const NEW_MASTER_KEY_ENV = 'SLIPWAY_NEW_MASTER_KEY';
/** Where the next key waits while a file-based rotation runs. */
export const NEXT_MASTER_KEY_FILE = 'master.key.next';

/** What a rotation did, and what the operator must do next. */
export interface KeyRotationOutcome extends RotationResult {
  /** `file`: master.key now holds the new key; `env`: switch SLIPWAY_MASTER_KEY to the new key. */
  source: 'file' | 'env';
  oldKeyId: string;
  newKeyId: string;
}

/** Re-encrypts every secret under a new master key (see the module comment for the two sources). */
export async function rotateInstallationKey(
  store: Store,
  options: { dataDir: string; env?: Readonly<Record<string, string | undefined>> },
): Promise<KeyRotationOutcome> {
  const env = options.env ?? process.env;
  const oldKey = loadMasterKey({ dataDir: options.dataDir, env });
  const oldBox = secretBoxFromKey(oldKey);
  if (env[MASTER_KEY_ENV]?.trim()) {
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
    return { ...result, source: 'env', oldKeyId: oldBox.keyId, newKeyId: newBox.keyId };
  }
  const dir = resolve(options.dataDir);
  const nextPath = join(dir, NEXT_MASTER_KEY_FILE);
  // A previous run that died leaves its next key behind: finish with it, never with a third key.
  if (!existsSync(nextPath)) writeMasterKeyFile(dir, generateMasterKey(), NEXT_MASTER_KEY_FILE);
  const newBox = secretBoxFromKey(
    loadMasterKey({ env: { [MASTER_KEY_ENV]: readFileSync(nextPath, 'utf8') } }),
  );
  sameKeyGuard(oldBox.keyId, newBox.keyId);
  const result = await rotateMasterKey(store, oldBox, newBox);
  renameSync(nextPath, join(dir, MASTER_KEY_FILE));
  return { ...result, source: 'file', oldKeyId: oldBox.keyId, newKeyId: newBox.keyId };
}

function sameKeyGuard(oldId: string, newId: string): void {
  if (oldId === newId) {
    throw new SlipwayError(
      'CONFIG',
      'The new master key is the same as the current one; generate a new one.',
    );
  }
}
