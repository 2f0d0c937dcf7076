/**
 * Keyset cursors over (created_at, id), newest first. The time travels as text with microseconds:
 * a JS Date would round them to milliseconds and skip or repeat rows created in the same ms.
 */
import type { Page } from '../core/model/page.js';
import { sql, type RawBuilder } from 'kysely';
import { SlipwayError } from '../core/errors.js';

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** `created_at` as the text a cursor holds (select it `as created_key`). */
export function createdKey(column = 'created_at'): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The cursor after the row created at `time` (from createdKey) with this id. */
export function encodeTimeCursor(time: string, id: string): string {
  return Buffer.from(JSON.stringify([time, id])).toString('base64url');
}

/** The condition "(created_at, id) before the cursor's row"; INVALID_INPUT for a cursor we did not hand out. */
export function beforeCursor(cursor: string, column = 'created_at'): RawBuilder<boolean> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    CURSOR_TIME.test(value[0]) &&
    typeof value[1] === 'string'
  ) {
    return sql<boolean>`(${sql.ref(column)}, id) < (${value[0]}::timestamptz, ${value[1]})`;
  }
  const issue = 'cursor: not a cursor this server returned (start again without one)';
  throw new SlipwayError('INVALID_INPUT', `Invalid list query: ${issue}`, { data: { issues: [issue] } });
}

/**
 * The page out of `rows` fetched newest first with `limit + 1` rows: the extra row only says there
 * is a next page, whose cursor is the last item's (created_key, id).
 */
export function newestFirstPage<R extends { created_key: string; id: string }, T>(
  rows: readonly R[],
  limit: number,
  toItem: (row: R) => T,
): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const items = page.map(toItem);
  return rows.length > limit && last
    ? { items, nextCursor: encodeTimeCursor(last.created_key, last.id) }
    : { items };
}
