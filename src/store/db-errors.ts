/**
 * Recognises PostgreSQL errors (from pg or PGlite, same SQLSTATE codes) that repositories
 * translate, and sorts the rest for callers that must answer without the database's own text
 * (which may name tables, columns, values and hosts): the database is unavailable, a value could
 * not be stored, or something else went wrong.
 */

/** SQLSTATE of a unique index violation. */
const UNIQUE_VIOLATION = '23505';

/** The unique index `e` violated, when it is a unique violation; else undefined. */
export function uniqueViolation(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, constraint } = e as { code?: unknown; constraint?: unknown };
  if (code !== UNIQUE_VIOLATION) return undefined;
  return typeof constraint === 'string' ? constraint : '';
}

/** An error the database (or its driver) raised: a SQLSTATE and the server's severity. */
export interface DatabaseError extends Error {
  code: string;
  severity?: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** True when `e` came from PostgreSQL or PGlite (it carries a SQLSTATE and a severity). */
export function isDatabaseError(e: unknown): e is DatabaseError {
  if (!(e instanceof Error)) return false;
  const { code, severity } = e as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && SQLSTATE.test(code) && typeof severity === 'string';
}

// The database went away or refuses connections: connection exceptions (08, but 08P01, a protocol
// violation, is a bad message), shutdowns and restarts (57P01..03), too many connections (53300).
const UNAVAILABLE_STATES = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
// Socket errors of a connection to PostgreSQL.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
// What pg, its pool, PGlite and Kysely say when there is no connection to use.
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error/,
  /^Cannot use a pool after calling end/,
  /^driver has already been destroyed/,
  /PGlite is closed/i,
];

/** The SQLSTATEs of data exceptions (class 22) in our words: what about the value could not be stored. */
const BAD_VALUE_REASONS: Record<string, string> = {
  '22001': 'a text is longer than its field allows',
  '22003': 'a number is out of the range its field allows',
  '22007': 'a date or time is not valid',
  '22008': 'a date or time is out of range',
  '22021': 'a text holds a character the database cannot store (such as NUL)',
  '22P05': 'a text holds a character the database cannot store (such as NUL)',
  '22P02': 'a value is not in the form its field needs',
  '22023': 'a value is not valid for its field',
};

/** How a database failed, in words fit for a caller (never the database's own text). */
export type DatabaseFailure =
  /** The database is unreachable, shutting down, or refuses connections. */
  | { kind: 'unavailable' }
  /** A value could not be stored or compared (a data exception): `reason` in our words. */
  | { kind: 'bad-value'; reason: string }
  /** Any other database error (a bug, or a constraint a repository should have translated). */
  | { kind: 'other' };

/** What kind of database failure `e` is; undefined when it is not one. */
export function databaseFailure(e: unknown): DatabaseFailure | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_STATES.has(code) || SOCKET_CODES.has(code))) {
    return { kind: 'unavailable' };
  }
  if (UNAVAILABLE_MESSAGES.some((m) => m.test(e.message))) return { kind: 'unavailable' };
  if (!isDatabaseError(e)) return undefined;
  if (e.code.startsWith('22')) {
    return { kind: 'bad-value', reason: BAD_VALUE_REASONS[e.code] ?? 'a value is not valid for its field' };
  }
  return { kind: 'other' };
}
