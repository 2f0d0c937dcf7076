/** Environments of a space: list, create, read, change (If-Match) and delete. */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SlipwayError, isSlipwayError } from '../../core/errors.js';
import {
  environmentCreateSchema,
  environmentPatchSchema,
  type Environment,
} from '../../core/model/environment.js';
import { listQuerySchema } from '../../core/model/page.js';
import type { AccessScope } from '../../core/model/permissions.js';
import { environmentsRepository } from '../../store/environments.js';
import { spacesRepository } from '../../store/spaces.js';
import { visible } from '../access.js';
import { resolveActor } from '../actor.js';
import type { ServerDeps } from '../deps.js';
import { etagOf, ifMatchVersion, noneMatch } from '../etag.js';
import { header, param, type NamedSchema, type RouteSpec } from '../route.js';

/** An environment as the API returns it. */
const environmentSchema = z.object({
  id: z.string(),
  spaceId: z.string(),
  name: z.string(),
  description: z.string(),
  sortOrder: z.int(),
  guidedFailure: z.boolean(),
  version: z.int().meta({ description: 'Grows by one with every change; the ETag is `"<version>"`.' }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

type EnvironmentJson = z.output<typeof environmentSchema>;

// Typed against the schema, so the document and the wire cannot disagree on fields.
function toJson(e: Environment): EnvironmentJson {
  return {
    id: e.id,
    spaceId: e.spaceId,
    name: e.name,
    description: e.description,
    sortOrder: e.sortOrder,
    guidedFailure: e.guidedFailure,
    version: e.version,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

const ENVIRONMENT: NamedSchema = { name: 'Environment', schema: environmentSchema };
const PAGE: NamedSchema = {
  name: 'EnvironmentPage',
  schema: z.object({
    items: z.array(environmentSchema),
    nextCursor: z
      .string()
      .optional()
      .meta({ description: 'Pass as `cursor` for the next page; absent on the last page.' }),
  }),
};
const CREATE: NamedSchema = { name: 'EnvironmentCreate', schema: environmentCreateSchema };
const PATCH: NamedSchema = { name: 'EnvironmentPatch', schema: environmentPatchSchema };

const SPACE_PARAM = { space: 'The space, by id (`Spaces-1`) or name (`Default`, ignoring case).' };
const ID_PARAMS = { ...SPACE_PARAM, id: 'The environment id (`Environments-...`).' };
const ETAG_HEADER = { ETag: 'The version as an entity tag, `"<version>"`; send it back in If-Match.' };

const BASE = '/api/spaces/{space}/environments';

// The environment a request names: its id is in the path (no lookup, so a refusal does not say
// whether the environment exists).
const environmentScope = async (request: FastifyRequest): Promise<AccessScope> => ({
  environmentId: param(request, 'id'),
});

/** The routes under /api/spaces/{space}/environments. */
export function environmentRoutes(deps: ServerDeps): RouteSpec[] {
  const spaces = spacesRepository(deps.store.db);
  const envs = environmentsRepository(deps.store.db);
  const spaceOf = async (request: FastifyRequest) => (await spaces.get(param(request, 'space'))).id;

  // A repository CONFLICT under If-Match is the precondition failing: HTTP says 412, not 409.
  const preconditionFailed = (e: unknown): unknown =>
    isSlipwayError(e) && e.code === 'CONFLICT'
      ? new SlipwayError('PRECONDITION_FAILED', e.message, { cause: e, data: e.data })
      : e;

  return [
    {
      method: 'GET',
      path: BASE,
      operationId: 'listEnvironments',
      summary: 'One page of environments, in (sortOrder, name) order.',
      tag: 'environments',
      params: SPACE_PARAM,
      query: listQuerySchema,
      auth: { permission: 'environment.view' },
      responses: {
        200: { description: 'A page; follow `nextCursor` for the next one.', body: PAGE },
        400: { description: 'A bad query parameter (named in the message).' },
        404: { description: 'No such space.' },
      },
      handler: async (request) => {
        const ids = visible(request, 'environment.view', 'environmentIds');
        const page = await envs.list(await spaceOf(request), request.query, ids ? { ids } : {});
        return {
          items: page.items.map(toJson),
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        };
      },
    },
    {
      method: 'POST',
      path: BASE,
      operationId: 'createEnvironment',
      summary: 'Creates an environment.',
      tag: 'environments',
      params: SPACE_PARAM,
      body: CREATE,
      auth: { permission: 'environment.edit' },
      responses: {
        201: {
          description: 'Created.',
          body: ENVIRONMENT,
          headers: { Location: 'The new environment’s URL.', ...ETAG_HEADER },
        },
        400: { description: 'Invalid input (each bad field named).' },
        404: { description: 'No such space.' },
        409: { description: 'The name is taken in this space (ALREADY_EXISTS).' },
      },
      handler: async (request, reply) => {
        const spaceId = await spaceOf(request);
        const created = await envs.create(spaceId, request.body, resolveActor(request));
        return reply
          .status(201)
          .header('location', `/api/spaces/${encodeURIComponent(spaceId)}/environments/${created.id}`)
          .header('etag', etagOf(created.version))
          .send(toJson(created));
      },
    },
    {
      method: 'GET',
      path: `${BASE}/{id}`,
      operationId: 'getEnvironment',
      summary: 'One environment, with its version as the ETag.',
      tag: 'environments',
      params: ID_PARAMS,
      auth: { permission: 'environment.view', scope: environmentScope },
      headers: [{ name: 'If-None-Match', description: 'An ETag you hold; 304 when it is still current.' }],
      responses: {
        200: { description: 'The environment.', body: ENVIRONMENT, headers: ETAG_HEADER },
        304: { description: 'Not modified since the ETag in If-None-Match.', headers: ETAG_HEADER },
        404: { description: 'No such space or environment.' },
      },
      handler: async (request, reply) => {
        const env = await envs.get(await spaceOf(request), param(request, 'id'));
        reply.header('etag', etagOf(env.version));
        if (noneMatch(header(request, 'if-none-match'), env.version)) return reply.status(304).send();
        return toJson(env);
      },
    },
    {
      method: 'PATCH',
      path: `${BASE}/{id}`,
      operationId: 'updateEnvironment',
      summary: 'Changes some fields of an environment, if it is still at the version in If-Match.',
      tag: 'environments',
      params: ID_PARAMS,
      auth: { permission: 'environment.edit', scope: environmentScope },
      headers: [{ name: 'If-Match', description: 'The ETag of your last read, e.g. `"3"`.', required: true }],
      body: PATCH,
      responses: {
        200: {
          description: 'Changed; the new version is in the ETag.',
          body: ENVIRONMENT,
          headers: ETAG_HEADER,
        },
        400: { description: 'Invalid input (each bad field named) or a malformed If-Match.' },
        404: { description: 'No such space or environment.' },
        409: { description: 'The new name is taken in this space (ALREADY_EXISTS).' },
        412: { description: 'Changed by someone else since your read (PRECONDITION_FAILED).' },
        428: { description: 'If-Match is missing (PRECONDITION_REQUIRED).' },
      },
      handler: async (request, reply) => {
        const spaceId = await spaceOf(request);
        const expected = ifMatchVersion(header(request, 'if-match'));
        if (expected === undefined) {
          throw new SlipwayError(
            'PRECONDITION_REQUIRED',
            'Changing an environment needs If-Match: send the ETag of your last GET (e.g. If-Match: "3"), ' +
              'so that a change someone made since is not overwritten.',
            { data: { header: 'If-Match' } },
          );
        }
        let updated: Environment;
        try {
          updated = await envs.update(
            spaceId,
            param(request, 'id'),
            request.body,
            expected,
            resolveActor(request),
          );
        } catch (e) {
          throw preconditionFailed(e);
        }
        reply.header('etag', etagOf(updated.version));
        return toJson(updated);
      },
    },
    {
      method: 'DELETE',
      path: `${BASE}/{id}`,
      operationId: 'deleteEnvironment',
      summary: 'Deletes an environment (only if still at the version in If-Match, when given).',
      tag: 'environments',
      params: ID_PARAMS,
      auth: { permission: 'environment.edit', scope: environmentScope },
      headers: [{ name: 'If-Match', description: 'Optional: delete only if still at this ETag.' }],
      responses: {
        204: { description: 'Deleted.' },
        400: { description: 'A malformed If-Match.' },
        404: { description: 'No such space or environment.' },
        412: { description: 'Changed by someone else since your read (PRECONDITION_FAILED).' },
      },
      handler: async (request, reply) => {
        const spaceId = await spaceOf(request);
        const expected = ifMatchVersion(header(request, 'if-match'));
        try {
          await envs.delete(spaceId, param(request, 'id'), resolveActor(request), expected);
        } catch (e) {
          throw preconditionFailed(e);
        }
        return reply.status(204).send();
      },
    },
  ];
}
