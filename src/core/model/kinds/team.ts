/** Teams. CONTRACT STUB: the schema is a placeholder, replaced by the model's full one. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind } from '../resource.js';
import { descriptionSchema } from './common.js';

/** A team. */
export const teamSchema = z.strictObject(
  { name: nameSchema('name'), description: descriptionSchema },
  { error: unknownFields('a team') },
);

export const teamKind = defineKind({
  name: 'team',
  label: 'team',
  plural: 'teams',
  idPrefix: 'Teams',
  schema: teamSchema,
  secretFields: [],
  refs: () => [],
  applyOrder: 8,
});
