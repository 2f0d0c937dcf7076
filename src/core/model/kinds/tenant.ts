/** Tenants. CONTRACT STUB: the schema is a placeholder, replaced by the model's full one. */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind } from '../resource.js';
import { descriptionSchema } from './common.js';

/** A tenant. */
export const tenantSchema = z.strictObject(
  { name: nameSchema('name'), description: descriptionSchema },
  { error: unknownFields('a tenant') },
);

export const tenantKind = defineKind({
  name: 'tenant',
  label: 'tenant',
  plural: 'tenants',
  idPrefix: 'Tenants',
  hasVariables: true,
  schema: tenantSchema,
  secretFields: [],
  refs: () => [],
  applyOrder: 6,
});
