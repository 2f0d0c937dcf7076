/** Keyset pagination, the same for every list (API query strings, CLI, store). */
import { z } from 'zod';
import { unknownFields } from './parse.js';

/** Default page size when `limit` is not given. */
export const DEFAULT_PAGE_LIMIT = 50;
/** Largest page a caller may ask for. */
export const MAX_PAGE_LIMIT = 500;

/** `limit` (1..500, default 50), an opaque `cursor` from the previous page, and a `name` substring filter. */
export const listQuerySchema = z.strictObject(
  {
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int({ error: 'limit must be a whole number' })
      .min(1, { error: 'limit must be at least 1' })
      .max(MAX_PAGE_LIMIT, { error: `limit must be at most ${MAX_PAGE_LIMIT}` })
      .default(DEFAULT_PAGE_LIMIT),
    cursor: z
      .string({ error: 'cursor must be a string' })
      .min(1, { error: 'cursor must not be empty' })
      .optional(),
    name: z.string({ error: 'name must be a string' }).optional(),
  },
  { error: unknownFields('a list query') },
);

/** A list query as callers write it (every field optional). */
export type ListQueryInput = z.input<typeof listQuerySchema>;
/** A list query after validation (limit filled in). */
export type ListQuery = z.output<typeof listQuerySchema>;

/** One page of results; `nextCursor` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
