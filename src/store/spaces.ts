/** Spaces (minimal for now): the first migration creates `Default`; later issues add create/rename. */
import type { Kysely, Selectable } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import { DEFAULT_SPACE_ID, type Space } from '../core/model/space.js';
import type { Database, SpacesTable } from './types.js';

function toSpace(row: Selectable<SpacesTable>): Space {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

/** The spaces repository over `db` (a Kysely instance or a transaction). */
export function spacesRepository(db: Kysely<Database>) {
  return {
    /** Every space, by name. */
    async list(): Promise<Space[]> {
      const rows = await db.selectFrom('spaces').selectAll().orderBy('name').execute();
      return rows.map(toSpace);
    },

    /** The space with this id or (case-insensitively) this name; NOT_FOUND when there is none. */
    async get(idOrName: string): Promise<Space> {
      const row = await db
        .selectFrom('spaces')
        .selectAll()
        .where((eb) =>
          eb.or([eb('id', '=', idOrName), eb(eb.fn('lower', ['name']), '=', idOrName.toLowerCase())]),
        )
        .executeTakeFirst();
      if (!row) {
        throw new SlipwayError(
          'NOT_FOUND',
          `There is no space "${idOrName}". The default space is "Default".`,
          {
            data: { space: idOrName },
          },
        );
      }
      return toSpace(row);
    },

    /** The space every server has. */
    async getDefault(): Promise<Space> {
      return this.get(DEFAULT_SPACE_ID);
    },
  };
}

/** The spaces repository's type. */
export type SpacesRepository = ReturnType<typeof spacesRepository>;
