/**
 * "Run an ECS task" (docs/steps.md): run one task to its end on the target's cluster, e.g. database
 * migrations before the service update. The task definition is a family's revision
 * (`taskDefinition`) or the revision an "Update Amazon ECS Service" step of the same process will
 * register for this release (`fromStep`); containers get command and environment overrides; launch
 * type and network come from a service (`networkFrom`) and/or are given. String properties may
 * contain `#{...}`.
 */
import { z } from 'zod';
import { unknownFields } from '../parse.js';
import { containerNameSchema, environmentListSchema, packagesSchema } from './action-parts.js';
import { ARN_PARTITION } from './aws.js';
import {
  checkNoDuplicates,
  enumSchema,
  flagSchema,
  patternOrTemplateSchema,
  propertySchema,
  wholeNumberSchema,
} from './common.js';

const FAMILY = '[A-Za-z0-9_-]{1,255}';
/** family, family:revision or a task definition ARN. */
const TASK_DEFINITION_REF = new RegExp(
  `^(?:${FAMILY}(?::\\d+)?|${ARN_PARTITION}:ecs:[a-z0-9-]+:\\d{12}:task-definition/${FAMILY}:\\d+)$`,
);

/** The launch types RunTask takes. */
export const RUN_TASK_LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL'] as const;

const stringList = (what: string) =>
  z.array(propertySchema(`each of ${what}`, 1024), { error: `${what} must be a list of strings` });

const runTaskContainerSchema = z.strictObject(
  {
    name: containerNameSchema(),
    /** Replaces the container's command (each item may contain `#{...}`); absent = the definition's. */
    command: stringList('command')
      .min(1, { error: 'command must not be empty (leave it out to keep the definition’s command)' })
      .optional(),
    /** Added to the container's environment for this task (a name already set is overridden). */
    environment: environmentListSchema,
  },
  { error: unknownFields('a container') },
);

const networkSchema = z.strictObject(
  {
    subnets: stringList('subnets').min(1, { error: 'subnets must name at least one subnet' }),
    securityGroups: stringList('securityGroups').default([]),
    assignPublicIp: flagSchema('assignPublicIp').default(false),
  },
  { error: unknownFields('network') },
);

/** Run an ECS task and wait for it to stop; success when every essential container exited 0. */
export const ecsRunTaskActionSchema = z
  .strictObject(
    {
      type: z.literal('ecs-run-task'),
      /** family (its newest ACTIVE revision), family:revision or ARN. Exactly one of this and fromStep. */
      taskDefinition: patternOrTemplateSchema(
        'taskDefinition',
        TASK_DEFINITION_REF,
        'a task definition family, family:revision or task definition ARN',
      ).optional(),
      /** The name of an "ecs-update-service" step: the revision it will register for this release. */
      fromStep: propertySchema('fromStep', 200).optional(),
      containers: z
        .array(runTaskContainerSchema, { error: 'containers must be a list' })
        .superRefine((cs, ctx) =>
          checkNoDuplicates(
            cs.map((c) => c.name),
            ctx,
            (i) => [i, 'name'],
            'container',
          ),
        )
        .default([]),
      /** A service of the target's cluster whose launch type (or capacity providers) and network the task copies. */
      networkFrom: propertySchema('networkFrom', 1024).optional(),
      launchType: enumSchema('launchType', RUN_TASK_LAUNCH_TYPES).optional(),
      platformVersion: propertySchema('platformVersion', 64).optional(),
      /** awsvpc network configuration; replaces the one copied from networkFrom. */
      network: networkSchema.optional(),
      timeoutMinutes: wholeNumberSchema('timeoutMinutes', 1, 1440).default(30),
      packages: packagesSchema,
    },
    { error: unknownFields('an "ecs-run-task" action') },
  )
  .superRefine((action, ctx) => {
    if ((action.taskDefinition === undefined) === (action.fromStep === undefined))
      ctx.addIssue({
        code: 'custom',
        path: action.taskDefinition === undefined ? [] : ['fromStep'],
        message:
          action.taskDefinition === undefined
            ? 'give taskDefinition (a family, family:revision or ARN) or fromStep (an "ecs-update-service" step)'
            : 'give taskDefinition or fromStep, not both',
      });
  });

/** An ecs-run-task action after validation. */
export type EcsRunTaskAction = z.output<typeof ecsRunTaskActionSchema>;
