/**
 * Users and API keys. A key is `slw_<prefix>_<secret>`: the prefix (public, shown in lists) finds
 * the row, the secret is 32 random bytes. Only the SHA-256 of the whole key is stored. A fast hash
 * is right here: slow password hashes exist to protect guessable passwords, and 256 random bits
 * cannot be guessed however fast the hash. Every change writes an audit row without key or hash.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql, type Kysely, type Selectable } from 'kysely';
import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';
import { nameSchema, parseInput, unknownFields } from '../core/model/parse.js';
import { auditTrail, inTransaction, type Actor } from './audit.js';
import { passwordsRepository } from './passwords.js';
import { ADMIN_KEY_FILE, ADMIN_PASSWORD_FILE } from './data-dir.js';
import { uniqueViolation } from './db-errors.js';
import { storedKeyIds } from './secrets.js';
import type { ApiKeysTable, Database, JsonValue } from './types.js';
import { toUser, type User } from './user-row.js';

const KEY_PREFIX = 'slw';
const PREFIX_BYTES = 6; // 12 hex characters: enough to find a row, and harmless to show
const SECRET_BYTES = 32;
const KEY_PATTERN = /^slw_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
// Writing last_used_at on every request would turn each read into a write; a minute is precise enough.
const LAST_USED_RESOLUTION = '1 minute';

export { ADMIN_KEY_FILE, ADMIN_PASSWORD_FILE };
export { toUser, type User };
/** Name of the administrator created on first start. */
export const ADMIN_USER_NAME = 'admin';
/** The one message for every rejected key, so a caller cannot probe which keys exist or why one failed. */
export const API_KEY_REJECTED_MESSAGE =
  'The API key is not valid: it is wrong, expired or revoked, or its user is disabled. Ask an administrator for a new key.';

/** An API key as lists show it: never the key or its hash. */
export interface ApiKeyInfo {
  id: string;
  userId: string;
  name: string;
  /** The public part of the key (`slw_<prefix>_...`), so users can tell their keys apart. */
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** Why a key was refused: for the server's log, never for the client (see API_KEY_REJECTED_MESSAGE). */
export type ApiKeyRejection = 'malformed' | 'unknown' | 'expired' | 'revoked' | 'user-disabled';

/** The outcome of checking a presented key. */
export type ApiKeyCheck = { ok: true; user: User; keyId: string } | { ok: false; reason: ApiKeyRejection };

const userCreateSchema = z.strictObject(
  { name: nameSchema('name'), isAdmin: z.boolean({ error: 'isAdmin must be true or false' }).default(false) },
  { error: unknownFields('user') },
);

const apiKeyCreateSchema = z.strictObject(
  {
    name: nameSchema('name'),
    expiresAt: z
      .date({ error: 'expiresAt must be a date' })
      .refine((d) => !Number.isNaN(d.getTime()), { error: 'expiresAt must be a valid date', abort: true })
      .refine((d) => d.getTime() > Date.now(), { error: 'expiresAt must be in the future' })
      .optional(),
  },
  { error: unknownFields('API key') },
);

function toKeyInfo(row: Omit<Selectable<ApiKeysTable>, 'hash'>): ApiKeyInfo {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function userJson(u: User): JsonValue {
  return { ...u, createdAt: u.createdAt.toISOString(), disabledAt: iso(u.disabledAt) };
}

// Built from ApiKeyInfo, which has no key or hash, so the audit log cannot receive either.
function keyJson(k: ApiKeyInfo): JsonValue {
  return {
    ...k,
    createdAt: k.createdAt.toISOString(),
    expiresAt: iso(k.expiresAt),
    revokedAt: iso(k.revokedAt),
    lastUsedAt: iso(k.lastUsedAt),
  };
}

const userAudit = auditTrail('user', userJson);
const keyAudit = auditTrail('api-key', keyJson);

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

// Columns safe to read back: everything but the hash.
const INFO_COLUMNS = [
  'id',
  'user_id',
  'name',
  'prefix',
  'created_at',
  'expires_at',
  'revoked_at',
  'last_used_at',
] as const;

function userNotFound(id: string): SlipwayError {
  return new SlipwayError('NOT_FOUND', `There is no user "${id}".`, { data: { entity: 'user', id } });
}

/** Users and API keys over `db` (a Kysely instance or a transaction). */
export function apiKeysRepository(db: Kysely<Database>) {
  /** Checks a presented key and says why it failed (log the reason; show API_KEY_REJECTED_MESSAGE). */
  async function checkApiKey(key: string): Promise<ApiKeyCheck> {
    const match = KEY_PATTERN.exec(key);
    const presented = hashKey(key);
    if (!match) return { ok: false, reason: 'malformed' };
    const row = await db
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .select([
        'api_keys.id as key_id',
        'api_keys.hash',
        'api_keys.revoked_at',
        'users.id',
        'users.name',
        'users.is_admin',
        'users.created_at',
        'users.disabled_at',
        // The database's clock decides expiry: one clock across nodes.
        sql<boolean>`api_keys.expires_at is not null and api_keys.expires_at <= now()`.as('expired'),
      ])
      .where('api_keys.prefix', '=', match[1]!)
      .executeTakeFirst();
    // Compare against something even when the prefix is unknown, so timing does not tell the two apart.
    const stored = row ? Buffer.from(row.hash, 'hex') : Buffer.alloc(presented.length);
    const equal = stored.length === presented.length && timingSafeEqual(stored, presented);
    if (!row || !equal) return { ok: false, reason: 'unknown' };
    if (row.revoked_at) return { ok: false, reason: 'revoked' };
    if (row.expired) return { ok: false, reason: 'expired' };
    if (row.disabled_at) return { ok: false, reason: 'user-disabled' };
    // Usage bookkeeping, not a change anyone made: no audit row.
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', row.key_id)
      .where((eb) =>
        eb.or([
          eb('last_used_at', 'is', null),
          eb('last_used_at', '<', sql<Date>`now() - ${LAST_USED_RESOLUTION}::interval`),
        ]),
      )
      .execute();
    return {
      ok: true,
      keyId: row.key_id,
      user: toUser({
        id: row.id,
        name: row.name,
        is_admin: row.is_admin,
        created_at: row.created_at,
        disabled_at: row.disabled_at,
      }),
    };
  }

  return {
    checkApiKey,

    /** Creates a user (isAdmin default false); ALREADY_EXISTS when the name is taken, ignoring case. */
    async createUser(input: unknown, by: Actor): Promise<User> {
      const data = parseInput(userCreateSchema, input, 'user');
      try {
        return await inTransaction(db, async (trx) => {
          const row = await trx
            .insertInto('users')
            .values({ id: `Users-${randomUUID()}`, name: data.name, is_admin: data.isAdmin })
            .returningAll()
            .executeTakeFirstOrThrow();
          return userAudit.created(trx, by, null, toUser(row));
        });
      } catch (e) {
        if (uniqueViolation(e) === undefined) throw e;
        throw new SlipwayError(
          'ALREADY_EXISTS',
          `A user named "${data.name}" already exists (names are compared ignoring case). Pick another name.`,
          { cause: e, data: { entity: 'user', name: data.name } },
        );
      }
    },

    /** The user with this id; NOT_FOUND when there is none. */
    async getUser(id: string): Promise<User> {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw userNotFound(id);
      return toUser(row);
    },

    /** Disables a user: their keys stop working at once. Idempotent. */
    async disableUser(id: string, by: Actor): Promise<User> {
      return inTransaction(db, async (trx) => {
        const row = await trx
          .selectFrom('users')
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (!row) throw userNotFound(id);
        const before = toUser(row);
        if (before.disabledAt) return before;
        const after = toUser(
          await trx
            .updateTable('users')
            .set({ disabled_at: sql<Date>`now()` })
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow(),
        );
        return userAudit.updated(trx, by, null, before, after);
      });
    },

    /** Creates a key for the user; `key` is returned only here and is never stored or shown again. */
    async createApiKey(userId: string, input: unknown, by: Actor): Promise<{ id: string; key: string }> {
      const data = parseInput(apiKeyCreateSchema, input, 'API key');
      return inTransaction(db, async (trx) => {
        const user = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
        if (!user) throw userNotFound(userId);
        const prefix = randomBytes(PREFIX_BYTES).toString('hex');
        const key = `${KEY_PREFIX}_${prefix}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
        // A prefix clash (1 in 2^48 per pair) fails the unique index; the caller may simply retry.
        const row = await trx
          .insertInto('api_keys')
          .values({
            id: `ApiKeys-${randomUUID()}`,
            user_id: userId,
            name: data.name,
            prefix,
            hash: hashKey(key).toString('hex'),
            expires_at: data.expiresAt ?? null,
          })
          .returning(INFO_COLUMNS)
          .executeTakeFirstOrThrow();
        const info = await keyAudit.created(trx, by, null, toKeyInfo(row));
        return { id: info.id, key };
      });
    },

    /** The key's user and id when the key is valid; undefined otherwise (checkApiKey says why). */
    async verifyApiKey(key: string): Promise<{ user: User; keyId: string } | undefined> {
      const r = await checkApiKey(key);
      return r.ok ? { user: r.user, keyId: r.keyId } : undefined;
    },

    /** Revokes a key at once; revoking a revoked key changes nothing. NOT_FOUND when there is no such key. */
    async revokeApiKey(keyId: string, by: Actor): Promise<ApiKeyInfo> {
      return inTransaction(db, async (trx) => {
        const row = await trx
          .selectFrom('api_keys')
          .select(INFO_COLUMNS)
          .where('id', '=', keyId)
          .forUpdate()
          .executeTakeFirst();
        if (!row) {
          throw new SlipwayError('NOT_FOUND', `There is no API key "${keyId}".`, {
            data: { entity: 'api-key', id: keyId },
          });
        }
        const before = toKeyInfo(row);
        if (before.revokedAt) return before;
        const after = toKeyInfo(
          await trx
            .updateTable('api_keys')
            .set({ revoked_at: sql<Date>`now()` })
            .where('id', '=', keyId)
            .returning(INFO_COLUMNS)
            .executeTakeFirstOrThrow(),
        );
        return keyAudit.updated(trx, by, null, before, after);
      });
    },

    /** The user's keys, oldest first, without key or hash. */
    async listApiKeys(userId: string): Promise<ApiKeyInfo[]> {
      const rows = await db
        .selectFrom('api_keys')
        .select(INFO_COLUMNS)
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toKeyInfo);
    },
  };
}

/** The users and API keys repository's type. */
export type ApiKeysRepository = ReturnType<typeof apiKeysRepository>;

// Letters and digits that cannot be mistaken for each other when read aloud or off a screen.
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A generated password: 4 groups of 5 characters (about 99 random bits), e.g. `k7qm2-x9vpt-...`. */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    // Rejection sampling keeps every character equally likely (256 is not a multiple of 31).
    while (group.length < 5) {
      const byte = randomBytes(1)[0]!;
      if (byte < 248) group += PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length];
    }
    groups.push(group);
  }
  return groups.join('-');
}

function writeSecretFile(pending: string, path: string, value: string, what: string): void {
  try {
    rmSync(pending, { force: true });
    writeFileSync(pending, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    throw new SlipwayError(
      'CONFIG',
      `Cannot write the administrator's ${what} to ${pending}: ${(e as Error).message}. Check that the ` +
        `data directory is writable by this user.`,
      { cause: e, data: { path } },
    );
  }
}

/**
 * First start: when there is no user at all, creates the administrator with one key and a
 * generated password (for the web UI), writes them to `<dataDir>/admin-api-key` and
 * `<dataDir>/admin-password` (mode 0600) and returns them, once. Later calls create nothing and
 * return neither. Safe when several nodes start together on one PostgreSQL. Refuses (CONFIG) a
 * database with no user but with secrets, or beside an `admin-api-key` file: that is an earlier
 * installation's database emptied or replaced, and a new administrator would hide it.
 */
export async function ensureAdministrator(
  store: { db: Kysely<Database> },
  options: { dataDir: string },
): Promise<{ key?: string; password?: string }> {
  const path = join(resolve(options.dataDir), ADMIN_KEY_FILE);
  const passwordPath = join(resolve(options.dataDir), ADMIN_PASSWORD_FILE);
  // The key goes to `<file>.new` before the commit and is renamed after it: a crash before the
  // commit leaves only a `.new` (removed at the next start), one after it a `.new` that the next
  // start installs. `admin-api-key` itself exists only for a committed administrator. The
  // password file follows the same path.
  const pending = `${path}.new`;
  const pendingPassword = `${passwordPath}.new`;
  const password = generatePassword();
  const created = await store.db.transaction().execute(async (trx) => {
    // Serialises nodes starting together: exactly one sees an empty users table.
    await sql`select pg_advisory_xact_lock(hashtext('slipway.first-administrator'))`.execute(trx);
    const any = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (any) return undefined;
    await refuseOverEarlierInstallation(trx, path);
    const repo = apiKeysRepository(trx);
    const system: Actor = { actor: 'system' };
    const user = await repo.createUser({ name: ADMIN_USER_NAME, isAdmin: true }, system);
    const { key } = await repo.createApiKey(user.id, { name: 'first start' }, system);
    await passwordsRepository(trx).setPassword(user.id, password, system);
    try {
      mkdirSync(resolve(options.dataDir), { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new SlipwayError(
        'CONFIG',
        `Cannot create the data directory ${options.dataDir}: ${(e as Error).message}.`,
        {
          cause: e,
          data: { path },
        },
      );
    }
    writeSecretFile(pending, path, key, 'API key');
    writeSecretFile(pendingPassword, passwordPath, password, 'password');
    return key;
  });
  if (created) {
    renameSync(pending, path);
    renameSync(pendingPassword, passwordPath);
    return { key: created, password };
  }
  await finishPendingKeyFile(store.db, pending, path);
  await finishPendingPasswordFile(store.db, pendingPassword, passwordPath);
  return {};
}

/** Installs the password file of a first start that died after its commit; drops one whose commit never came. */
async function finishPendingPasswordFile(db: Kysely<Database>, pending: string, path: string): Promise<void> {
  if (!existsSync(pending)) return;
  const password = readFileSync(pending, 'utf8').trim();
  const check = existsSync(path)
    ? undefined
    : await passwordsRepository(db).checkPassword(ADMIN_USER_NAME, password);
  if (check?.ok) renameSync(pending, path);
  else rmSync(pending, { force: true });
}

/** Installs the key file of a first start that died after its commit; drops one whose commit never came. */
async function finishPendingKeyFile(db: Kysely<Database>, pending: string, path: string): Promise<void> {
  if (!existsSync(pending)) return;
  const key = readFileSync(pending, 'utf8').trim();
  if (!existsSync(path) && (await apiKeysRepository(db).verifyApiKey(key))) renameSync(pending, path);
  else rmSync(pending, { force: true });
}

async function refuseOverEarlierInstallation(db: Kysely<Database>, path: string): Promise<void> {
  const found: string[] = [];
  if (existsSync(path)) found.push(`${path} exists`);
  const ids = await storedKeyIds(db);
  if (ids.size > 0) found.push(`the database holds secrets (master key ${[...ids].join(', ')})`);
  if (found.length === 0) return;
  throw new SlipwayError(
    'CONFIG',
    `The database has no users, but ${found.join(' and ')}: this is an earlier installation's database ` +
      `emptied or replaced, so Slipway will not create a new administrator. Restore the database from a ` +
      `backup; or, to start a new installation, move ${path} away (and use an empty database).`,
    { data: { reason: 'earlier-installation', path } },
  );
}
