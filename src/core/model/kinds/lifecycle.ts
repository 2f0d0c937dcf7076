/** Lifecycles. CONTRACT STUB: the schema is a placeholder, replaced by the model's full one. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind } from '../resource.js';
import { descriptionSchema } from './common.js';

/** A lifecycle. */
export const lifecycleSchema = z.strictObject(
  { name: nameSchema('name'), description: descriptionSchema },
  { error: unknownFields('a lifecycle') },
);

export const lifecycleKind = defineKind({
  name: 'lifecycle',
  label: 'lifecycle',
  plural: 'lifecycles',
  idPrefix: 'Lifecycles',
  schema: lifecycleSchema,
  secretFields: [],
  refs: () => [],
  applyOrder: 2,
});
