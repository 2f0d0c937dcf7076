/**
 * What a worker and the server say to each other (docs/workers.md): a worker registers with a
 * registration token and gets its own key, leases script tasks of its pool, sends what its script
 * did as ordered events (log lines, outputs, values to mask), and reports the result. One set of
 * schemas validates both ends: the server's routes and the `slipway worker` client.
 */
import { z } from 'zod';
import { nameSchema, unknownFields } from '../model/parse.js';

/** A worker pool's (or a worker's) name: a letter or digit, then letters, digits, `.`, `_`, `-`. */
export const POOL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The rule POOL_NAME checks, in words (for messages). */
export const POOL_NAME_RULE = 'up to 64 letters, digits, ".", "_" or "-", starting with a letter or digit';

/** A worker pool's name. */
export function poolNameSchema(what = 'pool') {
  return z
    .string({ error: `${what} must be a string` })
    .regex(POOL_NAME, { error: `${what} must be ${POOL_NAME_RULE}` });
}

/** The languages a script step is written in (`syntax`): run with bash, Node.js or python3. */
export const SCRIPT_SYNTAXES = ['bash', 'node', 'python'] as const;
/** One of SCRIPT_SYNTAXES. */
export type ScriptSyntax = (typeof SCRIPT_SYNTAXES)[number];

/** Longest log line (or failure message) a worker sends; longer ones are cut. */
export const MAX_LINE_CHARS = 16 * 1024;
/** Largest value (output, mask) in one event: a batch must fit the server's 1 MiB body limit. */
export const MAX_VALUE_CHARS = 128 * 1024;
/** Most events in one request. */
export const MAX_EVENTS = 1000;
/** Longest wait of one lease request (long poll), in seconds. */
export const MAX_LEASE_WAIT_SECONDS = 30;

/** What `slipway worker` sends to register. */
export const workerRegistrationSchema = z.strictObject(
  {
    name: poolNameSchema('name'),
    pool: poolNameSchema('pool'),
    version: nameSchema('version', 64),
    hostname: nameSchema('hostname', 255).optional(),
  },
  { error: unknownFields('worker registration') },
);
export type WorkerRegistration = z.output<typeof workerRegistrationSchema>;

/** One thing a script did, in the order it did it. */
export const scriptEventSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('line'),
      level: z.enum(['verbose', 'info', 'warning']),
      text: z.string().max(MAX_LINE_CHARS),
    }),
    z.strictObject({
      kind: z.literal('output'),
      name: z.string().min(1).max(1000),
      value: z.string().max(MAX_VALUE_CHARS),
      sensitive: z.boolean(),
    }),
    z.strictObject({ kind: z.literal('mask'), value: z.string().max(MAX_VALUE_CHARS) }),
  ],
  { error: 'each event must be a line, an output or a mask' },
);
export type ScriptEvent = z.output<typeof scriptEventSchema>;

const eventsSchema = z
  .array(scriptEventSchema, { error: 'events must be a list' })
  .max(MAX_EVENTS, { error: `at most ${MAX_EVENTS} events per request` });

/** A batch of events (also the heartbeat, when empty). */
export const taskEventsSchema = z.strictObject(
  { events: eventsSchema },
  { error: unknownFields('task events') },
);

/** How a script run ended. */
export const scriptResultSchema = z.discriminatedUnion(
  'outcome',
  [
    z.strictObject({ outcome: z.literal('success') }),
    z.strictObject({ outcome: z.literal('failed'), error: z.string().min(1).max(MAX_LINE_CHARS) }),
  ],
  { error: 'result must be { "outcome": "success" } or { "outcome": "failed", "error": "..." }' },
);
export type ScriptResult = z.output<typeof scriptResultSchema>;

/** The end of a task: its last events, then its result. */
export const taskCompleteSchema = z.strictObject(
  { events: eventsSchema.default([]), result: scriptResultSchema },
  { error: unknownFields('task completion') },
);

/** A lease request: wait up to `waitSeconds` for a task (long poll). */
export const leaseRequestSchema = z.strictObject(
  {
    waitSeconds: z
      .number({ error: 'waitSeconds must be a number' })
      .int({ error: 'waitSeconds must be a whole number' })
      .min(0, { error: 'waitSeconds must be at least 0' })
      .max(MAX_LEASE_WAIT_SECONDS, { error: `waitSeconds must be at most ${MAX_LEASE_WAIT_SECONDS}` })
      .default(20),
  },
  { error: unknownFields('lease request') },
);

/** What a script task carries (encrypted at rest): only what its one step needs. */
export const scriptTaskPayloadSchema = z.object({
  syntax: z.enum(SCRIPT_SYNTAXES),
  script: z.string(),
  /** The step's variables, name → value. */
  variables: z.record(z.string(), z.string()),
  /** Values to mask (the sensitive variables, the AWS secrets). */
  sensitive: z.array(z.string()),
  /** Extra environment: the target's AWS credentials, region and endpoint. */
  env: z.record(z.string(), z.string()),
});
export type ScriptTaskPayload = z.output<typeof scriptTaskPayloadSchema>;

/** A leased task as the worker gets it. */
export const workerTaskSchema = scriptTaskPayloadSchema.extend({
  id: z.string(),
  deploymentId: z.string(),
  step: z.string(),
  target: z.string().nullable(),
  /** Send events (an empty batch will do) at least this often, or the task is taken as lost. */
  heartbeatSeconds: z.number(),
});
export type WorkerTask = z.output<typeof workerTaskSchema>;

/** The answer to a lease request. */
export const leaseAnswerSchema = z.object({
  task: workerTaskSchema.nullable(),
  /** An administrator disabled this worker: it gets no task until enabled. */
  disabled: z.boolean(),
});

/** The answer to events: `canceled` tells the worker to stop the script. */
export const taskStateAnswerSchema = z.object({ state: z.enum(['running', 'canceled']) });
export type TaskStateAnswer = z.output<typeof taskStateAnswerSchema>;
