/**
 * What the release, deployment, task log and interruption routes share: the JSON shapes (typed
 * against their schemas, so the OpenAPI document and the wire agree), the release service, and
 * the space, release and deployment a request names, looked up once per request.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import {
  DEPLOYMENT_STATES,
  type Deployment,
  type Interruption,
  type Release,
  type TaskLogLine,
} from '../../core/model/release.js';
import type { Page } from '../../core/model/page.js';
import type { AccessScope } from '../../core/model/permissions.js';
import type { Space } from '../../core/model/space.js';
import { UNKNOWN_TARGET } from '../../releases/deployment-plan.js';
import { releaseService, type ReleaseService } from '../../releases/service.js';
import { deploymentsRepository } from '../../store/deployments.js';
import { releasesRepository } from '../../store/releases.js';
import { spacesRepository } from '../../store/spaces.js';
import type { ServerDeps } from '../deps.js';
import { param, type NamedSchema } from '../route.js';

const iso = z.iso.datetime();

/** A release as the API returns it. */
export const releaseSchema = z.object({
  id: z.string(),
  spaceId: z.string(),
  projectId: z.string(),
  channelId: z.string(),
  version: z.string(),
  notes: z.string(),
  packages: z.array(
    z.object({
      step: z.string(),
      package: z.string(),
      feedId: z.string(),
      image: z.string(),
      version: z.string(),
    }),
  ),
  processSnapshot: z
    .record(z.string(), z.unknown())
    .meta({ description: 'The deployment process at creation.' }),
  createdBy: z.string(),
  createdAt: iso,
  variablesSnapshotVersion: z.int().meta({ description: 'Grows with every snapshot-variables.' }),
});

/** A deployment as the API returns it. */
export const deploymentSchema = z.object({
  id: z.string(),
  spaceId: z.string(),
  projectId: z.string(),
  releaseId: z.string(),
  environmentId: z.string(),
  tenantId: z.string().optional(),
  channelId: z.string(),
  state: z.enum(DEPLOYMENT_STATES),
  skippedSteps: z.array(z.string()),
  comments: z.string(),
  guidedFailure: z.boolean(),
  promptedNames: z
    .array(z.string())
    .meta({ description: 'Prompted variables given a value (values are never shown).' }),
  createdBy: z.string(),
  createdAt: iso,
  startedAt: iso.optional(),
  finishedAt: iso.optional(),
  error: z.string().optional(),
  stalledSince: iso.optional().meta({
    description:
      'Present while the deployment runs without progress (nothing logged or saved for the server’s ' +
      '--stall-after): when it last made progress. Gone once it makes progress again.',
  }),
  version: z.int(),
});

/** A task log line as the API returns it. */
export const logLineSchema = z.object({
  seq: z
    .int()
    .meta({ description: 'Increasing per deployment; pass as `after` (or Last-Event-ID) to resume.' }),
  path: z.array(z.string()).meta({ description: '[] = the deployment, [step], [step, target].' }),
  level: z.enum(['verbose', 'info', 'warning', 'error', 'highlight']),
  at: iso,
  message: z.string(),
  code: z.string().optional().meta({
    description: 'The event code (docs/engine.md, "Task log") of a coded line; absent on plain lines.',
  }),
  data: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ description: 'The event’s data, masked like the message; present exactly when `code` is.' }),
});

/** An interruption as the API returns it. */
export const interruptionSchema = z.object({
  id: z.string(),
  deploymentId: z.string(),
  kind: z.enum(['guided-failure', 'manual-intervention']),
  step: z.string(),
  target: z.string().optional(),
  title: z.string(),
  instructions: z.string(),
  responsibleTeamIds: z.array(z.string()),
  createdAt: iso,
  answer: z.enum(['retry', 'ignore', 'fail', 'proceed', 'abort']).optional(),
  answeredBy: z.string().optional(),
  answeredAt: iso.optional(),
  notes: z.string().optional(),
});

/** Named schemas for the OpenAPI document. */
export const RELEASE: NamedSchema = { name: 'Release', schema: releaseSchema };
export const DEPLOYMENT: NamedSchema = { name: 'Deployment', schema: deploymentSchema };
export const DEPLOYMENT_LIST: NamedSchema = {
  name: 'DeploymentList',
  schema: z.object({ items: z.array(deploymentSchema) }),
};
export const INTERRUPTION: NamedSchema = { name: 'Interruption', schema: interruptionSchema };

const opt = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/** A release's JSON. */
export function releaseJson(r: Release): z.output<typeof releaseSchema> {
  return {
    id: r.id,
    spaceId: r.spaceId,
    projectId: r.projectId,
    channelId: r.channelId,
    version: r.version,
    notes: r.notes,
    packages: r.packages.map((p) => ({
      step: p.step,
      package: p.package,
      feedId: p.feedId,
      image: p.image,
      version: p.version,
    })),
    processSnapshot: r.processSnapshot,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    variablesSnapshotVersion: r.variablesSnapshotVersion,
  };
}

/** A deployment's JSON. */
export function deploymentJson(d: Deployment): z.output<typeof deploymentSchema> {
  return {
    id: d.id,
    spaceId: d.spaceId,
    projectId: d.projectId,
    releaseId: d.releaseId,
    environmentId: d.environmentId,
    ...opt('tenantId', d.tenantId),
    channelId: d.channelId,
    state: d.state,
    skippedSteps: d.skippedSteps,
    comments: d.comments,
    guidedFailure: d.guidedFailure,
    promptedNames: d.promptedNames,
    createdBy: d.createdBy,
    createdAt: d.createdAt.toISOString(),
    ...opt('startedAt', d.startedAt?.toISOString()),
    ...opt('finishedAt', d.finishedAt?.toISOString()),
    ...opt('error', d.error),
    ...opt('stalledSince', d.stalledSince?.toISOString()),
    version: d.version,
  };
}

/** A log line's JSON. */
export function logLineJson(l: TaskLogLine): z.output<typeof logLineSchema> {
  return {
    seq: l.seq,
    path: l.path,
    level: l.level,
    at: l.at.toISOString(),
    message: l.message,
    ...opt('code', l.code),
    ...opt('data', l.data),
  };
}

/** An interruption's JSON. */
export function interruptionJson(i: Interruption): z.output<typeof interruptionSchema> {
  return {
    id: i.id,
    deploymentId: i.deploymentId,
    kind: i.kind,
    step: i.step,
    ...opt('target', i.target),
    title: i.title,
    instructions: i.instructions,
    responsibleTeamIds: i.responsibleTeamIds,
    createdAt: i.createdAt.toISOString(),
    ...opt('answer', i.answer),
    ...opt('answeredBy', i.answeredBy),
    ...opt('answeredAt', i.answeredAt?.toISOString()),
    ...opt('notes', i.notes),
  };
}

/**
 * A page as the caller may see it: items of projects outside `seen` (the caller's visible
 * projects; undefined = all) are left out, so a page may hold fewer than `limit` items.
 */
export function visiblePage<T extends { projectId: string }, J>(
  page: Page<T>,
  seen: ReadonlySet<string> | undefined,
  toJson: (item: T) => J,
): { items: J[]; nextCursor?: string } {
  return {
    items: page.items.filter((item) => seen === undefined || seen.has(item.projectId)).map(toJson),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}

/** The access scope of a deployment (project, environment, tenant). */
export function deploymentScope(d: Deployment): AccessScope {
  return { projectId: d.projectId, environmentId: d.environmentId, ...opt('tenantId', d.tenantId) };
}

/** A scope no restricted grant covers: what a change names when its target does not exist. */
export const UNKNOWN_SCOPE: AccessScope = {
  projectId: UNKNOWN_TARGET,
  environmentId: UNKNOWN_TARGET,
  tenantId: UNKNOWN_TARGET,
};

/**
 * The scope `look` finds for a change, or UNKNOWN_SCOPE when its target is missing: a caller limited
 * to some projects is then refused (403) without learning whether the thing exists, and anyone else
 * reaches the handler, which answers 404.
 */
export async function changeScope(look: () => Promise<AccessScope>): Promise<AccessScope> {
  try {
    return await look();
  } catch (e) {
    if (e instanceof SlipwayError && e.code === 'NOT_FOUND') return UNKNOWN_SCOPE;
    throw e;
  }
}

/** The service, repositories and per-request lookups the routes share. */
export function releaseHttp(deps: ServerDeps) {
  const spaces = spacesRepository(deps.store.db);
  const releases = releasesRepository(deps.store.db, deps.secrets);
  const deployments = deploymentsRepository(deps.store.db, deps.secrets);
  const service: ReleaseService =
    deps.releases ??
    releaseService({
      store: deps.store,
      secrets: deps.secrets,
      ...opt('aws', deps.aws),
      ...opt('engine', deps.engine),
      ...opt('now', deps.now),
    });
  const memo = new WeakMap<FastifyRequest, Map<string, Promise<unknown>>>();
  const once = <T>(request: FastifyRequest, key: string, look: () => Promise<T>): Promise<T> => {
    let map = memo.get(request);
    if (!map) memo.set(request, (map = new Map()));
    let found = map.get(key) as Promise<T> | undefined;
    if (!found) map.set(key, (found = look()));
    return found;
  };
  const space = (request: FastifyRequest): Promise<Space> =>
    once(request, 'space', () => spaces.get(param(request, 'space')));
  return {
    deps,
    service,
    releases,
    deployments,
    space,
    /** `look()` once per request under `key` (later calls get the same promise). */
    perRequest: once,
    /** The space's id. */
    spaceId: async (request: FastifyRequest) => (await space(request)).id,
    /** The release `{id}`. */
    release: (request: FastifyRequest): Promise<Release> =>
      once(request, 'release', async () => releases.get((await space(request)).id, param(request, 'id'))),
    /** The deployment `{id}`. */
    deployment: (request: FastifyRequest): Promise<Deployment> =>
      once(request, 'deployment', async () =>
        deployments.get((await space(request)).id, param(request, 'id')),
      ),
  };
}

/** NOT_FOUND for a project, environment or tenant a request named (by name or id) that the space lacks. */
export function notFoundByName(what: string, value: string): SlipwayError {
  return new SlipwayError(
    'NOT_FOUND',
    `There is no ${what} "${value}" in this space; name it by id or name.`,
    {
      data: { entity: what, name: value },
    },
  );
}

/** The shared state's type. */
export type ReleaseHttp = ReturnType<typeof releaseHttp>;
