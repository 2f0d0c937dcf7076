/** Spaces: isolated partitions of one server; every server has the space `Default`. */

/** The id of the space created by the first migration. */
export const DEFAULT_SPACE_ID = 'Spaces-1';
/** The name of that space. */
export const DEFAULT_SPACE_NAME = 'Default';

/** A stored space. */
export interface Space {
  id: string;
  name: string;
  createdAt: Date;
}
