/** A user as the store reads it (server-wide: users belong to no space). */
import type { Selectable } from 'kysely';
import type { UsersTable } from './types.js';

/** A user of the server. */
export interface User {
  id: string;
  name: string;
  isAdmin: boolean;
  createdAt: Date;
  disabledAt: Date | null;
}

/** A users row as a User. */
export function toUser(
  row: Pick<Selectable<UsersTable>, 'id' | 'name' | 'is_admin' | 'created_at' | 'disabled_at'>,
): User {
  return {
    id: row.id,
    name: row.name,
    isAdmin: row.is_admin,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}
