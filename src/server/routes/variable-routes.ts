/**
 * Variable sets, for every kind that owns one (hasVariables): a project's and a library set's
 * variables, and a tenant's values for variable templates. Read a page at a time with the set's
 * version as the ETag; replaced whole under If-Match, so two editors never lose each other's change.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import { listQuerySchema } from '../../core/model/page.js';
import type { AccessScope } from '../../core/model/permissions.js';
import type { Resource, ResourceKind } from '../../core/model/resource.js';
import {
  tenantVariableSetInputSchema,
  variableInputSchema,
  variableSetInputSchema,
  type StoredTenantVariable,
  type StoredVariable,
} from '../../core/model/variable.js';
import { variablePromptSchema, variableScopeSchema } from '../../core/variables/schema.js';
import { resourcesRepository } from '../../store/resources.js';
import type { VariableSetChange } from '../../store/variable-store.js';
import { variablesRepository, type VariablePage } from '../../store/variables.js';
import { resolveActor } from '../actor.js';
import type { ServerDeps } from '../deps.js';
import { etagOf, noneMatch } from '../etag.js';
import { header, type NamedSchema, type RouteAuth, type RouteSpec } from '../route.js';
import {
  CHANGED_HEADER,
  ETAG_HEADER,
  IF_MATCH_REQUIRED,
  NEXT_CURSOR,
  PRECONDITION_RESPONSES,
  PROJECT_PARAM,
  REPLACE_QUERY,
  SPACE_PARAM,
  guarded,
  isDryRun,
  parseQuery,
  pascal,
  permissionsOf,
  requireVersion,
  type PathResolver,
} from './resource-http.js';

const secretState = z
  .object({ set: z.boolean() })
  .meta({ description: 'A sensitive value: only whether it is set.' });
const value = z.union([z.string(), secretState]);
const versionField = z
  .int()
  .meta({ description: 'The set’s version (also the ETag); send it in If-Match to replace the set.' });

const storedVariableSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: variableInputSchema.shape.type.unwrap(),
  value,
  description: z.string(),
  scope: variableScopeSchema,
  prompt: variablePromptSchema.optional(),
});

const storedTenantVariableSchema = z.union([
  z.object({ id: z.string(), project: z.string(), environment: z.string(), template: z.string(), value }),
  z.object({ id: z.string(), librarySet: z.string(), template: z.string(), value }),
]);

const variablePageSchema = z.object({
  items: z.array(storedVariableSchema),
  nextCursor: NEXT_CURSOR,
  variablesVersion: versionField,
});
const tenantPageSchema = z.object({
  items: z.array(storedTenantVariableSchema),
  nextCursor: NEXT_CURSOR,
  variablesVersion: versionField,
});

const changeSchema = z.object({
  variablesVersion: versionField,
  changed: z.boolean().meta({ description: 'False when the set equals the stored one (nothing written).' }),
  added: z.int(),
  updated: z.int(),
  removed: z.int(),
});

type VariablePageJson = z.output<typeof variablePageSchema>;
type TenantPageJson = z.output<typeof tenantPageSchema>;
type ChangeJson = z.output<typeof changeSchema>;

// Typed against the schemas (at the call sites), so the document and the wire cannot disagree.
function pageJson<T>(page: VariablePage<T>): { items: T[]; nextCursor?: string; variablesVersion: number } {
  return {
    items: page.items,
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    variablesVersion: page.variablesVersion,
  };
}

function changeJson(c: VariableSetChange): ChangeJson {
  return {
    variablesVersion: c.variablesVersion,
    changed: c.changed,
    added: c.added,
    updated: c.updated,
    removed: c.removed,
  };
}

const CHANGE: NamedSchema = { name: 'VariableSetChange', schema: changeSchema };

/** What differs between owners: tenants hold template values, the others variables. */
interface SetShape {
  page: NamedSchema;
  input: NamedSchema;
  list: (spaceId: string, ownerId: string, query: unknown) => Promise<VariablePageJson | TenantPageJson>;
  replace: (
    spaceId: string,
    ownerId: string,
    input: unknown,
    expected: number,
    request: FastifyRequest,
    dryRun: boolean,
  ) => Promise<VariableSetChange>;
}

/** GET and PUT `<owner>/variables` for each kind with hasVariables. */
export function variableRoutes(deps: ServerDeps, resolve: PathResolver): RouteSpec[] {
  const variables = variablesRepository(deps.store.db, deps.secrets);
  const variableSet: SetShape = {
    page: { name: 'VariablePage', schema: variablePageSchema },
    input: { name: 'VariableSetInput', schema: variableSetInputSchema },
    list: async (spaceId, ownerId, query): Promise<VariablePageJson> =>
      pageJson<StoredVariable>(await variables.list(spaceId, ownerId, query)),
    replace: (spaceId, ownerId, input, expected, request, dryRun) =>
      variables.replace(spaceId, ownerId, input, expected, resolveActor(request), { dryRun }),
  };
  const tenantValues: SetShape = {
    page: { name: 'TenantVariablePage', schema: tenantPageSchema },
    input: { name: 'TenantVariableSetInput', schema: tenantVariableSetInputSchema },
    list: async (spaceId, tenantId, query): Promise<TenantPageJson> =>
      pageJson<StoredTenantVariable>(await variables.listTenantValues(spaceId, tenantId, query)),
    replace: (spaceId, tenantId, input, expected, request, dryRun) =>
      variables.replaceTenantValues(spaceId, tenantId, input, expected, resolveActor(request), { dryRun }),
  };
  return Object.values(RESOURCE_KINDS)
    .filter((kind) => kind.hasVariables)
    .flatMap((kind) => ownerRoutes(deps, resolve, kind, kind.name === 'tenant' ? tenantValues : variableSet));
}

function ownerRoutes(
  deps: ServerDeps,
  resolve: PathResolver,
  kind: ResourceKind,
  shape: SetShape,
): RouteSpec[] {
  const repo = resourcesRepository(deps.store.db, deps.secrets, kind);
  // Projects are named `{project}` like the routes nested under them; other owners `{id}`.
  const isProject = kind.name === 'project';
  const path = isProject
    ? '/api/spaces/{space}/projects/{project}/variables'
    : `/api/spaces/{space}/${kind.plural}/{id}/variables`;
  const params = isProject
    ? { ...SPACE_PARAM, ...PROJECT_PARAM }
    : { ...SPACE_PARAM, id: `The ${kind.label}, by id (\`${kind.idPrefix}-...\`) or name.` };
  const owner = (request: FastifyRequest): Promise<Resource> =>
    isProject ? resolve.project(request) : resolve.resource(request, kind, repo);
  const scope = async (request: FastifyRequest): Promise<AccessScope> =>
    isProject ? { projectId: (await owner(request)).id } : { tenantId: (await owner(request)).id };
  const { view, edit } = permissionsOf(kind);
  const authOf = (permission: typeof view): RouteAuth =>
    kind.name === 'library-set' ? { permission } : { permission, scope };
  const what = kind.name === 'tenant' ? 'template values' : 'variables';
  const name = pascal(kind.name);
  return [
    {
      method: 'GET',
      path,
      operationId: `get${name}Variables`,
      summary: `One page of the ${kind.label}'s ${what}, with the set's version as the ETag.`,
      tag: 'variables',
      params,
      query: listQuerySchema,
      headers: [{ name: 'If-None-Match', description: 'An ETag you hold; 304 when the set is unchanged.' }],
      auth: authOf(view),
      responses: {
        200: {
          description: 'A page; follow `nextCursor` for the next one.',
          body: shape.page,
          headers: ETAG_HEADER,
        },
        304: { description: 'The set is unchanged since the ETag in If-None-Match.', headers: ETAG_HEADER },
        400: { description: 'A bad query parameter (named in the message).' },
        404: { description: `No such space or ${kind.label}.` },
      },
      handler: async (request, reply) => {
        const query = parseQuery(listQuerySchema, request, 'list query');
        const space = await resolve.space(request);
        const page = await shape.list(space.id, (await owner(request)).id, query);
        reply.header('etag', etagOf(page.variablesVersion));
        if (noneMatch(header(request, 'if-none-match'), page.variablesVersion))
          return reply.status(304).send();
        return page;
      },
    },
    {
      method: 'PUT',
      path,
      operationId: `replace${name}Variables`,
      summary: `Replaces all of the ${kind.label}'s ${what} if the set is still at the version in If-Match.`,
      tag: 'variables',
      params,
      query: REPLACE_QUERY,
      headers: [IF_MATCH_REQUIRED],
      body: { ...shape.input, root: 'variables' },
      auth: authOf(edit),
      responses: {
        200: {
          description:
            'What changed (the new version is in the ETag); with ?dryRun=true, what would change, and nothing ' +
            'is written. Sensitive values read as {"set": true} keep their stored value.',
          body: CHANGE,
          headers: { ...ETAG_HEADER, ...CHANGED_HEADER },
        },
        400: { description: 'Invalid input (each bad variable and field named) or a malformed If-Match.' },
        404: { description: `No such space or ${kind.label}.` },
        ...PRECONDITION_RESPONSES,
      },
      handler: async (request, reply) => {
        const dryRun = isDryRun(request);
        const expected = requireVersion(request, `the ${kind.label}'s ${what}`);
        const space = await resolve.space(request);
        const ownerId = (await owner(request)).id;
        const change = await guarded(() =>
          shape.replace(space.id, ownerId, request.body, expected, request, dryRun),
        );
        reply.header('slipway-changed', String(change.changed));
        if (!dryRun) reply.header('etag', etagOf(change.variablesVersion));
        return changeJson(change);
      },
    },
  ];
}
