/**
 * What the generated resource and variable routes share: names derived from a kind, path
 * parameters resolved by id or name (once per request, so a route's access scope and its handler
 * do not look the same thing up twice), If-Match handling and strict query strings.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SlipwayError, isSlipwayError } from '../../core/errors.js';
import { projectKind } from '../../core/model/kinds/index.js';
import { parseInput, unknownFields } from '../../core/model/parse.js';
import type { Permission } from '../../core/model/permissions.js';
import type { Resource, ResourceKind, ResourceKindName } from '../../core/model/resource.js';
import type { Space } from '../../core/model/space.js';
import { resourcesRepository, type ResourcesRepository } from '../../store/resources.js';
import { spacesRepository } from '../../store/spaces.js';
import type { ServerDeps } from '../deps.js';
import { ifMatchVersion } from '../etag.js';
import { header, param } from '../route.js';

/** `tag-sets` → `TagSets` (operation ids and schema names). */
export function pascal(name: string): string {
  return name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** The path parameter `{space}`. */
export const SPACE_PARAM = { space: 'The space, by id (`Spaces-1`) or name (`Default`, ignoring case).' };
/** The path parameter `{project}` of routes under a project. */
export const PROJECT_PARAM = { project: 'The project, by id (`Projects-...`) or name (ignoring case).' };
/** The ETag response header. */
export const ETAG_HEADER = { ETag: 'The version as an entity tag, `"<version>"`; send it back in If-Match.' };
/** The Slipway-Changed response header of a replace. */
export const CHANGED_HEADER = {
  'Slipway-Changed': '`true` when the replace changed something, `false` when the document was identical.',
};
/** The answers of a write guarded by If-Match. */
export const PRECONDITION_RESPONSES = {
  412: { description: 'Changed by someone else since your read (PRECONDITION_FAILED).' },
  428: { description: 'If-Match is missing (PRECONDITION_REQUIRED).' },
};

/** `nextCursor` of a page. */
export const NEXT_CURSOR = z
  .string()
  .optional()
  .meta({ description: 'Pass as `cursor` for the next page; absent on the last page.' });

/** The If-Match header a replace requires. */
export const IF_MATCH_REQUIRED = {
  name: 'If-Match',
  description: 'The ETag of your last read, e.g. `"3"`.',
  required: true,
};

/** The area a kind's permissions belong to: channels and processes are part of their project. */
type Area = Exclude<ResourceKindName, 'channel' | 'process'>;

function areaOf(kind: ResourceKind): Area {
  return kind.name === 'channel' || kind.name === 'process' ? 'project' : kind.name;
}

/** The permissions to read and to change resources of `kind` (and its variables). */
export function permissionsOf(kind: ResourceKind): { view: Permission; edit: Permission } {
  const area = areaOf(kind);
  return { view: `${area}.view`, edit: `${area}.edit` };
}

/** The version in If-Match; PRECONDITION_REQUIRED when there is none. */
export function requireVersion(request: FastifyRequest, what: string): number {
  const expected = ifMatchVersion(header(request, 'if-match'));
  if (expected === undefined) {
    throw new SlipwayError(
      'PRECONDITION_REQUIRED',
      `Replacing ${what} needs If-Match: send the ETag of your last GET (e.g. If-Match: "3"), ` +
        'so that a change someone made since is not overwritten.',
      { data: { header: 'If-Match' } },
    );
  }
  return expected;
}

/** Runs a write guarded by If-Match: a repository CONFLICT is the precondition failing (412, not 409). */
export async function guarded<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    throw isSlipwayError(e) && e.code === 'CONFLICT'
      ? new SlipwayError('PRECONDITION_FAILED', e.message, { cause: e, data: e.data })
      : e;
  }
}

/** The query string of routes that take none (unknown parameters are refused, as unknown fields are). */
export const NO_QUERY = z.strictObject({}, { error: unknownFields('the query') });

/** The query string of a replace: `dryRun=true` validates and compares without writing (default false). */
export const REPLACE_QUERY = z.strictObject(
  {
    dryRun: z
      .enum(['true', 'false'], { error: 'dryRun must be true or false' })
      .optional()
      .meta({ description: '`true`: validate and report what would change, without writing.' }),
  },
  { error: unknownFields('the query') },
);

/** The request's query string parsed by `schema`; INVALID_INPUT naming each bad parameter. */
export function parseQuery<S extends z.ZodType>(
  schema: S,
  request: FastifyRequest,
  root = 'query',
): z.output<S> {
  return parseInput(schema, request.query ?? {}, root);
}

/** True when a replace's query asks for a dry run. */
export function isDryRun(request: FastifyRequest): boolean {
  return parseQuery(REPLACE_QUERY, request).dryRun === 'true';
}

function notFound(what: string, value: string, where: string, data: Record<string, unknown>): SlipwayError {
  return new SlipwayError(
    'NOT_FOUND',
    `There is no ${what} "${value}" in ${where}; name it by id or by name (ignoring case).`,
    { data: { entity: what, id: value, ...data } },
  );
}

/** Resolves `{space}`, `{project}` and `{id}` (each an id or a name), once per request. */
export function pathResolver(deps: ServerDeps) {
  const spaces = spacesRepository(deps.store.db);
  const projects = resourcesRepository(deps.store.db, deps.secrets, projectKind);
  const memo = new WeakMap<FastifyRequest, Map<string, Promise<unknown>>>();
  // A WeakMap keyed by the request: the lookups live exactly as long as the request.
  const once = <T>(request: FastifyRequest, key: string, look: () => Promise<T>): Promise<T> => {
    let map = memo.get(request);
    if (!map) memo.set(request, (map = new Map()));
    let found = map.get(key) as Promise<T> | undefined;
    if (!found) map.set(key, (found = look()));
    return found;
  };

  const space = (request: FastifyRequest): Promise<Space> =>
    once(request, 'space', () => spaces.get(param(request, 'space')));

  /** The project named by the path parameter `name` (`project`, or `id` on /projects/{id}). */
  const project = (request: FastifyRequest, name = 'project'): Promise<Resource> =>
    once(request, `project:${name}`, async () => {
      const s = await space(request);
      const value = param(request, name);
      const found = await projects.find(s.id, value);
      if (!found) throw notFound(projectKind.label, value, `space "${s.name}"`, { spaceId: s.id });
      return found;
    });

  /** The resource of `kind` named by `{id}` (under `{project}` for nested kinds). */
  const resource = (
    request: FastifyRequest,
    kind: ResourceKind,
    repo: ResourcesRepository,
  ): Promise<Resource> =>
    once(request, `resource:${kind.name}`, async () => {
      if (kind.name === 'project') return project(request, 'id');
      const s = await space(request);
      const parent = kind.parent === 'project' ? await project(request) : undefined;
      const value = param(request, 'id');
      const found = await repo.find(s.id, value, parent?.id);
      if (!found) {
        const where = parent ? `project "${parent.name}"` : `space "${s.name}"`;
        throw notFound(kind.label, value, where, { spaceId: s.id });
      }
      return found;
    });

  return { space, project, resource };
}

/** A path resolver's type. */
export type PathResolver = ReturnType<typeof pathResolver>;
