/** Projects. CONTRACT STUB: the schema is a placeholder, replaced by the model's full one. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind } from '../resource.js';
import { descriptionSchema } from './common.js';

/** A project. */
export const projectSchema = z.strictObject(
  { name: nameSchema('name'), description: descriptionSchema },
  { error: unknownFields('a project') },
);

export const projectKind = defineKind({
  name: 'project',
  label: 'project',
  plural: 'projects',
  idPrefix: 'Projects',
  hasVariables: true,
  schema: projectSchema,
  secretFields: [],
  refs: () => [],
  applyOrder: 4,
});
