/**
 * Projects: what is deployed. The deployment process and channels are nested resources; variables
 * live at the project's /variables. The API derives nothing: slug is optional and only what the
 * caller sent (the store does not make one from the name).
 */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind, type ResourceRef } from '../resource.js';
import {
  checkNoDuplicates,
  descriptionSchema,
  enumSchema,
  flagSchema,
  isTemplate,
  listRefs,
  refSchema,
  templateProblem,
} from './common.js';
import { variableTemplatesSchema } from './templates.js';

/** Who a project deploys to: no tenants, only tenants, or either. */
export const TENANTED_MODES = ['untenanted', 'tenanted', 'both'] as const;

/** The release version template used when a release is created without a version. */
export const DEFAULT_VERSION_TEMPLATE =
  '#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}';

const versionTemplateSchema = z
  .string({ error: 'versionTemplate must be a string' })
  .min(1, { error: 'versionTemplate must not be empty', abort: true })
  .max(1000, { error: 'versionTemplate must be at most 1000 characters', abort: true })
  .superRefine((s, ctx) => {
    const problem = isTemplate(s) ? templateProblem(s) : undefined;
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `versionTemplate is not a valid template: ${problem}` });
    }
  });

/**
 * A project: name, slug?, description, group ("Default"), lifecycle, tenantedMode ("untenanted"),
 * librarySets (in include order), versionTemplate, guidedFailure (false), templates (tenant
 * project templates), disabled (false).
 */
export const projectSchema = z.strictObject(
  {
    name: nameSchema('name'),
    slug: z
      .string({ error: 'slug must be a string' })
      .max(100, { error: 'slug must be at most 100 characters', abort: true })
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
        error: 'slug must be lower-case letters and digits in words joined by single dashes, e.g. web-shop',
      })
      .optional(),
    description: descriptionSchema,
    group: nameSchema('group').default('Default'),
    lifecycle: refSchema('lifecycle'),
    tenantedMode: enumSchema('tenantedMode', TENANTED_MODES).default('untenanted'),
    /** Included library variable sets, in include order (an earlier set wins ties between sets, see core/variables). */
    librarySets: z
      .array(refSchema('each of librarySets'), { error: 'librarySets must be a list' })
      .superRefine((sets, ctx) => checkNoDuplicates(sets, ctx, (i) => [i], 'library set'))
      .default([]),
    versionTemplate: versionTemplateSchema.default(DEFAULT_VERSION_TEMPLATE),
    /** Default guided-failure mode of its deployments. */
    guidedFailure: flagSchema('guidedFailure').default(false),
    templates: variableTemplatesSchema,
    /** A disabled project takes no new releases or deployments. */
    disabled: flagSchema('disabled').default(false),
  },
  { error: unknownFields('a project') },
);

/** A Project document after validation (defaults filled in, references as written). */
export type ProjectDocument = z.output<typeof projectSchema>;

export const projectKind = defineKind({
  name: 'project',
  label: 'project',
  plural: 'projects',
  idPrefix: 'Projects',
  hasVariables: true,
  schema: projectSchema,
  secretFields: [],
  refs: (doc): ResourceRef[] => [
    { path: ['lifecycle'], target: 'lifecycle', value: doc.lifecycle },
    ...listRefs(['librarySets'], 'library-set', doc.librarySets),
  ],
  listFilters: { lifecycle: (value) => ({ lifecycle: value }) },
  applyOrder: 4,
});
