/**
 * Workers and their registration tokens (docs/workers.md). An administrator creates a token
 * (`slwr_...`, shown once, optionally limited to one pool, expiring); `slipway worker` registers
 * with it and gets its own key (`slwk_...`), which authorises only the worker routes. Both are
 * stored as hashes (secret-keys.ts). Every change an administrator or a registration makes writes
 * an audit row, never with a token, key or hash.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { WorkerRegistration } from '../core/workers/protocol.js';
import { inTransaction, recordAudit, type Actor } from './audit.js';
import { uniqueViolation } from './db-errors.js';
import { issueKey, keyMatches, prefixOf } from './secret-keys.js';
import type { Database, JsonValue } from './types.js';
import type { WorkerRegistrationTokensTable, WorkersTable } from './worker-tables.js';

/** A worker seen (any request) within this many seconds is online. */
export const WORKER_ONLINE_SECONDS = 30;
/** How long a registration token lasts unless its creator says otherwise. */
export const DEFAULT_TOKEN_HOURS = 24;

/** The one message for a refused worker key (the reason goes to the server's log only). */
export const WORKER_KEY_REJECTED_MESSAGE =
  'The worker key is not valid: the worker was removed, or the key is wrong. Register the worker again ' +
  'with a registration token from an administrator (slipway worker --token ...).';
/** The one message for a refused registration token. */
export const REGISTRATION_TOKEN_REJECTED_MESSAGE =
  'The worker registration token is not valid: it is wrong, expired or revoked. Ask an administrator ' +
  'for a new one (POST /api/worker-tokens).';

/** A registration token as lists show it: never the token or its hash. */
export interface RegistrationTokenInfo {
  id: string;
  name: string;
  /** The only pool workers registering with it may join; null = any. */
  pool: string | null;
  prefix: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** A registered worker (never its key or hash). */
export interface WorkerInfo {
  id: string;
  name: string;
  pool: string;
  version: string;
  hostname: string | null;
  registeredAt: Date;
  lastSeenAt: Date;
  disabledAt: Date | null;
  /** Seen within WORKER_ONLINE_SECONDS. */
  online: boolean;
}

/** Why a token or key was refused: for the server's log, never for the client. */
export type KeyRejection = 'malformed' | 'unknown' | 'expired' | 'revoked';

const TOKEN_COLUMNS = ['id', 'name', 'pool', 'prefix', 'created_at', 'expires_at', 'revoked_at'] as const;
const WORKER_COLUMNS = [
  'id',
  'name',
  'pool',
  'version',
  'hostname',
  'registered_at',
  'last_seen_at',
  'disabled_at',
] as const;
const online = sql<boolean>`last_seen_at > now() - ${`${WORKER_ONLINE_SECONDS} seconds`}::interval`.as(
  'online',
);

function toToken(row: Pick<Selectable<WorkerRegistrationTokensTable>, (typeof TOKEN_COLUMNS)[number]>) {
  return {
    id: row.id,
    name: row.name,
    pool: row.pool,
    prefix: row.prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

function toWorker(
  row: Pick<Selectable<WorkersTable>, (typeof WORKER_COLUMNS)[number]> & { online: boolean },
): WorkerInfo {
  return {
    id: row.id,
    name: row.name,
    pool: row.pool,
    version: row.version,
    hostname: row.hostname,
    registeredAt: row.registered_at,
    lastSeenAt: row.last_seen_at,
    disabledAt: row.disabled_at,
    online: row.online,
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// Built from the infos, which hold no token, key or hash, so the audit log cannot receive one.
function tokenJson(t: RegistrationTokenInfo): JsonValue {
  return {
    ...t,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt.toISOString(),
    revokedAt: iso(t.revokedAt),
  };
}
function workerJson(w: WorkerInfo): JsonValue {
  const { online: _online, lastSeenAt: _seen, ...rest } = w;
  return { ...rest, registeredAt: w.registeredAt.toISOString(), disabledAt: iso(w.disabledAt) };
}

function workerNotFound(id: string): SlipwayError {
  return new SlipwayError('NOT_FOUND', `There is no worker "${id}".`, { data: { entity: 'worker', id } });
}

/** Workers and registration tokens over `db`. */
export function workersRepository(db: Kysely<Database>) {
  async function getWorker(id: string, trx: Kysely<Database> = db): Promise<WorkerInfo> {
    const row = await trx
      .selectFrom('workers')
      .select([...WORKER_COLUMNS, online])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw workerNotFound(id);
    return toWorker(row);
  }

  return {
    /** Creates a registration token (default expiry DEFAULT_TOKEN_HOURS); `token` is shown only here. */
    async createToken(
      input: { name: string; pool?: string; expiresAt?: Date },
      by: Actor,
    ): Promise<{ info: RegistrationTokenInfo; token: string }> {
      const expiresAt = input.expiresAt ?? new Date(Date.now() + DEFAULT_TOKEN_HOURS * 3_600_000);
      if (!(expiresAt.getTime() > Date.now())) {
        throw new SlipwayError('INVALID_INPUT', 'expiresAt must be in the future.', {
          data: { issues: ['expiresAt: must be in the future'] },
        });
      }
      const issued = issueKey('slwr');
      return inTransaction(db, async (trx) => {
        const row = await trx
          .insertInto('worker_registration_tokens')
          .values({
            id: `WorkerTokens-${randomUUID()}`,
            name: input.name,
            pool: input.pool ?? null,
            prefix: issued.prefix,
            hash: issued.hash,
            expires_at: expiresAt,
          })
          .returning(TOKEN_COLUMNS)
          .executeTakeFirstOrThrow();
        const info = toToken(row);
        await recordAudit(trx, by, {
          spaceId: null,
          action: 'create',
          entityType: 'worker-registration-token',
          entityId: info.id,
          after: tokenJson(info),
        });
        return { info, token: issued.key };
      });
    },

    /** Every registration token, newest first (never the tokens). */
    async listTokens(): Promise<RegistrationTokenInfo[]> {
      const rows = await db
        .selectFrom('worker_registration_tokens')
        .select(TOKEN_COLUMNS)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(toToken);
    },

    /** Revokes a token at once (workers it registered keep their own keys). NOT_FOUND when unknown. */
    async revokeToken(id: string, by: Actor): Promise<RegistrationTokenInfo> {
      return inTransaction(db, async (trx) => {
        const row = await trx
          .selectFrom('worker_registration_tokens')
          .select(TOKEN_COLUMNS)
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (!row) {
          throw new SlipwayError('NOT_FOUND', `There is no worker registration token "${id}".`, {
            data: { entity: 'worker-registration-token', id },
          });
        }
        const before = toToken(row);
        if (before.revokedAt) return before;
        const after = toToken(
          await trx
            .updateTable('worker_registration_tokens')
            .set({ revoked_at: sql<Date>`now()` })
            .where('id', '=', id)
            .returning(TOKEN_COLUMNS)
            .executeTakeFirstOrThrow(),
        );
        await recordAudit(trx, by, {
          spaceId: null,
          action: 'update',
          entityType: 'worker-registration-token',
          entityId: id,
          before: tokenJson(before),
          after: tokenJson(after),
        });
        return after;
      });
    },

    /** Checks a presented registration token (log the reason; show REGISTRATION_TOKEN_REJECTED_MESSAGE). */
    async checkToken(
      token: string,
    ): Promise<{ ok: true; token: RegistrationTokenInfo } | { ok: false; reason: KeyRejection }> {
      const prefix = prefixOf('slwr', token);
      const row = prefix
        ? await db
            .selectFrom('worker_registration_tokens')
            .select([...TOKEN_COLUMNS, 'hash', sql<boolean>`expires_at <= now()`.as('expired')])
            .where('prefix', '=', prefix)
            .executeTakeFirst()
        : undefined;
      if (!keyMatches(token, row?.hash) || !row)
        return { ok: false, reason: prefix ? 'unknown' : 'malformed' };
      if (row.revoked_at) return { ok: false, reason: 'revoked' };
      if (row.expired) return { ok: false, reason: 'expired' };
      return { ok: true, token: toToken(row) };
    },

    /**
     * Registers a worker with a checked token: FORBIDDEN when the token is for another pool,
     * ALREADY_EXISTS when the name is taken. `key` is returned only here.
     */
    async register(
      token: RegistrationTokenInfo,
      input: WorkerRegistration,
      by: Actor,
    ): Promise<{ worker: WorkerInfo; key: string }> {
      if (token.pool !== null && token.pool !== input.pool) {
        throw new SlipwayError(
          'FORBIDDEN',
          `The registration token "${token.name}" registers workers in pool "${token.pool}" only, not ` +
            `"${input.pool}". Use --pool ${token.pool}, or ask an administrator for a token for "${input.pool}".`,
          { data: { tokenPool: token.pool, pool: input.pool } },
        );
      }
      const issued = issueKey('slwk');
      try {
        return await inTransaction(db, async (trx) => {
          const row = await trx
            .insertInto('workers')
            .values({
              id: `Workers-${randomUUID()}`,
              name: input.name,
              pool: input.pool,
              prefix: issued.prefix,
              hash: issued.hash,
              version: input.version,
              hostname: input.hostname ?? null,
              token_id: token.id,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          const worker = await getWorker(row.id, trx);
          await recordAudit(trx, by, {
            spaceId: null,
            action: 'create',
            entityType: 'worker',
            entityId: worker.id,
            after: workerJson(worker),
          });
          return { worker, key: issued.key };
        });
      } catch (e) {
        if (uniqueViolation(e) === undefined) throw e;
        throw new SlipwayError(
          'ALREADY_EXISTS',
          `A worker named "${input.name}" is already registered (names are compared ignoring case). Start this ` +
            `one with another --name, or have an administrator remove the old one (DELETE /api/workers/{id}).`,
          { cause: e, data: { entity: 'worker', name: input.name } },
        );
      }
    },

    /**
     * Checks a presented worker key and records that the worker was seen. A disabled worker still
     * authenticates (it finishes its task and learns it is disabled); a removed one does not.
     */
    async checkWorkerKey(
      key: string,
    ): Promise<{ ok: true; worker: WorkerInfo } | { ok: false; reason: KeyRejection }> {
      const prefix = prefixOf('slwk', key);
      const row = prefix
        ? await db
            .selectFrom('workers')
            .select(['id', 'hash'])
            .where('prefix', '=', prefix)
            .executeTakeFirst()
        : undefined;
      if (!keyMatches(key, row?.hash) || !row) return { ok: false, reason: prefix ? 'unknown' : 'malformed' };
      const seen = await db
        .updateTable('workers')
        .set({ last_seen_at: sql<Date>`now()` })
        .where('id', '=', row.id)
        .returning([...WORKER_COLUMNS, sql<boolean>`true`.as('online')])
        .executeTakeFirst();
      if (!seen) return { ok: false, reason: 'unknown' };
      return { ok: true, worker: toWorker(seen) };
    },

    /** Records that a worker is alive (a long poll in progress). */
    async touch(id: string): Promise<void> {
      await db
        .updateTable('workers')
        .set({ last_seen_at: sql<Date>`now()` })
        .where('id', '=', id)
        .execute();
    },

    /** Every worker (of `pool`, when given), by pool then name. */
    async list(filter: { pool?: string } = {}): Promise<WorkerInfo[]> {
      let q = db.selectFrom('workers').select([...WORKER_COLUMNS, online]);
      if (filter.pool !== undefined) q = q.where('pool', '=', filter.pool);
      const rows = await q
        .orderBy('pool')
        .orderBy(sql`lower(name)`)
        .execute();
      return rows.map(toWorker);
    },

    /** One worker; NOT_FOUND when there is none. */
    getWorker: (id: string) => getWorker(id),

    /** How many enabled workers of `pool` are online now. */
    async onlineInPool(pool: string): Promise<number> {
      const row = await db
        .selectFrom('workers')
        .select(sql<string | number>`count(*)`.as('n'))
        .where('pool', '=', pool)
        .where('disabled_at', 'is', null)
        .where(sql<boolean>`last_seen_at > now() - ${`${WORKER_ONLINE_SECONDS} seconds`}::interval`)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Disables (no new task; the running one finishes) or enables a worker. Idempotent. */
    async setDisabled(id: string, disabled: boolean, by: Actor): Promise<WorkerInfo> {
      return inTransaction(db, async (trx) => {
        const before = await getWorker(id, trx);
        if ((before.disabledAt !== null) === disabled) return before;
        await trx
          .updateTable('workers')
          .set({ disabled_at: disabled ? sql<Date>`now()` : null })
          .where('id', '=', id)
          .execute();
        const after = await getWorker(id, trx);
        await recordAudit(trx, by, {
          spaceId: null,
          action: 'update',
          entityType: 'worker',
          entityId: id,
          before: workerJson(before),
          after: workerJson(after),
        });
        return after;
      });
    },

    /** Removes a worker: its key stops working at once. NOT_FOUND when there is none. */
    async remove(id: string, by: Actor): Promise<WorkerInfo> {
      return inTransaction(db, async (trx) => {
        const before = await getWorker(id, trx);
        await trx.deleteFrom('workers').where('id', '=', id).execute();
        await recordAudit(trx, by, {
          spaceId: null,
          action: 'delete',
          entityType: 'worker',
          entityId: id,
          before: workerJson(before),
        });
        return before;
      });
    },
  };
}

/** The workers repository's type. */
export type WorkersRepository = ReturnType<typeof workersRepository>;
