/** Deployment processs. CONTRACT STUB: the schema is a placeholder, replaced by the model's full one. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind } from '../resource.js';
import { descriptionSchema } from './common.js';

/** A deployment process. */
export const processSchema = z.strictObject(
  { name: nameSchema('name'), description: descriptionSchema },
  { error: unknownFields('a deployment process') },
);

export const processKind = defineKind({
  name: 'process',
  label: 'deployment process',
  plural: 'process',
  idPrefix: 'Processes',
  parent: 'project',
  singleton: true,
  schema: processSchema,
  secretFields: [],
  refs: () => [],
  applyOrder: 6,
});
