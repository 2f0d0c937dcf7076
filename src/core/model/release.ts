/**
 * Releases, deployments and their tasks (octopus-model.md): what the API accepts to create them,
 * and what the store and the API return. A release freezes the process and the variables; a
 * deployment is a release into one environment for one tenant (or untenanted), run as a task.
 */
import { z } from 'zod';
import type { ScopedVariable } from '../variables/types.js';
import { parseVersion } from '../versions/parse.js';
import { listError } from './kinds/common.js';
import { unknownFields } from './parse.js';

/** One package version chosen for a release: per step and package reference. */
export interface SelectedPackage {
  step: string;
  package: string;
  /** The feed's id and the image repository, as the process said when the release was created. */
  feedId: string;
  image: string;
  version: string;
}

/** A release as stored and returned (the snapshot's variables are not part of this view). */
export interface Release {
  id: string;
  spaceId: string;
  projectId: string;
  channelId: string;
  version: string;
  notes: string;
  packages: SelectedPackage[];
  /** The deployment process document at creation (`{ steps: [...] }`, references as ids). */
  processSnapshot: Record<string, unknown>;
  createdBy: string;
  createdAt: Date;
  /** Grows with "update variables" (the snapshot is taken again). */
  variablesSnapshotVersion: number;
}

/** A release's frozen variables (project + included library sets), decrypted for the engine. */
export interface ReleaseVariables {
  variables: ScopedVariable[];
}

/** The states of a deployment's task. */
export const DEPLOYMENT_STATES = [
  'queued',
  'executing',
  'cancelling',
  'success',
  'failed',
  'canceled',
  'timed-out',
] as const;

/** A deployment's state. Final: success, failed, canceled, timed-out. */
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** True when no more work will happen. */
export function isFinalState(state: DeploymentState): boolean {
  return state === 'success' || state === 'failed' || state === 'canceled' || state === 'timed-out';
}

/** A deployment as stored and returned. */
export interface Deployment {
  id: string;
  spaceId: string;
  projectId: string;
  releaseId: string;
  environmentId: string;
  /** Undefined for an untenanted deployment. */
  tenantId?: string;
  channelId: string;
  state: DeploymentState;
  /** Names of steps skipped by request. */
  skippedSteps: string[];
  comments: string;
  /** Guided failure on for this deployment (from the request, else the environment/project default). */
  guidedFailure: boolean;
  /** Names of prompted variables given a value (values are not part of this view). */
  promptedNames: string[];
  createdBy: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  /** Why it failed, was canceled or timed out. */
  error?: string;
  /** Set while it runs without progress (nothing logged or saved for the engine's stallAfter): since when. */
  stalledSince?: Date;
  /** Grows with every state change. */
  version: number;
}

/** One line of a task log. `path` places it in the tree: [] = the deployment, [step], [step, target]. */
export interface TaskLogLine {
  /** Increasing per deployment: `?after=<seq>` resumes a stream. */
  seq: number;
  path: string[];
  level: 'verbose' | 'info' | 'warning' | 'error' | 'highlight';
  at: Date;
  /** Already masked: sensitive values never reach the store. */
  message: string;
  /** The event's code (src/core/events.ts) when the line is a coded event; absent on plain lines. */
  code?: string;
  /** The event's data, masked like the message; present exactly when `code` is. */
  data?: Record<string, unknown>;
}

/** A pause waiting for a person. */
export interface Interruption {
  id: string;
  deploymentId: string;
  kind: 'guided-failure' | 'manual-intervention';
  step: string;
  /** The target the failure happened on, when any. */
  target?: string;
  title: string;
  instructions: string;
  /** Teams allowed to answer (empty: anyone who may deploy to the environment). */
  responsibleTeamIds: string[];
  createdAt: Date;
  answer?: InterruptionAnswer;
  answeredBy?: string;
  answeredAt?: Date;
  notes?: string;
}

/** Answers: guided failure takes retry / ignore / fail; manual intervention proceed / abort. */
export type InterruptionAnswer = 'retry' | 'ignore' | 'fail' | 'proceed' | 'abort';

/** Longest release version: it is written into ECS tags, whose values hold at most 256 characters. */
export const MAX_RELEASE_VERSION_LENGTH = 256;

/**
 * What is wrong with `text` as a release version (docs/releases.md: `[v]major[.minor[.patch[.revision]]]`
 * `[-prerelease][+metadata]`, no spaces, at most 256 characters), worded to follow "version"; undefined when
 * it is one. Paths (`../../x`) and free text are not versions: a version ends up in tags and file names.
 */
export function releaseVersionProblem(text: string): string | undefined {
  if (text.length > MAX_RELEASE_VERSION_LENGTH) {
    return `must be at most ${MAX_RELEASE_VERSION_LENGTH} characters`;
  }
  if (parseVersion(text) !== undefined) return undefined;
  return (
    'must be a version such as 1.2.3, 1.2.3.4 or 1.2.3-beta.1 ' +
    '([v]major[.minor[.patch[.revision]]][-prerelease][+metadata]: digits, letters, "-" and dots, no spaces)'
  );
}

/** A release version (see releaseVersionProblem). */
export const releaseVersionSchema = z
  .string({ error: 'version must be a string' })
  .min(1, { error: 'version must not be empty', abort: true })
  .superRefine((s, ctx) => {
    const problem = releaseVersionProblem(s);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `version ${problem}` });
  });

const packageVersionSchema = z.union(
  [
    z.strictObject(
      {
        step: z
          .string({ error: 'step must be a string' })
          .min(1, { error: 'step must not be empty' })
          .optional(),
        package: z
          .string({ error: listError('package', 'a string') })
          .min(1, { error: 'package must not be empty' }),
        version: z
          .string({ error: listError('version', 'a string') })
          .min(1, { error: 'version must not be empty' }),
      },
      { error: unknownFields('a package version') },
    ),
    // The CLI's `--package web:1.4.2` (or `Step/web:1.4.2`).
    z.string().regex(/^[^:]+:[^:]+$/, { error: 'a package version is written "package:version"' }),
  ],
  { error: 'a package version is {package, version, step?} or "package:version"' },
);

/** POST /releases: version from the project's template when absent; packages resolved from feeds when not given. */
export const releaseCreateSchema = z.strictObject(
  {
    project: z
      .string({ error: listError('project', 'a string (an id or a name)') })
      .min(1, { error: 'project must not be empty' }),
    version: releaseVersionSchema.optional(),
    channel: z
      .string({ error: 'channel must be a string (an id or a name)' })
      .min(1, { error: 'channel must not be empty' })
      .optional(),
    packages: z.array(packageVersionSchema, { error: 'packages must be a list' }).default([]),
    /** A version for every package not listed (e.g. all images built together). */
    packageVersion: z.string().min(1).optional(),
    notes: z
      .string({ error: 'notes must be a string' })
      .max(100_000, { error: 'notes must be at most 100000 characters' })
      .default(''),
    /** Skip the check that explicit versions satisfy the channel's rules. Default false. */
    ignoreChannelRules: z.boolean().default(false),
  },
  { error: unknownFields('a release') },
);

/** A release request as callers write it. */
export type ReleaseCreateInput = z.input<typeof releaseCreateSchema>;

/** POST /deployments: one deployment per tenant chosen (or one untenanted). */
export const deploymentCreateSchema = z.strictObject(
  {
    release: z
      .string({ error: listError('release', 'a string (an id)') })
      .min(1, { error: 'release must not be empty' }),
    environment: z
      .string({ error: listError('environment', 'a string (an id or a name)') })
      .min(1, { error: 'environment must not be empty' }),
    /** Tenant names or ids; `["*"]` = every tenant connected to the project and environment. */
    tenants: z.array(z.string().min(1), { error: 'tenants must be a list' }).default([]),
    /** Tenant tags `Set/Tag`: OR within a tag set, AND across sets; added to `tenants`. */
    tenantTags: z
      .array(z.string().regex(/^[^/]+\/[^/]+$/), { error: 'tenantTags must be a list' })
      .default([]),
    /** Values for prompted variables, by variable name. */
    prompted: z.record(z.string(), z.string(), { error: 'prompted must map names to values' }).default({}),
    skipSteps: z.array(z.string().min(1), { error: 'skipSteps must be a list' }).default([]),
    comments: z.string().max(10_000).default(''),
    /** Default: the environment's guided-failure setting, or the project's. */
    guidedFailure: z.boolean().optional(),
    /** Allowed even if already deployed there (always allowed; this flag only says it is intended). */
    force: z.boolean().default(false),
  },
  { error: unknownFields('a deployment') },
);

/** A deployment request as callers write it. */
export type DeploymentCreateInput = z.input<typeof deploymentCreateSchema>;

/** POST /interruptions/{id}/answer. */
export const interruptionAnswerSchema = z.strictObject(
  {
    answer: z.enum(['retry', 'ignore', 'fail', 'proceed', 'abort'], {
      error:
        'answer must be one of retry, ignore, fail (guided failure) or proceed, abort (manual intervention)',
    }),
    notes: z.string().max(10_000).default(''),
  },
  { error: unknownFields('an answer') },
);
