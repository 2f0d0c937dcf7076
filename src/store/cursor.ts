/**
 * Keyset cursors, the one codec every list uses: a cursor is the sort key of a page's last row,
 * as base64url JSON; opaque to callers, and stable when rows are added between pages.
 *
 * Cursors are not signed but checked in full: each field's type, and that PostgreSQL takes it
 * (text without NUL, an int4, a real instant). A forged cursor that passes only starts the page
 * elsewhere in what the caller may list anyway; any other is INVALID_INPUT naming the `cursor`
 * parameter, never a database error.
 */
import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';
import type { Page } from '../core/model/page.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A text field: what a PostgreSQL text column can hold (no NUL, no lone surrogate). */
export const cursorText = z.string().refine((s) => !s.includes('\u0000') && !LONE_SURROGATE.test(s));

/** An integer field within PostgreSQL's int4 (an `integer` column). */
export const cursorInt4 = z.number().int().min(-2_147_483_648).max(2_147_483_647);

/**
 * A time field: UTC with microseconds as timeKey writes it (a JS Date would round to milliseconds
 * and skip or repeat rows written in the same one), naming an instant that exists (year 1 or later).
 */
export const cursorTime = z
  .string()
  .regex(CURSOR_TIME)
  .refine((t) => {
    const ms = `${t.slice(0, 23)}Z`;
    const d = new Date(ms);
    return !t.startsWith('0000') && !Number.isNaN(d.getTime()) && d.toISOString() === ms;
  });

/** Encodes and decodes one list's cursors. */
export interface CursorCodec<T> {
  /** The cursor holding `key`. */
  encode(key: T): string;
  /**
   * The key `cursor` holds; INVALID_INPUT naming `<root>.cursor` (root: the query's name in
   * messages, default `list query`) when it is not a cursor of this codec.
   */
  decode(cursor: string, root?: string): T;
}

/** The codec of cursors whose key is `fields`, in order. */
export function cursorCodec<const F extends readonly [z.ZodType, ...z.ZodType[]]>(
  ...fields: F
): CursorCodec<z.output<z.ZodTuple<F, null>>> {
  const schema = z.tuple(fields);
  return {
    encode: (key) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url'),
    decode(cursor, root = 'list query') {
      let value: unknown;
      try {
        value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        value = undefined;
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      const issue = `${root}.cursor: not a cursor this server returned (start again without one)`;
      throw new SlipwayError('INVALID_INPUT', `Invalid ${root}: ${issue}`, { data: { issues: [issue] } });
    },
  };
}

/**
 * The page out of `rows` fetched with `limit + 1` rows: the extra row only says there is a next
 * page, whose cursor `cursorOf` makes from the page's last row.
 */
export function keysetPage<R, T>(
  rows: readonly R[],
  limit: number,
  toItem: (row: R) => T,
  cursorOf: (last: R) => string,
): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const items = page.map(toItem);
  return rows.length > limit && last !== undefined ? { items, nextCursor: cursorOf(last) } : { items };
}

// Lists by name: the key is (lower(name), id).
const nameCursor = cursorCodec(cursorText, cursorText);

/** The cursor after the row with this name and id, in (lower(name), id) order. */
export function encodeNameCursor(name: string, id: string): string {
  return nameCursor.encode([name.toLowerCase(), id]);
}

/** The condition "(lower(name), id) after the cursor's row"; INVALID_INPUT for a cursor we did not hand out. */
export function afterNameCursor(cursor: string, root?: string): RawBuilder<boolean> {
  const [name, id] = nameCursor.decode(cursor, root);
  return sql<boolean>`(lower(name), id) > (${name}, ${id})`;
}

// Lists newest first: the key is (time, id).
const timeCursor = cursorCodec(cursorTime, cursorText);

/** `column` as the text a time cursor holds (select it `as time_key`). */
export function timeKey(column = 'created_at'): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The condition "(`column`, id) before the cursor's row"; INVALID_INPUT for a cursor we did not hand out. */
export function beforeTimeCursor(cursor: string, column = 'created_at', root?: string): RawBuilder<boolean> {
  const [time, id] = timeCursor.decode(cursor, root);
  return sql<boolean>`(${sql.ref(column)}, id) < (${time}::timestamptz, ${id})`;
}

/** The page out of `rows` fetched newest first with `limit + 1` rows (each with its time_key). */
export function newestFirstPage<R extends { time_key: string; id: string }, T>(
  rows: readonly R[],
  limit: number,
  toItem: (row: R) => T,
): Page<T> {
  return keysetPage(rows, limit, toItem, (last) => timeCursor.encode([last.time_key, last.id]));
}
