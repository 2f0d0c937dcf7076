/**
 * Deployment targets that are ECS clusters: where ECS steps deploy, picked by role, environment
 * and tenant. Credentials: an AWS account (or the ambient chain), optionally a role assumed on top.
 */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../parse.js';
import { defineKind, type ResourceRef } from '../resource.js';
import { ARN_PARTITION, assumeRoleSchema } from './aws.js';
import {
  descriptionSchema,
  enumSchema,
  listRefs,
  optionalRef,
  refListSchema,
  refSchema,
  regionSchema,
  requiredRefListSchema,
  requiredRoleListSchema,
  tenantTagListSchema,
} from './common.js';

/** Whether a target takes untenanted deployments, tenanted ones, or both. */
export const TENANTED_PARTICIPATION = ['untenanted', 'tenanted', 'both'] as const;

const CLUSTER = new RegExp(
  `^(?:[A-Za-z0-9_-]{1,255}|${ARN_PARTITION}:ecs:[a-z0-9-]+:\\d{12}:cluster/[A-Za-z0-9_-]{1,255})$`,
);

/**
 * An ECS cluster target: name, description, awsAccount? (absent = ambient), region, cluster,
 * assumeRole?, roles (≥ 1), environments (≥ 1), tenantedParticipation ("untenanted"), tenants and
 * tenantTags (only when tenanted participation is not "untenanted").
 */
export const ecsTargetSchema = z
  .strictObject(
    {
      name: nameSchema('name'),
      description: descriptionSchema,
      awsAccount: refSchema('awsAccount').optional(),
      region: regionSchema,
      cluster: z.string({ error: 'cluster must be a string' }).regex(CLUSTER, {
        error: 'cluster must be a cluster name (1 to 255 letters, digits, "-" or "_") or an ECS cluster ARN',
      }),
      /** A role assumed with the account's credentials before calling ECS. */
      assumeRole: assumeRoleSchema.optional(),
      /** Steps pick their targets by role. */
      roles: requiredRoleListSchema('roles'),
      environments: requiredRefListSchema('environments', 'environment'),
      tenantedParticipation: enumSchema('tenantedParticipation', TENANTED_PARTICIPATION).default(
        'untenanted',
      ),
      tenants: refListSchema('tenants'),
      tenantTags: tenantTagListSchema('tenantTags'),
    },
    { error: unknownFields('an ECS cluster target') },
  )
  .superRefine((target, ctx) => {
    if (target.tenantedParticipation !== 'untenanted') return;
    for (const field of ['tenants', 'tenantTags'] as const) {
      if (target[field].length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${field} are only for tenantedParticipation "tenanted" or "both" (this target is "untenanted")`,
        });
      }
    }
  });

/** A EcsTarget document after validation (defaults filled in, references as written). */
export type EcsTargetDocument = z.output<typeof ecsTargetSchema>;

export const ecsTargetKind = defineKind({
  name: 'ecs-target',
  label: 'ECS cluster target',
  plural: 'ecs-targets',
  idPrefix: 'EcsTargets',
  schema: ecsTargetSchema,
  secretFields: [],
  refs: (doc): ResourceRef[] => [
    ...optionalRef(['awsAccount'], 'aws-account', doc.awsAccount),
    ...listRefs(['environments'], 'environment', doc.environments),
    ...listRefs(['tenants'], 'tenant', doc.tenants),
    ...listRefs(['tenantTags'], 'tag', doc.tenantTags),
  ],
  listFilters: {
    role: (value) => ({ roles: [value] }),
    environment: (value) => ({ environments: [value] }),
  },
  applyOrder: 7,
});
