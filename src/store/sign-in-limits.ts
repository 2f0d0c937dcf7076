/**
 * Failed-login limiting: after 5 failed sign-ins within 15 minutes for one user name, or 20 from
 * one client address, further attempts for it are refused (429) until the oldest of those failures
 * leaves the window. The address allows more because many people may share one (an office's NAT,
 * a proxy) and one person's typos should not lock out the rest; the user name's limit is what
 * stops guessing one account's password. Failures live in the database so every node counts the same ones. Each
 * failure is audited (without the password) as a `sign-in-failure`.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { inTransaction, recordAudit, type Actor } from './audit.js';
import type { Database } from './types.js';

/** Failures allowed within the window for one user name before sign-in with it is refused. */
export const SIGN_IN_MAX_FAILURES = 5;
/** Failures allowed within the window from one client address before sign-in from it is refused. */
export const SIGN_IN_MAX_FAILURES_PER_ADDRESS = 20;
/** The window failures are counted in: 15 minutes. */
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

/** The most failures `subject` may have in the window. */
function limitOf(subject: string): number {
  return subject.startsWith('address:') ? SIGN_IN_MAX_FAILURES_PER_ADDRESS : SIGN_IN_MAX_FAILURES;
}

/** What a failed sign-in is counted against. */
export const signInSubject = {
  user: (name: string) => `user:${name.toLowerCase()}`,
  address: (ip: string) => `address:${ip}`,
};

/** What a failure's audit row says (never the password or key). */
export interface SignInFailure {
  method: 'password' | 'api-key';
  /** The user name tried, if any. */
  username?: string;
  /** Why it failed (for administrators reading the audit log; the client is never told). */
  reason: string;
}

/** The limiter over `db`, with `now` as the clock (default the system's). */
export function signInLimiter(db: Kysely<Database>, now: () => Date = () => new Date()) {
  return {
    /** When sign-in for any of `subjects` may be tried again, if one of them is over the limit now. */
    async blockedUntil(subjects: string[]): Promise<Date | undefined> {
      const at = now();
      const since = new Date(at.getTime() - SIGN_IN_WINDOW_MS);
      let until: Date | undefined;
      for (const subject of subjects) {
        const rows = await db
          .selectFrom('sign_in_failures')
          .select('failed_at')
          .where('subject', '=', subject)
          .where('failed_at', '>', since)
          .orderBy('failed_at')
          .execute();
        const limit = limitOf(subject);
        if (rows.length < limit) continue;
        // Allowed again once few enough failures remain in the window.
        const freed = rows[rows.length - limit]!.failed_at.getTime() + SIGN_IN_WINDOW_MS;
        if (until === undefined || freed > until.getTime()) until = new Date(freed);
      }
      return until;
    },

    /** Counts one failure against each of `subjects` and audits it; forgets failures older than the window. */
    async fail(subjects: string[], by: Actor, failure: SignInFailure): Promise<void> {
      const at = now();
      await inTransaction(db, async (trx) => {
        await trx
          .deleteFrom('sign_in_failures')
          .where('failed_at', '<=', new Date(at.getTime() - SIGN_IN_WINDOW_MS))
          .execute();
        for (const subject of subjects) {
          await trx
            .insertInto('sign_in_failures')
            .values({ id: `SignInFailures-${randomUUID()}`, subject, failed_at: at })
            .execute();
        }
        await recordAudit(trx, by, {
          spaceId: null,
          action: 'create',
          entityType: 'sign-in-failure',
          entityId: `SignInFailures-${randomUUID()}`,
          after: { ...failure },
        });
      });
    },

    /** Forgets the failures of `subject` (a successful sign-in clears its user name's count). */
    async clear(subject: string): Promise<void> {
      await db.deleteFrom('sign_in_failures').where('subject', '=', subject).execute();
    },
  };
}

/** The limiter's type. */
export type SignInLimiter = ReturnType<typeof signInLimiter>;
