/**
 * What the CI commands read from the release and deployment API (docs/api.md), checked at the
 * boundary. Objects are loose: fields this CLI does not know yet pass through to `--output json`.
 */
import { z } from 'zod';
import { DEPLOYMENT_STATES } from '../../core/model/release.js';

/** A release as the API returns it. */
export const releaseSchema = z.looseObject({
  id: z.string(),
  projectId: z.string(),
  channelId: z.string().optional(),
  version: z.string(),
  packages: z
    .array(z.looseObject({ step: z.string(), package: z.string(), version: z.string() }))
    .default([]),
  createdAt: z.string().optional(),
});
export type ReleaseView = z.output<typeof releaseSchema>;

/** GET /releases?project=&version=: the release of that version. */
export const releaseListSchema = z.object({ items: z.array(releaseSchema) });

/** A deployment as the API returns it. */
export const deploymentSchema = z.looseObject({
  id: z.string(),
  releaseId: z.string(),
  projectId: z.string().optional(),
  environmentId: z.string(),
  tenantId: z.string().nullish(),
  state: z.enum(DEPLOYMENT_STATES),
  error: z.string().nullish(),
  createdAt: z.string().optional(),
  startedAt: z.string().nullish(),
  finishedAt: z.string().nullish(),
});
export type DeploymentView = z.output<typeof deploymentSchema>;

/** GET /deployments: one page, newest first. */
export const deploymentPageSchema = z.object({
  items: z.array(deploymentSchema),
  nextCursor: z.string().optional(),
});

/** POST /deployments and /deployments/promote answer every deployment they created. */
export const deploymentsCreatedSchema = z.object({ items: z.array(deploymentSchema) });

/** One line of a deployment's task log. */
export const logLineSchema = z.looseObject({
  seq: z.number(),
  path: z.array(z.string()).default([]),
  level: z.string().default('info'),
  at: z.string().optional(),
  message: z.string(),
});
export type LogLineView = z.output<typeof logLineSchema>;

/** GET /deployments/{id}/log?after=. */
export const logPageSchema = z.object({
  items: z.array(logLineSchema),
  nextAfter: z.number().optional(),
});

/** A pause waiting for a person. */
export const interruptionSchema = z.looseObject({
  id: z.string(),
  kind: z.string(),
  step: z.string(),
  title: z.string(),
  answer: z.string().nullish(),
});

/** A named resource (project, environment, tenant, channel). */
export const namedSchema = z.looseObject({ id: z.string(), name: z.string() });
