/** Recognises PostgreSQL errors (from pg or PGlite, same SQLSTATE codes) that repositories translate. */

/** SQLSTATE of a unique index violation. */
const UNIQUE_VIOLATION = '23505';

/** The unique index `e` violated, when it is a unique violation; else undefined. */
export function uniqueViolation(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, constraint } = e as { code?: unknown; constraint?: unknown };
  if (code !== UNIQUE_VIOLATION) return undefined;
  return typeof constraint === 'string' ? constraint : '';
}
