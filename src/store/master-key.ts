/**
 * The master key as a server (or a rotation) starts with it: checked against the secrets the
 * database holds before anything is read or written.
 * - A key is generated only for a new installation: a database with no users and no secrets, and a
 *   data directory with no administrator key and no rotation files. Otherwise a missing master.key
 *   is refused, naming the key id the secrets need; a new key would only hide the loss.
 * - The rotation protocol (key-rotation.ts) leaves `master.key.previous` beside the new master.key.
 *   The next start confirms the new key when the secrets are under it, and then deletes the
 *   previous one; when they are still under the previous key (the re-encryption never reached the
 *   database), the start is refused and says how to put the previous key back. `master.key.next`
 *   with the secrets already under it means a rotation died before its last step: refused until
 *   `slipway master-key rotate` is run again to finish it.
 * - A key that matches none of the stored secrets (a wrong SLIPWAY_MASTER_KEY, a key replaced by
 *   hand) is a warning, not a refusal: that is how an operator who lost a key starts again and sets
 *   the secrets anew.
 */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { ADMIN_KEY_FILE, NEXT_MASTER_KEY_FILE, PREVIOUS_MASTER_KEY_FILE } from './data-dir.js';
import {
  MASTER_KEY_ENV,
  MASTER_KEY_FILE,
  createSecretBox,
  readMasterKeyFile,
  secretBoxFromKey,
  storedKeyIds,
  syncDir,
  type SecretBox,
} from './secrets.js';
import type { Database } from './types.js';

/** The master key a node runs with, and what the operator should hear about it. */
export interface MasterKey {
  box: SecretBox;
  source: 'env' | 'file';
  /** The key a finished rotation replaced, while some secrets are still under it (else undefined). */
  previous?: SecretBox;
  /** Plain sentences for the operator (a key created or confirmed, a mismatch); empty when all is well. */
  notices: string[];
}

/** Where the key comes from (the same as createSecretBox's). */
export interface MasterKeyOptions {
  dataDir: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** A rotation is about to finish what master.key.next started: do not refuse for it. Default false. */
  resumingRotation?: boolean;
}

/** The configured master key, checked against the stored secrets (see the module comment). */
export async function openMasterKey(
  store: { db: Kysely<Database>; kind?: 'pglite' | 'postgres' },
  options: MasterKeyOptions,
): Promise<MasterKey> {
  const env = options.env ?? process.env;
  const dir = resolve(options.dataDir);
  const ids = await storedKeyIds(store.db);
  if (env[MASTER_KEY_ENV]?.trim()) {
    const box = createSecretBox({ env });
    return { box, source: 'env', notices: mismatch(ids, box, MASTER_KEY_ENV) };
  }
  const notices: string[] = [];
  const file = (name: string) => {
    const key = readMasterKeyFile(join(dir, name));
    return key && secretBoxFromKey(key);
  };
  let current = file(MASTER_KEY_FILE);
  const next = file(NEXT_MASTER_KEY_FILE);
  let previous = file(PREVIOUS_MASTER_KEY_FILE);
  if (!current) {
    await refuseNewKey(store.db, dir, ids, { next, previous }, store.kind === 'postgres');
    current = createSecretBox({ dataDir: dir, env: {} });
    notices.push(
      `Created the master key ${current.keyId} in ${join(dir, MASTER_KEY_FILE)} (mode 0600): back it up.`,
    );
  }
  const path = (name: string) => join(dir, name);
  if (next && next.keyId !== current.keyId && ids.has(next.keyId) && !ids.has(current.keyId)) {
    if (!options.resumingRotation) {
      throw new SlipwayError(
        'CONFIG',
        `A master key rotation did not finish: the secrets are under key ${next.keyId} ` +
          `(${path(NEXT_MASTER_KEY_FILE)}), but ${path(MASTER_KEY_FILE)} is still key ${current.keyId}. ` +
          `Finish it with: slipway master-key rotate --data-dir ${dir}`,
        { data: { reason: 'rotation-unfinished', keyId: next.keyId, currentKeyId: current.keyId } },
      );
    }
  } else if (next && !options.resumingRotation) {
    notices.push(
      `${path(NEXT_MASTER_KEY_FILE)} (key ${next.keyId}) is left from a rotation that stopped before ` +
        `re-encrypting anything: run slipway master-key rotate to finish it, or delete the file.`,
    );
  }
  if (previous && previous.keyId === current.keyId) {
    // A rotation died between saving the previous key and installing the next one: just a copy.
    removeKeyFile(path(PREVIOUS_MASTER_KEY_FILE));
    previous = undefined;
  }
  if (previous) {
    if (ids.has(previous.keyId) && !ids.has(current.keyId)) {
      throw new SlipwayError(
        'CONFIG',
        `The last master key rotation did not reach the database: the secrets are under the previous key ` +
          `${previous.keyId} (${path(PREVIOUS_MASTER_KEY_FILE)}), not under key ${current.keyId} ` +
          `(${path(MASTER_KEY_FILE)}). Put the previous key back with: mv ${path(PREVIOUS_MASTER_KEY_FILE)} ` +
          `${path(MASTER_KEY_FILE)}; then start, and rotate again while no other process uses the data ` +
          `directory.`,
        { data: { reason: 'rotation-lost', keyId: previous.keyId, currentKeyId: current.keyId } },
      );
    }
    if (ids.has(previous.keyId)) {
      notices.push(
        `Some secrets are still under the previous master key ${previous.keyId} (written after the last ` +
          `rotation by a node with the old key): ${path(PREVIOUS_MASTER_KEY_FILE)} is kept. Run slipway ` +
          `master-key rotate again to move them to a new key.`,
      );
    } else {
      removeKeyFile(path(PREVIOUS_MASTER_KEY_FILE));
      notices.push(
        `Master key ${current.keyId} confirmed: the stored secrets are under it. Removed the previous key ` +
          `${previous.keyId} (${path(PREVIOUS_MASTER_KEY_FILE)}); backups from before the rotation need it.`,
      );
      previous = undefined;
    }
  }
  if (!previous && !(next && ids.has(next.keyId)))
    notices.push(...mismatch(ids, current, path(MASTER_KEY_FILE)));
  return { box: current, source: 'file', ...(previous ? { previous } : {}), notices };
}

/** Refuses to generate a master key where an installation already exists (see the module comment). */
async function refuseNewKey(
  db: Kysely<Database>,
  dir: string,
  ids: Set<string>,
  files: { next: SecretBox | undefined; previous: SecretBox | undefined },
  shared: boolean,
): Promise<void> {
  const found: string[] = [];
  if (ids.size > 0)
    found.push(`the database holds secrets encrypted with master key ${[...ids].join(', key ')}`);
  const users = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (users) found.push('the database already has users');
  if (existsSync(join(dir, ADMIN_KEY_FILE))) found.push(`${ADMIN_KEY_FILE} is there`);
  if (files.next) found.push(`${NEXT_MASTER_KEY_FILE} holds key ${files.next.keyId}`);
  if (files.previous) found.push(`${PREVIOUS_MASTER_KEY_FILE} holds key ${files.previous.keyId}`);
  if (found.length === 0) return;
  const path = join(dir, MASTER_KEY_FILE);
  const needed = [...ids];
  const fromPrevious = files.previous && ids.has(files.previous.keyId);
  const fromNext = files.next && ids.has(files.next.keyId);
  throw new SlipwayError(
    'CONFIG',
    `${path} is missing, but this is not a new installation: ${found.join('; ')}. Slipway will not create ` +
      `a new master key: the secrets would become unreadable. ` +
      (fromPrevious
        ? `Put the key back with: mv ${join(dir, PREVIOUS_MASTER_KEY_FILE)} ${path}`
        : fromNext
          ? `Finish the rotation: mv ${join(dir, NEXT_MASTER_KEY_FILE)} ${path}`
          : `Restore ${path}${needed.length ? ` (key ${needed.join(' or ')})` : ''} from your backup, or set ` +
            `${MASTER_KEY_ENV} to it` +
            (shared
              ? ` (another node on this PostgreSQL has it: give every node the same ${MASTER_KEY_ENV})`
              : '') +
            `. If the key is lost for good, set ${MASTER_KEY_ENV} to a new key (openssl rand -base64 32) and ` +
            `set every secret again.`),
    { data: { reason: 'master-key-missing', path, keyIds: needed } },
  );
}

/** A warning when the stored secrets were written with other keys only. */
function mismatch(ids: Set<string>, box: SecretBox, source: string): string[] {
  if (ids.size === 0 || ids.has(box.keyId)) return [];
  return [
    `The stored secrets are under master key ${[...ids].join(', key ')}, but ${source} is key ${box.keyId}: ` +
      `reading them fails (SECRET_UNREADABLE) until Slipway runs with the key they were written with, or ` +
      `they are set again.`,
  ];
}

function removeKeyFile(path: string): void {
  rmSync(path, { force: true });
  syncDir(resolve(path, '..'));
}
