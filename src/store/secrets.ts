/**
 * Secrets at rest: AES-256-GCM under one master key. The key comes from SLIPWAY_MASTER_KEY, else
 * from `<dataDir>/master.key` (generated once, mode 0600). A ciphertext names its format version
 * and the key it was written with, and is bound (as GCM associated data) to its owner's
 * `entityType/entityId/field`, so a value copied into another row does not decrypt there.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { inTransaction } from './audit.js';
import { DEFAULT_DATA_DIR } from './database.js';
import { MASTER_KEY_FILE } from './data-dir.js';
import type { Database } from './types.js';

export { MASTER_KEY_FILE };

/** The environment variable that holds the master key (base64 of 32 bytes). */
export const MASTER_KEY_ENV = 'SLIPWAY_MASTER_KEY';

const VERSION = 'v1';
const KEY_BYTES = 32;
// 96-bit IVs are GCM's native size; random ones are safe far beyond the number of secrets we hold.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const GENERATE_HINT = 'Generate one with: openssl rand -base64 32';

/** Encrypts and decrypts secret values under one master key. */
export interface SecretBox {
  /** Short public id of the key (hex of the first 4 bytes of its SHA-256); written into each ciphertext. */
  readonly keyId: string;
  /** Encrypts `plain` for the owner named by `context` (see secretContext). */
  encrypt(plain: string, context: string): string;
  /** Decrypts a ciphertext written for `context`; SECRET_UNREADABLE when the key, data or context do not match. */
  decrypt(cipher: string, context: string): string;
}

/** Where the master key comes from. */
export interface SecretBoxOptions {
  /** Data directory holding `master.key` when the environment has no key. Default `./.slipway`. */
  dataDir?: string;
  /** Environment to read SLIPWAY_MASTER_KEY from. Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The associated data naming a secret's owner, e.g. `variable/Variables-1/value`. */
export function secretContext(entityType: string, entityId: string, field: string): string {
  return `${entityType}/${entityId}/${field}`;
}

/** A new random master key, base64 (the form SLIPWAY_MASTER_KEY and master.key take). */
export function generateMasterKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * The secret box for the configured master key (env first, else `<dataDir>/master.key`, created if
 * missing). For tests and the demo's fresh directory; a server starts with openMasterKey
 * (master-key.ts), which never creates a key over an earlier installation's secrets.
 */
export function createSecretBox(options: SecretBoxOptions = {}): SecretBox {
  return secretBoxFromKey(loadMasterKey(options));
}

/** The raw 32-byte master key from SLIPWAY_MASTER_KEY or the data directory's key file. */
export function loadMasterKey(options: SecretBoxOptions = {}): Buffer {
  const env = options.env ?? process.env;
  const fromEnv = env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return parseKey(fromEnv, `${MASTER_KEY_ENV}`);
  }
  return keyFromFile(resolve(options.dataDir ?? DEFAULT_DATA_DIR));
}

function parseKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  // Buffer.from ignores junk silently; re-encoding catches anything that was not clean base64.
  if (key.length !== KEY_BYTES || key.toString('base64') !== trimmed) {
    throw new SlipwayError(
      'CONFIG',
      `${where} must be the base64 encoding of exactly ${KEY_BYTES} random bytes (44 characters ending in "="). ` +
        `${GENERATE_HINT}`,
      { data: { source: where } },
    );
  }
  return key;
}

function keyFromFile(dataDir: string): Buffer {
  const path = join(dataDir, MASTER_KEY_FILE);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // 'wx' fails when the file exists, so a key is never overwritten, even by a racing start.
    writeFileSync(path, `${generateMasterKey()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new SlipwayError(
        'CONFIG',
        `Cannot create the master key file ${path}: ${(e as Error).message}. Check that the data directory ` +
          `is writable by this user, or set ${MASTER_KEY_ENV}. ${GENERATE_HINT}`,
        { cause: e, data: { path } },
      );
    }
  }
  return readMasterKeyFile(path)!;
}

/**
 * The key in a key file (master.key and its rotation companions), or undefined when there is no
 * such file. CONFIG when the file can be read by others or does not hold a key.
 */
export function readMasterKeyFile(path: string): Buffer | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SlipwayError('CONFIG', `Cannot read the master key file ${path}: ${(e as Error).message}.`, {
      cause: e,
      data: { path },
    });
  }
  // POSIX modes only; on Windows the ACLs of the data directory protect the file.
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new SlipwayError(
      'CONFIG',
      `The master key file ${path} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); ` +
        `Slipway refuses to use it. Restrict it with: chmod 600 ${path} (and consider rotating the key).`,
      { data: { path, mode: (stat.mode & 0o777).toString(8) } },
    );
  }
  return parseKey(readFileSync(path, 'utf8'), `The master key file ${path}`);
}

/** The public id of a key (hex of the first 4 bytes of its SHA-256), as written into ciphertexts. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function unreadable(message: string, context: string, data: Record<string, unknown> = {}): SlipwayError {
  return new SlipwayError('SECRET_UNREADABLE', message, { data: { context, ...data } });
}

/** A secret box over a raw 32-byte key (tests, rotation). */
export function secretBoxFromKey(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new RangeError(`a master key is ${KEY_BYTES} bytes`);
  const keyCopy = Buffer.from(key);
  const keyId = keyIdOf(keyCopy);
  // The header is authenticated too, so the version and key id cannot be swapped on a ciphertext.
  const aad = (context: string) => Buffer.from(`${VERSION}:${keyId}:${context}`, 'utf8');

  return {
    keyId,
    encrypt(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyCopy, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(context));
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, keyId, iv.toString('base64'), tag.toString('base64'), ct.toString('base64')].join(':');
    },
    decrypt(text, context) {
      const parts = text.split(':');
      const [version, id, iv64, tag64, ct64] = parts;
      if (parts.length !== 5 || version !== VERSION || !id || !iv64 || !tag64 || ct64 === undefined) {
        throw unreadable(
          `A stored secret (${context}) is not in a format this Slipway writes (expected ${VERSION}:...). ` +
            `It was changed outside Slipway or by a newer version; set the secret again.`,
          context,
        );
      }
      if (id !== keyId) {
        throw unreadable(
          `A stored secret (${context}) was encrypted with master key ${id}, but this server uses key ${keyId}. ` +
            `Start Slipway with the master key it was written with (${MASTER_KEY_ENV} or <data dir>/${MASTER_KEY_FILE}), ` +
            `or set the secret again.`,
          context,
          { keyId: id, currentKeyId: keyId },
        );
      }
      const iv = Buffer.from(iv64, 'base64');
      const tag = Buffer.from(tag64, 'base64');
      try {
        if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad lengths');
        const decipher = createDecipheriv('aes-256-gcm', keyCopy, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(context));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(ct64, 'base64')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        // No cause: the crypto error says nothing useful, and nothing of the value may escape.
        throw unreadable(
          `A stored secret (${context}) failed its integrity check: it was altered, or copied from another ` +
            `record. Set the secret again.`,
          context,
        );
      }
    },
  };
}

/** A column that holds ciphertexts, and how to name each row's owner (its context). */
export interface EncryptedColumn {
  table: string;
  /** Primary key column. Default `id`. */
  idColumn?: string;
  column: string;
  /** Context of a row is `${entityType}/${id}/${field}`; field defaults to the column name. */
  entityType: string;
  field?: string;
}

/**
 * Every column that holds secrets. A migration that adds one adds a line here, so rotation
 * re-encrypts it (api_keys holds hashes, not ciphertexts).
 */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  // Secret fields of resource documents (feed passwords, AWS secret keys): `resource-secret/<id>/value`.
  { table: 'resource_secrets', column: 'value', entityType: 'resource-secret' },
  // Sensitive variables and tenant values: `variable/<id>/value`.
  { table: 'variables', column: 'secret_value', entityType: 'variable', field: 'value' },
  // Sensitive variables frozen in a release: `release-variable/<id>/value`.
  { table: 'release_variables', column: 'secret_value', entityType: 'release-variable', field: 'value' },
  // A deployment's prompted values (JSON): `deployment/<id>/prompted`.
  { table: 'deployments', column: 'prompted_secret', entityType: 'deployment', field: 'prompted' },
  // A step's output variables (JSON): `deployment-step/<deployment>:<step>:<target>/outputs`.
  { table: 'deployment_steps', column: 'outputs_secret', entityType: 'deployment-step', field: 'outputs' },
  // A script task's payload for a worker (JSON): `script-task/<id>/payload` (migration 0008).
  { table: 'script_tasks', column: 'payload', entityType: 'script-task' },
  // A batch of events a worker sent (JSON): `script-task-event/<task>:<seq>/events`.
  { table: 'script_task_events', column: 'events', entityType: 'script-task-event' },
];

/** What a rotation did. */
export interface RotationResult {
  /** Values re-encrypted under the new key. */
  reencrypted: number;
  /** Values already under the new key (a rotation run again after a crash). */
  alreadyCurrent: number;
}

/**
 * Re-encrypts every stored secret from the old key to `newBox`'s in one transaction: all or
 * nothing. `old` is one box, or several (the current key and the one a previous rotation replaced):
 * each value is read with the box its key id names. Rows already under the new key are left as
 * they are. Persist the new key only after this returns. `columns` defaults to ENCRYPTED_COLUMNS.
 */
export async function rotateMasterKey(
  store: { db: Kysely<Database> },
  old: SecretBox | readonly SecretBox[],
  newBox: SecretBox,
  columns: readonly EncryptedColumn[] = ENCRYPTED_COLUMNS,
): Promise<RotationResult> {
  const oldBoxes = Array.isArray(old) ? (old as readonly SecretBox[]) : [old as SecretBox];
  const boxFor = (value: string) =>
    oldBoxes.find((b) => value.startsWith(`${VERSION}:${b.keyId}:`)) ?? oldBoxes[0]!;
  const result: RotationResult = { reencrypted: 0, alreadyCurrent: 0 };
  await inTransaction(store.db, async (trx) => {
    for (const c of columns) {
      const idCol = sql.ref(c.idColumn ?? 'id');
      const col = sql.ref(c.column);
      const table = sql.table(c.table);
      // Lock the rows so a concurrent write cannot slip a value under the old key past us.
      const rows = await sql<{ id: string; value: string }>`
        select ${idCol}::text as id, ${col} as value from ${table} where ${col} is not null order by ${idCol} for update`.execute(
        trx,
      );
      for (const row of rows.rows) {
        if (row.value.startsWith(`${VERSION}:${newBox.keyId}:`)) {
          result.alreadyCurrent++;
          continue;
        }
        const context = secretContext(c.entityType, row.id, c.field ?? c.column);
        const value = newBox.encrypt(boxFor(row.value).decrypt(row.value, context), context);
        await sql`update ${table} set ${col} = ${value} where ${idCol}::text = ${row.id}`.execute(trx);
        result.reencrypted++;
      }
    }
  });
  return result;
}

// Enough rows per column to see every key in use after a rotation, cheap on a large table.
const KEY_SAMPLE_ROWS = 1000;

/**
 * The ids of the master keys the stored secrets were written with, from a sample of each
 * encrypted column (the first rows found): empty when nothing is encrypted.
 */
export async function storedKeyIds(
  db: Kysely<Database>,
  columns: readonly EncryptedColumn[] = ENCRYPTED_COLUMNS,
): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const c of columns) {
    const col = sql.ref(c.column);
    const rows = await sql<{ id: string }>`
      select distinct split_part(v, ':', 2) as id
      from (select ${col} as v from ${sql.table(c.table)} where ${col} is not null limit ${KEY_SAMPLE_ROWS}) s`.execute(
      db,
    );
    for (const r of rows.rows) if (r.id) ids.add(r.id);
  }
  return ids;
}

/**
 * Writes `key` (base64) as `<dataDir>/<file>` (default master.key) with mode 0600, replacing any
 * previous one atomically: a crash leaves the old file or the new one, never a partial key.
 */
export function writeMasterKeyFile(dataDir: string, key: string, file: string = MASTER_KEY_FILE): string {
  parseKey(key, 'The new master key');
  const path = join(resolve(dataDir), file);
  mkdirSync(resolve(dataDir), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${key.trim()}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dirname(path));
  return path;
}

/** Makes a rename or unlink in `dir` durable (a no-op where directories cannot be opened). */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; its renames are durable enough for a key file.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
