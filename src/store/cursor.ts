/** Keyset cursors over (lower(name), id): opaque to callers, stable when rows are added between pages. */
import { SlipwayError } from '../core/errors.js';

/** The cursor after the row with this name and id. */
export function encodeNameCursor(name: string, id: string): string {
  return Buffer.from(JSON.stringify([name.toLowerCase(), id])).toString('base64url');
}

/** The [lower(name), id] a cursor holds; INVALID_INPUT when it is not one this server returned. */
export function decodeNameCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  const issue = 'cursor: not a cursor this server returned (start again without one)';
  throw new SlipwayError('INVALID_INPUT', `Invalid list query: ${issue}`, { data: { issues: [issue] } });
}
