/**
 * Releases of a space: create (versions and packages resolved by the release service), list, read,
 * take the variable snapshot again, and where the lifecycle lets a release go now.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import { unknownFields } from '../../core/model/parse.js';
import type { AccessScope } from '../../core/model/permissions.js';
import type { Resource } from '../../core/model/resource.js';
import { releaseCreateSchema } from '../../core/model/release.js';
import { resourcesRepository } from '../../store/resources.js';
import { authorize, visible } from '../access.js';
import { resolveActor } from '../actor.js';
import { NEXT_CURSOR, NO_QUERY, parseQuery, SPACE_PARAM } from './resource-http.js';
import {
  changeScope,
  RELEASE,
  releaseJson,
  releaseSchema,
  visiblePage,
  type ReleaseHttp,
} from './release-http.js';
import type { RouteSpec } from '../route.js';

const BASE = '/api/spaces/{space}/releases';
const ID_PARAMS = { ...SPACE_PARAM, id: 'The release id (`Releases-...`).' };

const listQuery = z.strictObject(
  {
    project: z.string().min(1).optional().meta({ description: 'Only this project (id or name).' }),
    channel: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Only this channel (id or name; needs project for a name).' }),
    version: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'The release with this version (needs project).' }),
    limit: z.string().optional().meta({ description: 'Page size, 1..500 (default 50).' }),
    cursor: z.string().optional().meta({ description: '`nextCursor` of the previous page.' }),
  },
  { error: unknownFields('the query') },
);

const progressionQuery = z.strictObject(
  {
    tenant: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'The tenant (id or name); absent = untenanted.' }),
  },
  { error: unknownFields('the query') },
);

const PAGE = {
  name: 'ReleasePage',
  schema: z.object({ items: z.array(releaseSchema), nextCursor: NEXT_CURSOR }),
};

const environmentState = z.object({
  id: z.string(),
  name: z.string(),
  automatic: z.boolean().meta({ description: 'Deployed automatically when the release enters the phase.' }),
  allowed: z.boolean(),
  reason: z.string().optional().meta({ description: 'Why it is not allowed now.' }),
});
const PROGRESSION = {
  name: 'ReleaseProgression',
  schema: z.object({
    phases: z.array(
      z.object({
        name: z.string(),
        optional: z.boolean(),
        required: z
          .int()
          .meta({ description: 'How many environments must succeed before the next phase opens.' }),
        environments: z.array(environmentState),
      }),
    ),
    allowed: z.array(z.string()).meta({ description: 'Environment ids the release may be deployed to now.' }),
    automatic: z
      .array(z.string())
      .meta({ description: 'Environment ids the lifecycle deploys to by itself next.' }),
  }),
};

/** The routes under /api/spaces/{space}/releases. */
export function releaseRoutes(http: ReleaseHttp): RouteSpec[] {
  const { service, releases } = http;
  // Names are resolved in the route; the repositories want ids.
  const repo = (kind: 'project' | 'channel' | 'tenant') =>
    resourcesRepository(http.deps.store.db, http.deps.secrets, RESOURCE_KINDS[kind]);
  const named = { projects: repo('project'), channels: repo('channel'), tenants: repo('tenant') };
  const repos = (_request: FastifyRequest) => named;
  const releaseScope = async (request: FastifyRequest): Promise<AccessScope> => ({
    projectId: (await http.release(request)).projectId,
  });
  // The project the body names, by id or name; an unknown one is left to the service to report.
  const bodyProjectScope = async (request: FastifyRequest): Promise<AccessScope> => {
    const project = (request.body as { project?: unknown } | null)?.project;
    if (typeof project !== 'string' || project === '') return {};
    const found = await repos(request).projects.find(await http.spaceId(request), project);
    return { projectId: found?.id ?? project };
  };

  return [
    {
      method: 'POST',
      path: BASE,
      operationId: 'createRelease',
      summary:
        'Creates a release: version from the template unless given, package versions from the feeds unless given.',
      tag: 'releases',
      params: SPACE_PARAM,
      body: { name: 'ReleaseCreate', schema: releaseCreateSchema },
      auth: { permission: 'release.create', scope: bodyProjectScope },
      responses: {
        201: { description: 'Created.', body: RELEASE, headers: { Location: 'The new release’s URL.' } },
        400: {
          description: 'Invalid input (each bad field named), or no tag satisfies the channel’s rules.',
        },
        404: { description: 'No such space, project or channel.' },
        409: { description: 'The version is taken in this project (ALREADY_EXISTS).' },
      },
      handler: async (request, reply) => {
        const spaceId = await http.spaceId(request);
        const created = await service.createRelease(spaceId, request.body, resolveActor(request));
        return reply
          .status(201)
          .header('location', `/api/spaces/${encodeURIComponent(spaceId)}/releases/${created.id}`)
          .send(releaseJson(created));
      },
    },
    {
      method: 'GET',
      path: BASE,
      operationId: 'listReleases',
      summary:
        'Releases, newest first, of the projects you may see; `project` + `version` finds one version.',
      tag: 'releases',
      params: SPACE_PARAM,
      query: listQuery,
      auth: { permission: 'project.view' },
      responses: {
        200: { description: 'A page; follow `nextCursor` for the next one.', body: PAGE },
        400: { description: 'A bad query parameter (named in the message).' },
        404: { description: 'No such space, project or channel (or release of that version).' },
      },
      handler: async (request) => {
        const q = parseQuery(listQuery, request);
        const spaceId = await http.spaceId(request);
        const { projects, channels } = repos(request);
        const seen = visible(request, 'project.view', 'projectIds');
        let project: Resource | undefined;
        if (q.project !== undefined) {
          project = await projects.find(spaceId, q.project);
          if (!project)
            throw new SlipwayError('NOT_FOUND', `There is no project "${q.project}" in this space.`, {
              data: { entity: 'project' },
            });
          authorize(request, 'project.view', { projectId: project.id });
        }
        const projectId = project?.id;
        if (q.version !== undefined) {
          if (project === undefined) {
            throw new SlipwayError(
              'INVALID_INPUT',
              'query.version: give project too (versions are unique per project).',
              {
                data: { issues: ['query.version: needs project'] },
              },
            );
          }
          return { items: [releaseJson(await service.releaseByVersion(spaceId, project, q.version))] };
        }
        let channelId: string | undefined;
        if (q.channel !== undefined) {
          const c = await channels.find(spaceId, q.channel, projectId);
          if (!c)
            throw new SlipwayError('NOT_FOUND', `There is no channel "${q.channel}".`, {
              data: { entity: 'channel' },
            });
          channelId = c.id;
        }
        const page = await releases.list(
          spaceId,
          {
            ...(q.limit === undefined ? {} : { limit: q.limit }),
            ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
          },
          {
            ...(projectId === undefined ? {} : { projectId }),
            ...(channelId === undefined ? {} : { channelId }),
          },
        );
        return visiblePage(page, seen, releaseJson);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/{id}`,
      operationId: 'getRelease',
      summary: 'One release, with its package versions and process snapshot.',
      tag: 'releases',
      params: ID_PARAMS,
      query: NO_QUERY,
      auth: { permission: 'project.view', scope: releaseScope },
      responses: {
        200: { description: 'The release.', body: RELEASE },
        404: { description: 'No such space or release.' },
      },
      handler: async (request) => {
        parseQuery(NO_QUERY, request);
        return releaseJson(await http.release(request));
      },
    },
    {
      method: 'POST',
      path: `${BASE}/{id}/snapshot-variables`,
      operationId: 'snapshotReleaseVariables',
      summary: 'Takes the release’s variable snapshot again from the project and its library sets.',
      tag: 'releases',
      params: ID_PARAMS,
      auth: {
        permission: 'release.create',
        scope: async (request) => changeScope(async () => releaseScope(request)),
      },
      responses: {
        200: { description: 'The release (variablesSnapshotVersion grew).', body: RELEASE },
        404: { description: 'No such space or release.' },
      },
      handler: async (request) => {
        const release = await http.release(request);
        return releaseJson(
          await releases.updateVariables(release.spaceId, release.id, resolveActor(request)),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/{id}/progression`,
      operationId: 'getReleaseProgression',
      summary: 'Where the lifecycle lets the release go now (per tenant), phase by phase.',
      tag: 'releases',
      params: ID_PARAMS,
      query: progressionQuery,
      auth: { permission: 'project.view', scope: releaseScope },
      responses: {
        200: { description: 'The phases with each environment’s state.', body: PROGRESSION },
        400: { description: 'A bad query parameter.' },
        404: { description: 'No such space, release or tenant.' },
      },
      handler: async (request) => {
        const q = parseQuery(progressionQuery, request);
        const release = await http.release(request);
        let tenantId: string | undefined;
        if (q.tenant !== undefined) {
          const t = await repos(request).tenants.find(release.spaceId, q.tenant);
          if (!t)
            throw new SlipwayError('NOT_FOUND', `There is no tenant "${q.tenant}" in this space.`, {
              data: { entity: 'tenant' },
            });
          tenantId = t.id;
        }
        const { decision, phases, environments } = await service.progressionDetails(
          release.spaceId,
          release.id,
          tenantId,
        );
        const nameOf = (id: string) => environments.find((e) => e.id === id)?.name ?? id;
        const state = (id: string, automatic: boolean) => ({
          id,
          name: nameOf(id),
          automatic,
          allowed: decision.allowed.includes(id),
          ...(decision.refused[id] === undefined ? {} : { reason: decision.refused[id] }),
        });
        return {
          phases: phases.map((p) => ({
            name: p.name,
            optional: p.optional,
            required: p.required,
            environments: [
              ...p.automatic.map((id) => state(id, true)),
              ...p.manual.map((id) => state(id, false)),
            ],
          })),
          allowed: decision.allowed,
          automatic: decision.automatic,
        };
      },
    },
  ];
}
