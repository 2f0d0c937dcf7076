/**
 * The action a step runs, by `type`: update an existing ECS service, deploy one through
 * CloudFormation (deploy-service.ts), deploy or delete any CloudFormation stack (cloudformation.ts),
 * run one ECS task to its end (ecs-run-task.ts), run a script, or wait for a person. Every action has package
 * references (`packages`), possibly none. String properties may contain `#{...}`.
 */
import { z } from 'zod';
import { unknownFields } from '../parse.js';
import type { ResourceRef } from '../resource.js';
import { ARN_PARTITION, awsTagListSchema } from './aws.js';
import {
  checkEnvironmentVersusSecrets,
  containerNameSchema,
  environmentFileListSchema,
  environmentListSchema,
  hasPackage,
  packagesSchema,
  secretListSchema,
} from './action-parts.js';
import {
  checkNoDuplicates,
  enumSchema,
  flagSchema,
  listError,
  listRefs,
  patternOrTemplateSchema,
  propertySchema,
  refListSchema,
  wholeNumberSchema,
} from './common.js';
import { cloudformationDeleteActionSchema, cloudformationDeployActionSchema } from './cloudformation.js';
import { ecsDeployServiceActionSchema } from './deploy-service.js';
import { ecsRunTaskActionSchema } from './ecs-run-task.js';
import { POOL_NAME, POOL_NAME_RULE, SCRIPT_SYNTAXES } from '../../workers/protocol.js';

/** The action types. */
export const ACTION_TYPES = [
  'ecs-update-service',
  'ecs-deploy-service',
  'run-script',
  'manual-intervention',
  'cloudformation-deploy',
  'cloudformation-delete',
  'ecs-run-task',
] as const;

/** Largest script accepted, in UTF-8 bytes. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;

const FAMILY = '[A-Za-z0-9_-]{1,255}';
const TASK_DEFINITION = new RegExp(
  `^(?:${FAMILY}(?::\\d+)?|${ARN_PARTITION}:ecs:[a-z0-9-]+:\\d{12}:task-definition/${FAMILY}:\\d+)$`,
);

const updateContainerSchema = z.strictObject(
  {
    name: containerNameSchema(),
    /** A package reference of this action whose image (at the release's version) the container gets. */
    image: z.string({ error: 'image must be a string (the name of a package reference)' }).optional(),
    environment: environmentListSchema,
    /** "append": add to (and override) the template's variables; "replace": only these. */
    environmentMode: enumSchema('environmentMode', ['append', 'replace']).default('append'),
    environmentFiles: environmentFileListSchema,
    /** `{name, valueFrom}`: read by ECS at task start; same mode as `environment` (docs/steps.md). */
    secrets: secretListSchema.optional(),
  },
  { error: unknownFields('a container') },
);

/** ECS's early success criteria of a ROLLING service: done once healthyPercent of the tasks run the new revision. */
const earlySuccessObjectSchema = z.strictObject(
  {
    healthyPercent: z
      .number({ error: listError('healthyPercent', 'a number') })
      .int({ error: 'healthyPercent must be a whole number' })
      .min(0, { error: 'healthyPercent must be at least 0' })
      .max(100, { error: 'healthyPercent must be at most 100' }),
    /** BLOCKING: the old tasks are gone before success; DEFERRED: they go after it. */
    cleanup: enumSchema('cleanup', ['BLOCKING', 'DEFERRED']).default('BLOCKING'),
  },
  { error: unknownFields('earlySuccess') },
);

/** `{healthyPercent, cleanup}` sets the criteria with the update, `false` turns them off; absent keeps the service's. */
const earlySuccessSchema = z.union([z.literal(false), earlySuccessObjectSchema], {
  // An object that fails a rule of its own (healthyPercent missing or not a number): say that rule.
  error: (issue) =>
    (issue.code === 'invalid_union' && typeof issue.input === 'object' && issue.input !== null
      ? issue.errors[1]?.[0]?.message
      : undefined) ?? 'earlySuccess must be false or {healthyPercent, cleanup}',
});

/** Update Amazon ECS Service: clone a task definition, set images and environment, roll the service. */
const ecsUpdateServiceSchema = z
  .strictObject(
    {
      type: z.literal('ecs-update-service'),
      /** The service's name or ARN. */
      service: propertySchema('service', 1024),
      /** family, family:revision or an ARN; absent = the service's current task definition. */
      templateTaskDefinition: patternOrTemplateSchema(
        'templateTaskDefinition',
        TASK_DEFINITION,
        'a task definition family, family:revision or task definition ARN',
      ).optional(),
      containers: z
        .array(updateContainerSchema, { error: 'containers must be a list' })
        .superRefine((cs, ctx) =>
          checkNoDuplicates(
            cs.map((c) => c.name),
            ctx,
            (i) => [i, 'name'],
            'container',
          ),
        )
        .default([]),
      waitForDeployment: flagSchema('waitForDeployment').default(true),
      timeoutMinutes: wholeNumberSchema('timeoutMinutes', 1, 1440).default(30),
      forceNewDeployment: flagSchema('forceNewDeployment').default(false),
      /** After a successful rollout keep the newest N revisions of the family (never one in use); absent = keep all. */
      keepRevisions: wholeNumberSchema('keepRevisions', 1, 1000).optional(),
      tags: awsTagListSchema(50),
      /** KMS key of the SecureString parameters sensitive values are delivered in (default alias/aws/ssm). */
      secretsKmsKey: propertySchema('secretsKmsKey').optional(),
      /** Teams that answer a PAUSE lifecycle hook of a native strategy (default: anyone who may answer). */
      pauseResponsibleTeams: refListSchema('pauseResponsibleTeams'),
      /** Canceling the Slipway deployment also rolls the ECS service deployment back (default false). */
      stopEcsDeploymentOnCancel: flagSchema('stopEcsDeploymentOnCancel').default(false),
      /** ROLLING: ECS's early success criteria set with the update (false: off); absent = the service's own. */
      earlySuccess: earlySuccessSchema.optional(),
      packages: packagesSchema,
    },
    { error: unknownFields('an "ecs-update-service" action') },
  )
  .superRefine((action, ctx) => {
    action.containers.forEach((c, i) => {
      checkEnvironmentVersusSecrets({ environment: c.environment, secrets: c.secrets ?? [] }, ctx, [
        'containers',
        i,
      ]);
      if (c.image !== undefined && !hasPackage(action.packages, c.image)) {
        ctx.addIssue({
          code: 'custom',
          path: ['containers', i, 'image'],
          message: `image "${c.image}" is not a package reference of this step (add it to packages)`,
        });
      }
    });
  });

/** Run a script (bash, Node or Python) with the step's AWS credentials and the variables. */
const runScriptSchema = z.strictObject(
  {
    type: z.literal('run-script'),
    syntax: enumSchema('syntax', SCRIPT_SYNTAXES),
    script: z
      .string({ error: 'script must be a string' })
      .min(1, { error: 'script must not be empty', abort: true })
      .refine((s) => new TextEncoder().encode(s).length <= MAX_SCRIPT_BYTES, {
        error: `script must be at most ${MAX_SCRIPT_BYTES} bytes (1 MB)`,
      }),
    /** Run on a worker of this pool (docs/workers.md); absent = on the server. */
    workerPool: patternOrTemplateSchema(
      'workerPool',
      POOL_NAME,
      `a worker pool's name (${POOL_NAME_RULE})`,
      200,
    ).optional(),
    packages: packagesSchema,
  },
  { error: unknownFields('a "run-script" action') },
);

/** Manual intervention: wait until someone (of the responsible teams, if any) proceeds or aborts. */
const manualInterventionSchema = z.strictObject(
  {
    type: z.literal('manual-intervention'),
    instructions: propertySchema('instructions', 10_000),
    /** Teams whose members may answer; empty = anyone allowed to submit interruptions. */
    responsibleTeams: refListSchema('responsibleTeams'),
    packages: packagesSchema,
  },
  { error: unknownFields('a "manual-intervention" action') },
);

/** A step's action, by `type`. */
export const actionSchema = z.discriminatedUnion(
  'type',
  [
    ecsUpdateServiceSchema,
    ecsDeployServiceActionSchema,
    runScriptSchema,
    manualInterventionSchema,
    cloudformationDeployActionSchema,
    cloudformationDeleteActionSchema,
    ecsRunTaskActionSchema,
  ],
  { error: `type must be one of ${ACTION_TYPES.map((t) => `"${t}"`).join(', ')}` },
);

/** A step's action after validation. */
export type Action = z.output<typeof actionSchema>;

/** The references inside an action at `path` (the action's location), in document order. */
export function actionRefs(path: readonly (string | number)[], action: Action): ResourceRef[] {
  const teams = action.type === 'manual-intervention' ? action.responsibleTeams : [];
  const pauseTeams = action.type === 'ecs-update-service' ? action.pauseResponsibleTeams : [];
  return [
    ...listRefs([...path, 'responsibleTeams'], 'team', teams),
    ...listRefs([...path, 'pauseResponsibleTeams'], 'team', pauseTeams),
    ...action.packages.map((p, i): ResourceRef => ({
      path: [...path, 'packages', i, 'feed'],
      target: 'feed',
      value: p.feed,
    })),
  ];
}

/** True for actions that run against deployment targets (and so need target roles): the ECS and CloudFormation steps, in the target's account and region. */
export function targetsEcs(action: Action): boolean {
  return (
    action.type === 'ecs-update-service' ||
    action.type === 'ecs-deploy-service' ||
    action.type === 'cloudformation-deploy' ||
    action.type === 'cloudformation-delete' ||
    action.type === 'ecs-run-task'
  );
}
