/**
 * Tenants: the customers (or regions, ...) a tenanted project deploys to, each with tags and the
 * environments it is connected to per project. Its values for variable templates live at /variables.
 */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind, type ResourceRef } from '../resource.js';
import {
  checkNoDuplicates,
  descriptionSchema,
  listRefs,
  refSchema,
  requiredRefListSchema,
  tenantTagListSchema,
} from './common.js';

const connectionSchema = z.strictObject(
  {
    project: refSchema('project'),
    /** The environments the tenant is deployed to for this project. */
    environments: requiredRefListSchema('environments', 'environment'),
  },
  { error: unknownFields('a project connection (write {"project", "environments"})') },
);

/** A tenant: name, description, tags ("Set/Tag"), projects (each project at most once, with ≥ 1 environment). */
export const tenantSchema = z
  .strictObject(
    {
      name: nameSchema('name'),
      description: descriptionSchema,
      tags: tenantTagListSchema('tags'),
      projects: z.array(connectionSchema, { error: 'projects must be a list' }).default([]),
    },
    { error: unknownFields('a tenant') },
  )
  .superRefine((tenant, ctx) =>
    checkNoDuplicates(
      tenant.projects.map((p) => p.project),
      ctx,
      (i) => ['projects', i, 'project'],
      'project',
    ),
  );

/** A Tenant document after validation (defaults filled in, references as written). */
export type TenantDocument = z.output<typeof tenantSchema>;

export const tenantKind = defineKind({
  name: 'tenant',
  label: 'tenant',
  plural: 'tenants',
  idPrefix: 'Tenants',
  hasVariables: true,
  schema: tenantSchema,
  secretFields: [],
  refs: (doc): ResourceRef[] => [
    ...listRefs(['tags'], 'tag', doc.tags),
    ...doc.projects.flatMap((p, i): ResourceRef[] => [
      { path: ['projects', i, 'project'], target: 'project', value: p.project },
      ...listRefs(['projects', i, 'environments'], 'environment', p.environments),
    ]),
  ],
  listFilters: {
    tag: (value) => ({ tags: [value] }),
    project: (value) => ({ projects: [{ project: value }] }),
  },
  applyOrder: 6,
});
