/** Library variable sets. CONTRACT STUB: the schema is a placeholder, replaced by the model's full one. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind } from '../resource.js';
import { descriptionSchema } from './common.js';

/** A library variable set. */
export const librarySetSchema = z.strictObject(
  { name: nameSchema('name'), description: descriptionSchema },
  { error: unknownFields('a library variable set') },
);

export const librarySetKind = defineKind({
  name: 'library-set',
  label: 'library variable set',
  plural: 'library-sets',
  idPrefix: 'LibrarySets',
  hasVariables: true,
  schema: librarySetSchema,
  secretFields: [],
  refs: () => [],
  applyOrder: 2,
});
