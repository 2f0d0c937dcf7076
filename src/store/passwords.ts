/**
 * Users' passwords: the rules a new one must meet, setting one (which ends the user's other
 * sessions), and checking one at sign-in. Only the scrypt hash is stored (password-hash.ts); a
 * check spends the same hashing time whether or not the user exists, and says why it failed only
 * to the caller's log, never to the client (SIGN_IN_REJECTED_MESSAGE).
 */
import { sql, type Kysely } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { toUser, type User } from './user-row.js';
import { inTransaction, recordAudit, type Actor } from './audit.js';
import { hashPassword, needsRehash, spendVerificationTime, verifyPassword } from './password-hash.js';
import type { Database } from './types.js';

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest password accepted (a passphrase fits; a megabyte is not a password). */
export const MAX_PASSWORD_LENGTH = 1024;

/** The one message for every failed sign-in with a password, so names cannot be probed. */
export const SIGN_IN_REJECTED_MESSAGE =
  'The user name or password is wrong, or the user is disabled. Check both and try again, or ask an administrator.';

/** Why a password sign-in failed: for the log and the audit, never for the client. */
export type PasswordRejection = 'unknown-user' | 'no-password' | 'wrong-password' | 'user-disabled';

/** The outcome of a password check. */
export type PasswordCheck = { ok: true; user: User } | { ok: false; reason: PasswordRejection; user?: User };

/** What is wrong with `password` as the password of `userName` (empty when it is acceptable). */
export function passwordProblems(password: string, userName: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    problems.push(
      `password must be at least ${MIN_PASSWORD_LENGTH} characters long (this one has ${length}); a few unrelated words make a good one`,
    );
  }
  if (length > MAX_PASSWORD_LENGTH)
    problems.push(`password must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  if (password.trim().toLowerCase() === userName.toLowerCase()) {
    problems.push('password must not be the user name');
  }
  return problems;
}

/** Throws INVALID_INPUT naming each problem of `password` (see passwordProblems). */
export function checkNewPassword(password: string, userName: string): void {
  const problems = passwordProblems(password, userName);
  if (problems.length === 0) return;
  throw new SlipwayError('INVALID_INPUT', `Invalid password: ${problems.join('; ')}.`, {
    data: { issues: problems.map((p) => `password: ${p}`) },
  });
}

/** Passwords over `db` (a Kysely instance or a transaction). */
export function passwordsRepository(db: Kysely<Database>) {
  return {
    /**
     * Sets the user's password (checked with checkNewPassword) and ends their sessions except
     * `keepSession` (the one that changed it, if any). Audited without the password or its hash.
     * Returns how many sessions it ended.
     */
    async setPassword(userId: string, password: string, by: Actor, keepSession?: string): Promise<number> {
      const user = await db
        .selectFrom('users')
        .select(['id', 'name'])
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!user) {
        throw new SlipwayError('NOT_FOUND', `There is no user "${userId}".`, {
          data: { entity: 'user', id: userId },
        });
      }
      checkNewPassword(password, user.name);
      // Hash outside the transaction: a tenth of a second holding row locks helps nobody.
      const hash = await hashPassword(password);
      return inTransaction(db, async (trx) => {
        const before = await trx
          .selectFrom('users')
          .select(['password_changed_at'])
          .where('id', '=', userId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        const changed = await trx
          .updateTable('users')
          .set({ password_hash: hash, password_changed_at: sql<Date>`now()` })
          .where('id', '=', userId)
          .returning('password_changed_at')
          .executeTakeFirstOrThrow();
        let ended = trx.deleteFrom('sessions').where('user_id', '=', userId);
        if (keepSession !== undefined) ended = ended.where('id', '!=', keepSession);
        const sessionsEnded = Number((await ended.executeTakeFirst()).numDeletedRows);
        await recordAudit(trx, by, {
          spaceId: null,
          action: before.password_changed_at ? 'update' : 'create',
          entityType: 'user-credential',
          entityId: userId,
          ...(before.password_changed_at
            ? { before: { user: user.name, changedAt: before.password_changed_at.toISOString() } }
            : {}),
          after: {
            user: user.name,
            changedAt: changed.password_changed_at?.toISOString() ?? null,
            otherSessionsEnded: sessionsEnded,
          },
        });
        return sessionsEnded;
      });
    },

    /** Whether `password` is the password of the user named `name` (ignoring case); see PasswordCheck. */
    async checkPassword(name: string, password: string): Promise<PasswordCheck> {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where(sql<string>`lower(name)`, '=', name.toLowerCase())
        .executeTakeFirst();
      if (!row?.password_hash) {
        await spendVerificationTime(password);
        return row
          ? { ok: false, reason: 'no-password', user: toUser(row) }
          : { ok: false, reason: 'unknown-user' };
      }
      const user = toUser(row);
      if (!(await verifyPassword(password, row.password_hash)))
        return { ok: false, reason: 'wrong-password', user };
      // Checked after the hash, so a disabled user's answer takes as long as anyone's.
      if (user.disabledAt) return { ok: false, reason: 'user-disabled', user };
      if (needsRehash(row.password_hash)) {
        // Raised parameters reach old hashes here, the one moment the password is known.
        await db
          .updateTable('users')
          .set({ password_hash: await hashPassword(password) })
          .where('id', '=', user.id)
          .where('password_hash', '=', row.password_hash)
          .execute();
      }
      return { ok: true, user };
    },

    /** Whether the user has a password. */
    async hasPassword(userId: string): Promise<boolean> {
      const row = await db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', userId)
        .executeTakeFirst();
      return Boolean(row?.password_hash);
    },
  };
}

/** The passwords repository's type. */
export type PasswordsRepository = ReturnType<typeof passwordsRepository>;
