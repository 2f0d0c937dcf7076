/**
 * Lifecycles: the ordered phases a release is promoted through. No phases means one phase per
 * environment, in environment order; a phase with no environments covers every environment not
 * named earlier (core/lifecycle applies these rules).
 */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind, type ResourceRef } from '../resource.js';
import {
  checkNoDuplicates,
  descriptionSchema,
  flagSchema,
  listRefs,
  refListSchema,
  wholeNumberSchema,
} from './common.js';

/** How many releases a phase keeps: all, the newest `count`, or those from the last `days`. */
export const retentionSchema = z.discriminatedUnion(
  'keep',
  [
    z.strictObject({ keep: z.literal('all') }, { error: unknownFields('retention "all"') }),
    z.strictObject(
      { keep: z.literal('count'), count: wholeNumberSchema('count', 1, 10_000) },
      { error: unknownFields('retention "count"') },
    ),
    z.strictObject(
      { keep: z.literal('days'), days: wholeNumberSchema('days', 1, 3650) },
      { error: unknownFields('retention "days"') },
    ),
  ],
  { error: 'keep must be "all", "count" (with count) or "days" (with days)' },
);

const phaseSchema = z
  .strictObject(
    {
      name: nameSchema('name'),
      /** Deployed automatically when a release enters the phase. */
      automaticEnvironments: refListSchema('automaticEnvironments'),
      manualEnvironments: refListSchema('manualEnvironments'),
      /** How many of the phase's environments must succeed before the next phase opens; 0 = all. */
      minimumEnvironmentsBeforePromotion: wholeNumberSchema(
        'minimumEnvironmentsBeforePromotion',
        0,
        10_000,
      ).default(0),
      /** An optional phase does not hold back later ones. */
      optional: flagSchema('optional').default(false),
      /** Overrides the lifecycle's retention for this phase. */
      retention: retentionSchema.optional(),
    },
    { error: unknownFields('a phase') },
  )
  .superRefine((phase, ctx) => {
    const count = phase.automaticEnvironments.length + phase.manualEnvironments.length;
    if (count > 0 && phase.minimumEnvironmentsBeforePromotion > count) {
      ctx.addIssue({
        code: 'custom',
        path: ['minimumEnvironmentsBeforePromotion'],
        message: `minimumEnvironmentsBeforePromotion is ${phase.minimumEnvironmentsBeforePromotion} but the phase has only ${count} environment${count === 1 ? '' : 's'} (0 means all)`,
      });
    }
  });

/**
 * A lifecycle: name, description, phases (default []: one per environment) and retention (default
 * keep all). Phase names are unique and an environment is in at most one phase, both ignoring case.
 */
export const lifecycleSchema = z
  .strictObject(
    {
      name: nameSchema('name'),
      description: descriptionSchema,
      phases: z.array(phaseSchema, { error: 'phases must be a list' }).default([]),
      retention: retentionSchema.default({ keep: 'all' }),
    },
    { error: unknownFields('a lifecycle') },
  )
  .superRefine((lifecycle, ctx) => {
    checkNoDuplicates(
      lifecycle.phases.map((p) => p.name),
      ctx,
      (i) => ['phases', i, 'name'],
      'phase name',
    );
    // Names and ids are compared as written; the store sees the resolved ids.
    const placed = new Map<string, string>();
    lifecycle.phases.forEach((phase, i) => {
      for (const field of ['automaticEnvironments', 'manualEnvironments'] as const) {
        phase[field].forEach((env, j) => {
          const key = env.toLowerCase();
          const earlier = placed.get(key);
          if (earlier === undefined) placed.set(key, phase.name);
          else {
            ctx.addIssue({
              code: 'custom',
              path: ['phases', i, field, j],
              message: `environment "${env}" is already in phase "${earlier}" (an environment belongs to one phase)`,
            });
          }
        });
      }
    });
  });

/** A Lifecycle document after validation (defaults filled in, references as written). */
export type LifecycleDocument = z.output<typeof lifecycleSchema>;

export const lifecycleKind = defineKind({
  name: 'lifecycle',
  label: 'lifecycle',
  plural: 'lifecycles',
  idPrefix: 'Lifecycles',
  schema: lifecycleSchema,
  secretFields: [],
  refs: (doc): ResourceRef[] =>
    doc.phases.flatMap((phase, i) => [
      ...listRefs(['phases', i, 'automaticEnvironments'], 'environment', phase.automaticEnvironments),
      ...listRefs(['phases', i, 'manualEnvironments'], 'environment', phase.manualEnvironments),
    ]),
  applyOrder: 2,
});
