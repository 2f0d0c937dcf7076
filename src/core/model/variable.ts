/**
 * Variables as the API and config files write them: a project's or library set's variable set,
 * and a tenant's values for variable templates. The store keeps them in one table; resolution
 * (core/variables) reads them back as ScopedVariables.
 */
import { z } from 'zod';
import { variablePromptSchema, variableScopeSchema } from '../variables/schema.js';
import { refSchema } from './kinds/common.js';
import { nameSchema, unknownFields } from './parse.js';
import type { RefTarget } from './resource.js';
import { secretSchema } from './secret.js';

/** Largest variable set accepted in one request. */
export const MAX_VARIABLES_PER_SET = 20_000;

const VARIABLE_TYPES = ['text', 'sensitive', 'aws-account'] as const;

/**
 * One variable. `value` is a string for text variables; for `sensitive` ones a secret input (see
 * secret.ts). An `aws-account` variable's value names an AWS account resource. `id` is kept from
 * a read to update that variable in place; without it the variable is new.
 */
export const variableInputSchema = z
  .strictObject(
    {
      id: z.string({ error: 'id must be a string' }).optional(),
      name: nameSchema('name', 500),
      type: z
        .enum(VARIABLE_TYPES, { error: `type must be one of ${VARIABLE_TYPES.join(', ')}` })
        .default('text'),
      value: z.union([z.string(), secretSchema('value')], { error: 'value must be a string' }),
      description: z
        .string({ error: 'description must be a string' })
        .max(10_000, { error: 'description must be at most 10000 characters' })
        .default(''),
      scope: variableScopeSchema.default({}),
      prompt: variablePromptSchema.optional(),
    },
    { error: unknownFields('a variable') },
  )
  .superRefine((v, ctx) => {
    if (v.type !== 'sensitive' && typeof v.value !== 'string') {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `a ${v.type} variable's value must be a string`,
      });
    }
  });

/** A whole variable set (what PUT /variables takes). */
export const variableSetInputSchema = z
  .array(variableInputSchema, { error: 'variables must be a list' })
  .max(MAX_VARIABLES_PER_SET, { error: `a variable set holds at most ${MAX_VARIABLES_PER_SET} variables` });

export type VariableInput = z.output<typeof variableInputSchema>;

/** A stored variable as reads return it (sensitive values as `{ set }`; scope references as ids). */
export interface StoredVariable {
  id: string;
  name: string;
  type: (typeof VARIABLE_TYPES)[number];
  value: string | { set: boolean };
  description: string;
  scope: z.output<typeof variableScopeSchema>;
  prompt?: z.output<typeof variablePromptSchema>;
}

/** Which scope dimensions name resources (the rest are free text: roles, steps, processes). */
export const VARIABLE_SCOPE_REFS: Readonly<Record<string, RefTarget>> = {
  environments: 'environment',
  channels: 'channel',
  tenants: 'tenant',
  targets: 'ecs-target',
  tenantTags: 'tag',
};

/**
 * A tenant's value for a variable template: a project template (one value per connected project
 * × environment) or a library set's common template (one value per tenant).
 */
export const tenantVariableInputSchema = z.union(
  [
    z.strictObject(
      {
        id: z.string().optional(),
        project: refSchema('project'),
        environment: refSchema('environment'),
        template: nameSchema('template', 500),
        value: z.union([z.string(), secretSchema('value')]),
      },
      { error: unknownFields('a project template value') },
    ),
    z.strictObject(
      {
        id: z.string().optional(),
        librarySet: refSchema('librarySet'),
        template: nameSchema('template', 500),
        value: z.union([z.string(), secretSchema('value')]),
      },
      { error: unknownFields('a common template value') },
    ),
  ],
  {
    error: 'a tenant variable is {project, environment, template, value} or {librarySet, template, value}',
  },
);

/** All of a tenant's template values (what PUT /tenants/{id}/variables takes). */
export const tenantVariableSetInputSchema = z
  .array(tenantVariableInputSchema, { error: 'variables must be a list' })
  .max(MAX_VARIABLES_PER_SET, { error: `a tenant holds at most ${MAX_VARIABLES_PER_SET} template values` });

export type TenantVariableInput = z.output<typeof tenantVariableInputSchema>;

/** A stored tenant template value (sensitive values as `{ set }`). */
export type StoredTenantVariable =
  | { id: string; project: string; environment: string; template: string; value: string | { set: boolean } }
  | { id: string; librarySet: string; template: string; value: string | { set: boolean } };
