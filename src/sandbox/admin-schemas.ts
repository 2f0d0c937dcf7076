/**
 * The admin API's request bodies. Every body is validated whole before a route changes anything,
 * so a refused call applies nothing; the bounds keep every value one the sandbox can act on (a
 * finite clock, timers that fire, header-safe error codes).
 */
import { z } from 'zod';
import { MAX_TIME_SCALE, MIN_TIME_SCALE } from './defaults.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from './runtime.js';

/** The longest sandbox duration an admin call may name: one year, in seconds. */
export const MAX_ADMIN_SECONDS = 365 * 24 * 3600;

const ACCOUNT_ID = z.string().regex(/^\d{12}$/, 'must be 12 digits');
/** AWS region names: us-east-1, eu-central-2, us-gov-west-1, cn-north-1. */
const REGION = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be a region name such as us-east-1');
/** ECS cluster names, as CreateCluster accepts them. */
const CLUSTER_NAME = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be up to 255 letters, digits, hyphens and underscores');
const SECONDS = z.number().min(0).max(MAX_ADMIN_SECONDS);
/** CPU units and MiB of one container instance (EC2's largest instances are far below these). */
const INSTANCE_CPU = z
  .number()
  .int()
  .min(1)
  .max(1024 * 1024);
const INSTANCE_MEMORY = z
  .number()
  .int()
  .min(1)
  .max(32 * 1024 * 1024);

const where = {
  accountId: ACCOUNT_ID.default(DEFAULT_ACCOUNT.id),
  region: REGION.default(DEFAULT_REGION),
};

export const adminSchemas = {
  account: z
    .object({
      id: ACCOUNT_ID.optional(),
      name: z.string().min(1).max(64),
    })
    .strict(),
  role: z
    .object({
      accountId: where.accountId,
      roleName: z.string().min(1),
      trustedAccountIds: z.array(ACCOUNT_ID).max(100).default([DEFAULT_ACCOUNT.id]),
      // STS's ExternalId: 2–1224 characters of [\w+=,.@:/-].
      externalId: z
        .string()
        .min(2)
        .max(1224)
        .regex(/^[\w+=,.@:/-]*$/, 'may contain only letters, digits and +=,.@:/-_')
        .optional(),
      maxSessionDuration: z.number().int().min(3600).max(43200).optional(),
    })
    .strict(),
  cluster: z
    .object({
      ...where,
      name: CLUSTER_NAME,
      instances: z
        .object({
          count: z.number().int().min(1).max(1000),
          cpu: INSTANCE_CPU.optional(),
          memory: INSTANCE_MEMORY.optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  instances: z
    .object({
      ...where,
      cluster: CLUSTER_NAME,
      count: z.number().int().min(1).max(1000).default(1),
      cpu: INSTANCE_CPU.optional(),
      memory: INSTANCE_MEMORY.optional(),
    })
    .strict(),
  settings: z
    .object({
      throttling: z.boolean().optional(),
      strictPulls: z.boolean().optional(),
      knownImages: z.array(z.string().min(1).max(1024)).max(10_000).optional(),
      timings: z
        .object({
          provisioningSeconds: SECONDS,
          imagePullSeconds: SECONDS,
          startSeconds: SECONDS,
          targetHealthySeconds: SECONDS,
          deregistrationDelaySeconds: SECONDS,
          stopSeconds: SECONDS,
          relaunchDelaySeconds: SECONDS,
          unablePlaceEventSeconds: SECONDS,
          cfnStackSeconds: SECONDS,
          cfnChangeSetSeconds: SECONDS,
          cfnStabilizationSeconds: SECONDS,
        })
        .partial()
        .strict()
        .optional(),
    })
    .strict(),
  imageFault: z
    .object({
      image: z.string().min(1).max(1024),
      // A process's exit status.
      crashExitCode: z.number().int().min(0).max(255).optional(),
      crashAfterSeconds: SECONDS.optional(),
      failHealthCheck: z.boolean().optional(),
      slowStartSeconds: SECONDS.optional(),
      failPull: z.boolean().optional(),
    })
    .strict(),
  apiFault: z
    .object({
      service: z
        .enum(['ecs', 'ecr', 'logs', 'sts', 'iam', 'cloudformation', 'ssm', 'secretsmanager'])
        .optional(),
      action: z
        .string()
        .regex(/^[A-Za-z]{1,128}$/, 'must be an action name such as UpdateService')
        .optional(),
      accountId: ACCOUNT_ID.optional(),
      // Sent as a response header (x-amzn-errortype), so letters, digits and dots only.
      errorCode: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9.]{0,127}$/, 'must be an error code such as ThrottlingException')
        .default('ThrottlingException'),
      message: z.string().max(4096).default('Rate exceeded'),
      httpStatus: z.number().int().min(400).max(599).default(400),
      count: z.number().int().min(1).max(1_000_000).optional(),
      durationSeconds: z.number().positive().max(MAX_ADMIN_SECONDS).optional(),
      // The share of matching calls that fail, deterministically (0.5: every other call).
      ratio: z.number().positive().max(1).optional(),
    })
    .strict(),
  hookOutcomes: z
    .object({
      ...where,
      functionArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/,
          'must be a Lambda function ARN',
        ),
      outcomes: z
        .array(
          z
            .object({
              hookStatus: z.enum(['SUCCEEDED', 'FAILED', 'IN_PROGRESS', 'ERROR']),
              callBackDelay: z.number().int().min(0).max(MAX_ADMIN_SECONDS).optional(),
              times: z.number().int().min(1).max(1_000_000).optional(),
            })
            .strict(),
        )
        .max(1000),
    })
    .strict(),
  alarm: z
    .object({
      ...where,
      // CloudWatch alarm names: 1–255 characters.
      alarmName: z.string().min(1).max(255),
      state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
    })
    .strict(),
  time: z
    .object({
      scale: z.number().min(MIN_TIME_SCALE).max(MAX_TIME_SCALE).optional(),
      advanceSeconds: SECONDS.optional(),
    })
    .strict(),
};

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v = body;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

const TYPE_NAMES: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

/** One problem of a body, in the admin API's words: `timings.stopSeconds must be at most 31536000`. */
function describeIssue(issue: z.core.$ZodIssue, body: unknown): string {
  const field = issue.path.map(String).join('.');
  const subject = field || 'the body';
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(body, issue.path) === undefined) return `${subject} is required`;
      return `${subject} must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_big':
      if (issue.origin === 'string') return `${subject} must have at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `${subject} must have at most ${issue.maximum} items`;
      return `${subject} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'string') return `${subject} must have at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `${subject} must have at least ${issue.minimum} items`;
      return `${subject} must be ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}`;
    case 'invalid_value':
      return `${subject} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `${subject} has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    default:
      return `${subject} ${issue.message}`;
  }
}

/** Every problem of a refused body, joined, for the 400's message. */
export function describeIssues(error: z.ZodError, body: unknown): string {
  return error.issues.map((i) => describeIssue(i, body)).join('; ');
}
