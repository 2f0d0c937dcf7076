/** Listing users (server-wide: users belong to no space). Creating and disabling them: api-keys.ts. */
import { sql, type Kysely } from 'kysely';
import { listQuerySchema, type Page } from '../core/model/page.js';
import { parseInput } from '../core/model/parse.js';
import { toUser, type User } from './api-keys.js';
import { afterNameCursor, encodeNameCursor, keysetPage } from './cursor.js';
import type { Database } from './types.js';

/**
 * One page of users by name, ignoring case; query: `limit`, `cursor`, `name` (a substring, ignoring
 * case). INVALID_INPUT names a bad parameter.
 */
export async function listUsers(db: Kysely<Database>, query: unknown = {}): Promise<Page<User>> {
  const q = parseInput(listQuerySchema, query, 'list query');
  let select = db.selectFrom('users').selectAll();
  if (q.name) {
    const needle = q.name.toLowerCase();
    select = select.where((eb) => eb(eb.fn('strpos', [eb.fn('lower', ['name']), eb.val(needle)]), '>', 0));
  }
  if (q.cursor) select = select.where(afterNameCursor(q.cursor));
  const rows = await select
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
  return keysetPage(rows, q.limit, toUser, (last) => encodeNameCursor(last.name, last.id));
}
