/**
 * The deployment process of a project: ordered steps, each with a condition, a start trigger, the
 * target roles it runs on, its scoping (environments, channels, tenant tags) and one action
 * (process-actions.ts). One per project; the store names it, so the document has no name.
 */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind, type ResourceRef } from '../resource.js';
import {
  checkNoDuplicates,
  enumSchema,
  flagSchema,
  isTemplate,
  listRefs,
  refListSchema,
  roleListSchema,
  templateProblem,
  tenantTagListSchema,
} from './common.js';
import { actionRefs, actionSchema, targetsEcs } from './process-actions.js';

/** Most steps a process may have. */
export const MAX_STEPS = 200;

/** When a step runs: previous steps succeeded, one failed, always, or when conditionExpression is true. */
export const STEP_CONDITIONS = ['success', 'failure', 'always', 'variable'] as const;

const conditionExpressionSchema = z
  .string({ error: 'conditionExpression must be a string' })
  .max(10_000, { error: 'conditionExpression must be at most 10000 characters', abort: true })
  .superRefine((s, ctx) => {
    const problem = isTemplate(s) ? templateProblem(s) : 'it has no #{...}';
    if (problem !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `conditionExpression must be a #{...} expression, e.g. #{if Octopus.Deployment.Error}true#{/if} (${problem})`,
      });
    }
  });

/**
 * A step: name, condition ("success"), conditionExpression (only, and required, for "variable"),
 * startTrigger ("after-previous"), roles, environments, excludedEnvironments, channels, tenantTags,
 * disabled (false), required (false: may be skipped when deploying), action.
 */
const stepSchema = z
  .strictObject(
    {
      name: nameSchema('name'),
      condition: enumSchema('condition', STEP_CONDITIONS).default('success'),
      conditionExpression: conditionExpressionSchema.optional(),
      startTrigger: enumSchema('startTrigger', ['after-previous', 'with-previous']).default('after-previous'),
      /** The target roles the step runs on. */
      roles: roleListSchema('roles'),
      /** Run only in these environments; empty = all. */
      environments: refListSchema('environments'),
      excludedEnvironments: refListSchema('excludedEnvironments'),
      /** Run only for releases in these channels; empty = all. */
      channels: refListSchema('channels'),
      /** Run only for tenants with these tags; empty = all. */
      tenantTags: tenantTagListSchema('tenantTags'),
      disabled: flagSchema('disabled').default(false),
      required: flagSchema('required').default(false),
      action: actionSchema,
    },
    { error: unknownFields('a step') },
  )
  .superRefine((step, ctx) => {
    if (step.condition === 'variable' && step.conditionExpression === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['conditionExpression'],
        message: 'conditionExpression is required when condition is "variable"',
      });
    }
    if (step.condition !== 'variable' && step.conditionExpression !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['conditionExpression'],
        message: `conditionExpression is only for condition "variable" (this step's is "${step.condition}")`,
      });
    }
    const included = new Set(step.environments.map((e) => e.toLowerCase()));
    step.excludedEnvironments.forEach((env, i) => {
      if (included.has(env.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: ['excludedEnvironments', i],
          message: `environment "${env}" is both in environments and excludedEnvironments`,
        });
      }
    });
    if (targetsEcs(step.action) && step.roles.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['roles'],
        message: `a "${step.action.type}" step needs at least one target role (the ECS targets it deploys to)`,
      });
    }
  });

/** A deployment process: its steps in order (default [], at most 200, names unique ignoring case). */
export const processSchema = z
  .strictObject(
    {
      steps: z
        .array(stepSchema, { error: 'steps must be a list' })
        .max(MAX_STEPS, { error: `a process has at most ${MAX_STEPS} steps` })
        .default([]),
    },
    { error: unknownFields('a deployment process') },
  )
  .superRefine((process, ctx) => {
    checkNoDuplicates(
      process.steps.map((s) => s.name),
      ctx,
      (i) => ['steps', i, 'name'],
      'step name',
    );
    if (process.steps[0]?.startTrigger === 'with-previous') {
      ctx.addIssue({
        code: 'custom',
        path: ['steps', 0, 'startTrigger'],
        message: 'the first step has no previous step to start with (use "after-previous")',
      });
    }
  });

/** A step after validation. */
export type Step = z.output<typeof stepSchema>;

/** A Process document after validation (defaults filled in, references as written). */
export type ProcessDocument = z.output<typeof processSchema>;

export const processKind = defineKind({
  name: 'process',
  label: 'deployment process',
  plural: 'process',
  idPrefix: 'Processes',
  parent: 'project',
  singleton: true,
  schema: processSchema,
  secretFields: [],
  refs: (doc): ResourceRef[] =>
    doc.steps.flatMap((step, i) => [
      ...listRefs(['steps', i, 'environments'], 'environment', step.environments),
      ...listRefs(['steps', i, 'excludedEnvironments'], 'environment', step.excludedEnvironments),
      ...listRefs(['steps', i, 'channels'], 'channel', step.channels),
      ...listRefs(['steps', i, 'tenantTags'], 'tag', step.tenantTags),
      ...actionRefs(['steps', i, 'action'], step.action),
    ]),
  applyOrder: 9,
});
