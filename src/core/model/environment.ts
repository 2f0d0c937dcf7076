/**
 * Environments: where releases are deployed (Dev, Test, Production, ...), ordered by sortOrder. The
 * same schemas validate the API, configuration files and the store's input.
 */
import { z } from 'zod';
import { nameSchema, unknownFields } from './parse.js';

/** Longest description accepted (it is shown in lists, not a document store). */
export const MAX_DESCRIPTION_LENGTH = 10_000;
// sort_order is an `integer` column: keep within PostgreSQL's int4.
const MAX_SORT_ORDER = 2_147_483_647;

const description = z
  .string({ error: 'description must be a string' })
  .max(MAX_DESCRIPTION_LENGTH, { error: `description must be at most ${MAX_DESCRIPTION_LENGTH} characters` });
const sortOrder = z
  .number({ error: 'sortOrder must be a number' })
  .int({ error: 'sortOrder must be a whole number' })
  .min(0, { error: 'sortOrder must not be negative' })
  .max(MAX_SORT_ORDER, { error: `sortOrder must be at most ${MAX_SORT_ORDER}` });
const guidedFailure = z.boolean({ error: 'guidedFailure must be true or false' });

/** A new environment. description defaults to "", guidedFailure to false, sortOrder to after the last one. */
export const environmentCreateSchema = z.strictObject(
  {
    name: nameSchema('name'),
    description: description.default(''),
    sortOrder: sortOrder.optional(),
    guidedFailure: guidedFailure.default(false),
  },
  { error: unknownFields('an environment') },
);

/** Changes to an environment: any of its fields, at least one. */
export const environmentPatchSchema = z
  .strictObject(
    {
      name: nameSchema('name').optional(),
      description: description.optional(),
      sortOrder: sortOrder.optional(),
      guidedFailure: guidedFailure.optional(),
    },
    { error: unknownFields('an environment change') },
  )
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    error: 'give at least one of name, description, sortOrder, guidedFailure',
  });

/** A new environment as callers write it. */
export type EnvironmentCreateInput = z.input<typeof environmentCreateSchema>;
/** A new environment after validation. */
export type EnvironmentCreate = z.output<typeof environmentCreateSchema>;
/** Changes to an environment. */
export type EnvironmentPatch = z.output<typeof environmentPatchSchema>;

/** A stored environment. `version` grows by one on every change (optimistic concurrency). */
export interface Environment {
  id: string;
  spaceId: string;
  name: string;
  description: string;
  sortOrder: number;
  guidedFailure: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
