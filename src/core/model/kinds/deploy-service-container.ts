/**
 * A container of the "ecs-deploy-service" action (rendered into the CloudFormation task
 * definition). Numeric fields take a number or a `#{...}` template.
 */
import { z } from 'zod';
import { unknownFields } from '../parse.js';
import { ARN_PARTITION } from './aws.js';
import { containerNameSchema, environmentFileListSchema, environmentListSchema } from './action-parts.js';
import {
  enumSchema,
  flagSchema,
  patternOrTemplateSchema,
  propertySchema,
  stringListSchema,
  templatable,
  textSchema,
  wholeNumberSchema,
} from './common.js';

/** Linux resource limits ECS lets a container set. */
export const ULIMIT_NAMES = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
] as const;

/** The log drivers ECS supports. */
export const LOG_DRIVERS = [
  'awslogs',
  'awsfirelens',
  'fluentd',
  'gelf',
  'journald',
  'json-file',
  'splunk',
  'syslog',
] as const;

/** ECS's order conditions between containers of a task. */
export const DEPENDENCY_CONDITIONS = ['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'] as const;

const MAX_INT = 2_147_483_647;

/** A whole number in [min, max], or a `#{...}` template. */
function number(what: string, min: number, max: number) {
  return templatable(wholeNumberSchema(what, min, max), what);
}

const SECRET_ARN = new RegExp(`^${ARN_PARTITION}:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+$`);

const portMappingSchema = z.strictObject(
  {
    containerPort: number('containerPort', 1, 65_535),
    protocol: enumSchema('protocol', ['tcp', 'udp']).default('tcp'),
  },
  { error: unknownFields('a port mapping') },
);

const containerSecretSchema = z.strictObject(
  {
    name: propertySchema('name', 255),
    /** A Secrets Manager secret ARN (optionally with a JSON key) or an SSM parameter name or ARN. */
    valueFrom: propertySchema('valueFrom'),
  },
  { error: unknownFields('a secret (write {"name", "valueFrom"})') },
);

/** Docker's health check; command starts with "CMD" or "CMD-SHELL". Times in seconds. */
const healthCheckSchema = z.strictObject(
  {
    command: z
      .array(textSchema('each of command', 4096), { error: 'command must be a list of strings' })
      .min(1, { error: 'command must not be empty', abort: true })
      .refine((c) => c[0] === 'CMD' || c[0] === 'CMD-SHELL', {
        error:
          'command must start with "CMD" (then the program and its arguments) or "CMD-SHELL" (then one shell line)',
      }),
    interval: number('interval', 5, 300).default(30),
    timeout: number('timeout', 2, 120).default(5),
    retries: number('retries', 1, 10).default(3),
    startPeriod: number('startPeriod', 0, 300).default(0),
  },
  { error: unknownFields('a health check') },
);

/**
 * "auto": CloudWatch Logs through a log group created for the service; "manual": this driver and
 * options; "none": no log configuration (the container's output is not kept).
 */
const loggingSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('auto') }, { error: unknownFields('logging "auto"') }),
    z.strictObject({ type: z.literal('none') }, { error: unknownFields('logging "none"') }),
    z.strictObject(
      {
        type: z.literal('manual'),
        driver: enumSchema('driver', LOG_DRIVERS),
        options: z
          .record(z.string(), z.string({ error: 'each option value must be a string' }), {
            error: 'options must map option names to strings',
          })
          .default({}),
      },
      { error: unknownFields('logging "manual"') },
    ),
  ],
  { error: 'logging type must be "auto", "manual" or "none"' },
);

const dependencySchema = z.strictObject(
  {
    containerName: containerNameSchema('containerName'),
    condition: enumSchema('condition', DEPENDENCY_CONDITIONS),
  },
  { error: unknownFields('a dependency (write {"containerName", "condition"})') },
);

const ulimitSchema = z
  .strictObject(
    {
      name: enumSchema('name', ULIMIT_NAMES),
      softLimit: wholeNumberSchema('softLimit', 0, MAX_INT),
      hardLimit: wholeNumberSchema('hardLimit', 0, MAX_INT),
    },
    { error: unknownFields('a ulimit') },
  )
  .refine((u) => u.softLimit <= u.hardLimit, {
    path: ['softLimit'],
    error: 'softLimit must not be above hardLimit',
  });

const mountPointSchema = z.strictObject(
  {
    sourceVolume: containerNameSchema('sourceVolume'),
    containerPath: z
      .string({ error: 'containerPath must be a string' })
      .regex(/^\/\S*$/, { error: 'containerPath must be an absolute path such as /data' }),
    readOnly: flagSchema('readOnly').default(false),
  },
  { error: unknownFields('a mount point') },
);

const volumeFromSchema = z.strictObject(
  {
    sourceContainer: containerNameSchema('sourceContainer'),
    readOnly: flagSchema('readOnly').default(false),
  },
  { error: unknownFields('a volumes-from entry') },
);

function list<T extends z.ZodType>(item: T, what: string, max = 100) {
  return z
    .array(item, { error: `${what} must be a list` })
    .max(max, { error: `${what} holds at most ${max} entries` })
    .default([]);
}

/**
 * A container: name, image (the name of one of the action's package references), essential
 * (true), cpu?/memory?/memoryReservation?, repositoryCredentials?, portMappings, environment,
 * secrets, environmentFiles, command, entryPoint, workingDirectory?, healthCheck?, logging
 * ({type: "auto"}), dockerLabels, stopTimeout?, startTimeout?, dependsOn, ulimits, mountPoints, volumesFrom.
 */
export const deployContainerSchema = z.strictObject(
  {
    name: containerNameSchema(),
    image: z
      .string({ error: 'image must be a string (the name of a package reference)' })
      .min(1, { error: 'image must name a package reference of this step' }),
    essential: flagSchema('essential').default(true),
    /** CPU units reserved for the container (1024 = one vCPU). */
    cpu: number('cpu', 0, 196_608).optional(),
    /** Hard memory limit in MiB. */
    memory: number('memory', 6, MAX_INT).optional(),
    /** Soft memory limit in MiB. */
    memoryReservation: number('memoryReservation', 6, MAX_INT).optional(),
    /** Secrets Manager secret with the private registry's credentials (not needed for ECR). */
    repositoryCredentials: patternOrTemplateSchema(
      'repositoryCredentials',
      SECRET_ARN,
      'a Secrets Manager secret ARN',
    ).optional(),
    portMappings: list(portMappingSchema, 'portMappings'),
    environment: environmentListSchema,
    secrets: list(containerSecretSchema, 'secrets', 1000),
    environmentFiles: environmentFileListSchema,
    command: stringListSchema('command'),
    entryPoint: stringListSchema('entryPoint'),
    workingDirectory: propertySchema('workingDirectory', 4096).optional(),
    healthCheck: healthCheckSchema.optional(),
    logging: loggingSchema.default({ type: 'auto' }),
    dockerLabels: z
      .record(z.string(), z.string({ error: 'each docker label value must be a string' }), {
        error: 'dockerLabels must map label names to strings',
      })
      .default({}),
    /** Seconds to wait after SIGTERM before the container is killed. */
    stopTimeout: number('stopTimeout', 2, 120).optional(),
    /** Seconds to wait for the container's dependencies before giving up. */
    startTimeout: number('startTimeout', 2, 600).optional(),
    dependsOn: list(dependencySchema, 'dependsOn'),
    ulimits: list(ulimitSchema, 'ulimits'),
    mountPoints: list(mountPointSchema, 'mountPoints'),
    volumesFrom: list(volumeFromSchema, 'volumesFrom'),
  },
  { error: unknownFields('a container') },
);

/** A container of the deploy-service action after validation. */
export type DeployContainer = z.output<typeof deployContainerSchema>;
