/**
 * Browser sessions (the web UI's sign-in). A session is found by its token, 32 random bytes the
 * cookie carries; only the token's SHA-256 is stored, so a copy of the database signs nobody in
 * (a fast hash is right for 256 random bits, as for API keys). A session ends at the first of:
 * its absolute lifetime (12 hours from sign-in), its idle time (2 hours without a request; each
 * request slides it), sign-out, a password change, or its user being disabled (checked on every
 * request, so that takes effect at once). Times come from the injected clock, so tests can move it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { toUser, type User } from './user-row.js';
import { inTransaction, recordAudit, type Actor } from './audit.js';
import type { SessionsTable } from './session-tables.js';
import type { Database } from './types.js';

/** How long a session lasts at most, whatever the activity: 12 hours. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** How long a session lasts without a request: 2 hours. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
// Writing last_seen_at on every request would turn each read into a write; a minute is precise enough.
const SLIDE_RESOLUTION_MS = 60 * 1000;
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** How a session was started. */
export type SignInMethod = 'password' | 'api-key';

/** A session, without its token. */
export interface Session {
  id: string;
  userId: string;
  csrfToken: string;
  method: SignInMethod;
  createdAt: Date;
  /** The absolute end. */
  expiresAt: Date;
  lastSeenAt: Date;
}

/** Why a presented session token was refused: for the log only. */
export type SessionRejection = 'malformed' | 'unknown' | 'expired' | 'idle' | 'user-disabled' | 'key-revoked';

/** The outcome of looking up a presented token. */
export type SessionCheck =
  { ok: true; session: Session; user: User } | { ok: false; reason: SessionRejection };

/** When `session` ends if nothing else happens: the earlier of its absolute end and its idle end. */
export function sessionEndsAt(session: Session): Date {
  return new Date(Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + SESSION_IDLE_MS));
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    method: row.method as SignInMethod,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
  };
}

/** Sessions over `db`, with `now` as the clock (default the system's). */
export function sessionsRepository(db: Kysely<Database>, now: () => Date = () => new Date()) {
  return {
    /** Starts a session for `user`; the token is returned only here. Audited (create of `session`). */
    async start(
      user: User,
      method: SignInMethod,
      by: Actor,
      apiKeyId?: string,
    ): Promise<{ token: string; session: Session }> {
      const token = randomBytes(TOKEN_BYTES).toString('base64url');
      const at = now();
      return inTransaction(db, async (trx) => {
        const row = await trx
          .insertInto('sessions')
          .values({
            id: `Sessions-${randomUUID()}`,
            token_hash: hashToken(token),
            user_id: user.id,
            csrf_token: randomBytes(TOKEN_BYTES).toString('base64url'),
            method,
            api_key_id: apiKeyId ?? null,
            source_ip: by.sourceIp ?? null,
            created_at: at,
            expires_at: new Date(at.getTime() + SESSION_LIFETIME_MS),
            last_seen_at: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const session = toSession(row);
        await recordAudit(trx, by, {
          spaceId: null,
          action: 'create',
          entityType: 'session',
          entityId: session.id,
          after: { user: user.name, userId: user.id, method, expiresAt: session.expiresAt.toISOString() },
        });
        return { token, session };
      });
    },

    /** The session `token` belongs to, if it is still valid (and slides its idle time); else why not. */
    async find(token: string): Promise<SessionCheck> {
      if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: 'malformed' };
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .leftJoin('api_keys', 'api_keys.id', 'sessions.api_key_id')
        .selectAll('sessions')
        .select([
          'users.name',
          'users.is_admin',
          'users.created_at as user_created_at',
          'users.disabled_at',
          'api_keys.revoked_at as key_revoked_at',
          'api_keys.expires_at as key_expires_at',
        ])
        .where('sessions.token_hash', '=', hashToken(token))
        .executeTakeFirst();
      if (!row) return { ok: false, reason: 'unknown' };
      const session = toSession(row);
      const at = now();
      if (at >= session.expiresAt) return { ok: false, reason: 'expired' };
      if (at.getTime() >= session.lastSeenAt.getTime() + SESSION_IDLE_MS)
        return { ok: false, reason: 'idle' };
      if (row.disabled_at) return { ok: false, reason: 'user-disabled' };
      // A session started with a key lasts no longer than the key.
      if (row.key_revoked_at || (row.key_expires_at && at >= row.key_expires_at)) {
        return { ok: false, reason: 'key-revoked' };
      }
      if (at.getTime() - session.lastSeenAt.getTime() >= SLIDE_RESOLUTION_MS) {
        await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', session.id).execute();
        session.lastSeenAt = at;
      }
      const user = toUser({
        id: row.user_id,
        name: row.name,
        is_admin: row.is_admin,
        created_at: row.user_created_at,
        disabled_at: row.disabled_at,
      });
      return { ok: true, session, user };
    },

    /** Ends a session (sign-out); ending an ended one changes nothing. Audited (delete of `session`). */
    async end(session: Session, user: User, by: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        const gone = await trx.deleteFrom('sessions').where('id', '=', session.id).executeTakeFirst();
        if (Number(gone.numDeletedRows) === 0) return;
        await recordAudit(trx, by, {
          spaceId: null,
          action: 'delete',
          entityType: 'session',
          entityId: session.id,
          before: { user: user.name, userId: user.id, method: session.method },
        });
      });
    },

    /** Deletes sessions that have ended by time (they are refused anyway; this keeps the table small). */
    async prune(): Promise<number> {
      const at = now();
      const result = await db
        .deleteFrom('sessions')
        .where((eb) =>
          eb.or([
            eb('expires_at', '<=', at),
            eb('last_seen_at', '<=', new Date(at.getTime() - SESSION_IDLE_MS)),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** The user's sessions, newest first (without tokens). */
    async ofUser(userId: string): Promise<Session[]> {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toSession);
    },
  };
}

/** The sessions repository's type. */
export type SessionsRepository = ReturnType<typeof sessionsRepository>;
