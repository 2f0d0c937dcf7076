/** Library variable sets: variables and variable templates shared by the projects that include them. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind } from '../resource.js';
import { descriptionSchema } from './common.js';
import { variableTemplatesSchema } from './templates.js';

/** A library variable set: name, description and its common variable templates (its variables live at /variables). */
export const librarySetSchema = z.strictObject(
  { name: nameSchema('name'), description: descriptionSchema, templates: variableTemplatesSchema },
  { error: unknownFields('a library variable set') },
);

/** A LibrarySet document after validation (defaults filled in, references as written). */
export type LibrarySetDocument = z.output<typeof librarySetSchema>;

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
