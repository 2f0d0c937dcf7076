/**
 * The routes of every resource kind (core/model/kinds), generated from its description: list,
 * create, read, replace (PUT with If-Match, `?dryRun=true`), delete; nested kinds under their
 * project; singletons (the process) read and replaced only; variable sets of projects, library
 * sets and tenants. Adding a kind to RESOURCE_KINDS adds its routes and its OpenAPI operations.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import { ACTION_TYPES } from '../../core/model/kinds/process-actions.js';
import { listQuerySchema } from '../../core/model/page.js';
import type { AccessScope } from '../../core/model/permissions.js';
import type { Resource, ResourceKind } from '../../core/model/resource.js';
import type { Space } from '../../core/model/space.js';
import { resourcesRepository, type ResourcesRepository } from '../../store/resources.js';
import { visible } from '../access.js';
import { resolveActor } from '../actor.js';
import type { ServerDeps } from '../deps.js';
import { etagOf, ifMatchVersion, noneMatch } from '../etag.js';
import { refuseUnrunnableSteps } from '../process-step-types.js';
import { header, type RouteAuth, type RouteSpec } from '../route.js';
import { docsRoutes } from './docs.js';
import {
  CHANGED_HEADER,
  ETAG_HEADER,
  IF_MATCH_REQUIRED,
  NO_QUERY,
  PRECONDITION_RESPONSES,
  PROJECT_PARAM,
  REPLACE_QUERY,
  SPACE_PARAM,
  guarded,
  isDryRun,
  parseQuery,
  pascal,
  pathResolver,
  permissionsOf,
  requireVersion,
  type PathResolver,
} from './resource-http.js';
import { kindSchemas, pageJson, replaceBody, resourceJson, type KindSchemas } from './resource-json.js';
import { variableRoutes } from './variable-routes.js';

/** The routes for every resource kind and variable set (and the browsable docs of them all). */
export function resourceRoutes(deps: ServerDeps): RouteSpec[] {
  const resolve = pathResolver(deps);
  return [
    ...Object.values(RESOURCE_KINDS).flatMap((kind) => kindRoutes(deps, resolve, kind)),
    ...variableRoutes(deps, resolve),
    // Registered here until app.ts lists docsRoutes() itself.
    ...docsRoutes(),
  ];
}

/** Where a resource is loaded from in a request: its space and the resource. */
type Load = (request: FastifyRequest) => Promise<{ space: Space; resource: Resource }>;

/** Everything the route builders of one kind share. */
interface KindContext {
  kind: ResourceKind;
  repo: ResourcesRepository;
  schemas: KindSchemas;
  /** `/api/spaces/{space}/<plural>` or `/api/spaces/{space}/projects/{project}/<plural>`. */
  base: string;
  params: Record<string, string>;
  /** Access for the collection (list, create) and for one resource (read, replace, delete). */
  auth: { list: RouteAuth; create: RouteAuth; viewOne: RouteAuth; editOne: RouteAuth };
  /** What 404 means on the collection's routes and on one resource's. */
  notFound: { collection: string; one: string };
  /** The action types the server's engine runs (a process with another is refused); undefined: not checked. */
  stepTypes: () => readonly string[] | undefined;
}

function kindRoutes(deps: ServerDeps, resolve: PathResolver, kind: ResourceKind): RouteSpec[] {
  const nested = kind.parent === 'project';
  const repo = resourcesRepository(deps.store.db, deps.secrets, kind);
  const { view, edit } = permissionsOf(kind);
  // The scope a route touches, resolved from the path (names too) so that grants limited to some
  // projects or tenants apply. A list of a top-level kind has none (it shows what visible() allows);
  // a create names the empty scope, so a grant limited to some projects cannot make a new one.
  type Use = 'list' | 'create' | 'one';
  const scopeOf = (use: Use): ((request: FastifyRequest) => Promise<AccessScope>) | undefined => {
    if (nested) return async (request) => ({ projectId: (await resolve.project(request)).id });
    if (use === 'list') return undefined;
    if (use === 'create') return async () => ({});
    if (kind.name === 'project')
      return async (request) => ({ projectId: (await resolve.project(request, 'id')).id });
    if (kind.name === 'tenant')
      return async (request) => ({ tenantId: (await resolve.resource(request, kind, repo)).id });
    return undefined;
  };
  const authOf = (permission: typeof view, use: Use): RouteAuth => {
    const scope = scopeOf(use);
    return scope ? { permission, scope } : { permission };
  };
  const collection = nested ? 'No such space or project.' : 'No such space.';
  const ctx: KindContext = {
    kind,
    repo,
    schemas: kindSchemas(kind),
    base: nested
      ? `/api/spaces/{space}/projects/{project}/${kind.plural}`
      : `/api/spaces/{space}/${kind.plural}`,
    params: nested ? { ...SPACE_PARAM, ...PROJECT_PARAM } : SPACE_PARAM,
    auth: {
      list: authOf(view, 'list'),
      create: authOf(edit, 'create'),
      viewOne: authOf(view, 'one'),
      editOne: authOf(edit, 'one'),
    },
    notFound: { collection, one: `${collection.slice(0, -1)}, or no such ${kind.label}.` },
    stepTypes: () => deps.engine?.stepTypes,
  };
  if (kind.singleton) {
    // One per project, at the collection's own path: read with getSingleton, replace by its id.
    const load: Load = async (request) => {
      const space = await resolve.space(request);
      return { space, resource: await repo.getSingleton(space.id, (await resolve.project(request)).id) };
    };
    return [getRoute(ctx, ctx.base, ctx.params, load), replaceRoute(ctx, ctx.base, ctx.params, load)];
  }
  const itemPath = `${ctx.base}/{id}`;
  const itemParams = { ...ctx.params, id: `The ${kind.label}, by id (\`${kind.idPrefix}-...\`) or name.` };
  const load: Load = async (request) => ({
    space: await resolve.space(request),
    resource: await resolve.resource(request, kind, repo),
  });
  return [
    listRoute(ctx, resolve),
    createRoute(ctx, resolve),
    getRoute(ctx, itemPath, itemParams, load),
    replaceRoute(ctx, itemPath, itemParams, load),
    deleteRoute(ctx, itemPath, itemParams, load),
  ];
}

/** limit, cursor, name and the kind's list filters (each a non-empty string; repeated, all must match). */
function listQuery(kind: ResourceKind): z.ZodObject {
  const filters = Object.keys(kind.listFilters ?? {}).map((key) => {
    const value = z.string({ error: `${key} must be a non-empty string` }).min(1, {
      error: `${key} must be a non-empty string`,
    });
    const schema = z
      .union([value, z.array(value)], { error: `${key} must be a non-empty string` })
      .optional()
      .meta({ description: `Only ${kind.label}s with this ${key}; repeat it to require several.` });
    return [key, schema] as const;
  });
  return listQuerySchema.extend(Object.fromEntries(filters));
}

// Projects and tenants are what grants are scoped to: a list shows only those the caller may see.
const LIST_VISIBILITY = {
  project: ['project.view', 'projectIds'],
  tenant: ['tenant.view', 'tenantIds'],
} as const;

function listRoute(ctx: KindContext, resolve: PathResolver): RouteSpec {
  const { kind, repo } = ctx;
  const query = listQuery(kind);
  return {
    method: 'GET',
    path: ctx.base,
    operationId: `list${pascal(kind.plural)}`,
    summary: `One page of ${kind.label}s, in name order.`,
    tag: kind.plural,
    params: ctx.params,
    query,
    auth: ctx.auth.list,
    responses: {
      200: { description: 'A page; follow `nextCursor` for the next one.', body: ctx.schemas.page },
      400: { description: 'A bad query parameter (named in the message).' },
      404: { description: ctx.notFound.collection },
    },
    handler: async (request) => {
      const parsed = parseQuery(query, request, 'list query');
      const space = await resolve.space(request);
      const parentId = kind.parent === 'project' ? (await resolve.project(request)).id : undefined;
      const visibility =
        kind.name === 'project' || kind.name === 'tenant' ? LIST_VISIBILITY[kind.name] : undefined;
      const ids = visibility ? visible(request, visibility[0], visibility[1]) : undefined;
      return pageJson(await repo.list(space.id, parsed, { parentId, ids }));
    },
  };
}

function createRoute(ctx: KindContext, resolve: PathResolver): RouteSpec {
  const { kind, repo } = ctx;
  return {
    method: 'POST',
    path: ctx.base,
    operationId: `create${pascal(kind.name)}`,
    summary: `Creates a ${kind.label}; references may name other resources by id or name.`,
    tag: kind.plural,
    params: ctx.params,
    body: { ...ctx.schemas.input, root: kind.name },
    auth: ctx.auth.create,
    responses: {
      201: {
        description: 'Created.',
        body: ctx.schemas.resource,
        headers: { Location: `The new ${kind.label}’s URL.`, ...ETAG_HEADER },
      },
      400: { description: 'Invalid input (each bad field named), or a reference to nothing.' },
      404: { description: ctx.notFound.collection },
      409: { description: 'The name is taken (ALREADY_EXISTS).' },
    },
    handler: async (request, reply) => {
      parseQuery(NO_QUERY, request);
      const space = await resolve.space(request);
      const parent = kind.parent === 'project' ? await resolve.project(request) : undefined;
      const created = await repo.create(space.id, request.body, resolveActor(request), parent?.id);
      const under = parent ? `/projects/${encodeURIComponent(parent.id)}` : '';
      const location = `/api/spaces/${encodeURIComponent(space.id)}${under}/${kind.plural}/${encodeURIComponent(created.id)}`;
      return reply
        .status(201)
        .header('location', location)
        .header('etag', etagOf(created.version))
        .send(resourceJson(created));
    },
  };
}

function getRoute(ctx: KindContext, path: string, params: Record<string, string>, load: Load): RouteSpec {
  const { kind } = ctx;
  return {
    method: 'GET',
    path,
    operationId: `get${pascal(kind.name)}`,
    summary: `One ${kind.label}, with its version as the ETag.`,
    tag: kind.plural,
    params,
    headers: [{ name: 'If-None-Match', description: 'An ETag you hold; 304 when it is still current.' }],
    auth: ctx.auth.viewOne,
    responses: {
      200: { description: `The ${kind.label}.`, body: ctx.schemas.resource, headers: ETAG_HEADER },
      304: { description: 'Not modified since the ETag in If-None-Match.', headers: ETAG_HEADER },
      400: { description: 'A query parameter (none are accepted).' },
      404: { description: ctx.notFound.one },
    },
    handler: async (request, reply) => {
      parseQuery(NO_QUERY, request);
      const { resource } = await load(request);
      reply.header('etag', etagOf(resource.version));
      if (noneMatch(header(request, 'if-none-match'), resource.version)) return reply.status(304).send();
      return resourceJson(resource);
    },
  };
}

function replaceRoute(ctx: KindContext, path: string, params: Record<string, string>, load: Load): RouteSpec {
  const { kind, repo } = ctx;
  return {
    method: 'PUT',
    path,
    operationId: `replace${pascal(kind.name)}`,
    summary:
      `Replaces the ${kind.label}'s whole document if it is still at the version in If-Match ` +
      '(fields a read returned, like id and version, may be sent back and are ignored).',
    tag: kind.plural,
    params,
    query: REPLACE_QUERY,
    headers: [IF_MATCH_REQUIRED],
    // The handler takes back what a read returned (id, version, ...) besides the document.
    body: { ...ctx.schemas.input, root: kind.name, validateFirst: false },
    auth: ctx.auth.editOne,
    responses: {
      200: {
        description:
          'Replaced (the new version is in the ETag; an identical document is not written and keeps its ' +
          'version); with ?dryRun=true, what would change, and nothing is written.',
        body: ctx.schemas.replaced,
        headers: { ...ETAG_HEADER, ...CHANGED_HEADER },
      },
      400: {
        description:
          'Invalid input (each bad field named), a malformed If-Match, or (a process) a step whose type this server cannot run.',
      },
      404: { description: ctx.notFound.one },
      409: { description: 'The new name is taken (ALREADY_EXISTS).' },
      ...PRECONDITION_RESPONSES,
    },
    handler: async (request, reply) => {
      const dryRun = isDryRun(request);
      const expected = requireVersion(request, `a ${kind.label}`);
      const { space, resource } = await load(request);
      const body = replaceBody(request.body, resource, kind);
      if (kind.name === 'process') refuseUnrunnableSteps(body, ctx.stepTypes(), ACTION_TYPES);
      const result = await guarded(() =>
        repo.replace(space.id, resource.id, body, expected, resolveActor(request), { dryRun }),
      );
      reply.header('slipway-changed', String(result.changed));
      const json = resourceJson(result.resource);
      if (dryRun)
        return { dryRun: true, changed: result.changed, changedFields: result.changedFields, resource: json };
      reply.header('etag', etagOf(result.resource.version));
      return json;
    },
  };
}

function deleteRoute(ctx: KindContext, path: string, params: Record<string, string>, load: Load): RouteSpec {
  const { kind, repo } = ctx;
  return {
    method: 'DELETE',
    path,
    operationId: `delete${pascal(kind.name)}`,
    summary: `Deletes a ${kind.label} (only if still at the version in If-Match, when given).`,
    tag: kind.plural,
    params,
    headers: [{ name: 'If-Match', description: 'Optional: delete only if still at this ETag.' }],
    auth: ctx.auth.editOne,
    responses: {
      204: { description: 'Deleted.' },
      400: { description: 'A malformed If-Match, or a query parameter.' },
      404: { description: ctx.notFound.one },
      409: { description: 'Something still refers to it (IN_USE, naming what).' },
      412: PRECONDITION_RESPONSES[412],
    },
    handler: async (request, reply) => {
      parseQuery(NO_QUERY, request);
      const expected = ifMatchVersion(header(request, 'if-match'));
      const { space, resource } = await load(request);
      await guarded(() => repo.delete(space.id, resource.id, resolveActor(request), expected));
      return reply.status(204).send();
    },
  };
}
