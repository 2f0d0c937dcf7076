/**
 * Authorisation inside handlers: the caller's grants (from their teams, administrators hold every
 * permission unscoped), checks against a concrete scope, and the ids a list may show.
 */
import type { FastifyRequest } from 'fastify';
import { SlipwayError } from '../core/errors.js';
import {
  allows,
  visibleIds,
  type AccessScope,
  type Dimension,
  type Grant,
  type Permission,
} from '../core/model/permissions.js';
import type { Space } from '../core/model/space.js';
import type { ScopeNames } from '../store/grants.js';
import { authenticatedUser } from './actor.js';

/** What the auth hook learnt about the caller's access for one request. */
export interface RequestAccess {
  /** The caller's grants in the request's space (`[]` on routes without a space, unless administrator). */
  grants: readonly Grant[];
  /** The request's space (the `{space}` path parameter), when it has one and it was looked up. */
  space?: Space;
}

// Keyed by the request, like actor.ts: lives as long as the request, set only by auth.ts.
const accesses = new WeakMap<FastifyRequest, RequestAccess>();

/** Records the caller's access (called by the auth hook only). */
export function setRequestAccess(request: FastifyRequest, access: RequestAccess): void {
  accesses.set(request, access);
}

/** The caller's access as the auth hook recorded it; no grants when it recorded nothing. */
export function requestAccess(request: FastifyRequest): RequestAccess {
  return accesses.get(request) ?? { grants: [] };
}

/** The grants of the caller (set by the auth hook). */
export function grantsOf(request: FastifyRequest): readonly Grant[] {
  return requestAccess(request).grants;
}

/**
 * The FORBIDDEN error for `permission` in `scope`, naming the scope by `names` where known (ids
 * otherwise) and the space. Without a space the permission is a server-wide one (users), which
 * only administrators hold.
 */
export function forbidden(
  userName: string,
  permission: Permission,
  scope: AccessScope,
  space: Space | undefined,
  names: ScopeNames = {},
): SlipwayError {
  const parts = [
    scope.projectId === undefined ? '' : `project "${names.project ?? scope.projectId}"`,
    scope.environmentId === undefined ? '' : `environment "${names.environment ?? scope.environmentId}"`,
    scope.tenantId === undefined ? '' : `tenant "${names.tenant ?? scope.tenantId}"`,
  ].filter(Boolean);
  const where =
    (parts.length > 0 ? ` in ${parts.join(', ')}` : '') +
    (space ? `${parts.length > 0 ? ' of' : ' in'} space "${space.name}"` : '');
  const advice = space
    ? 'ask an administrator to add you to a team with a role that allows it.'
    : 'only administrators may; ask an administrator to do it for you.';
  return new SlipwayError('FORBIDDEN', `User "${userName}" may not ${permission}${where}: ${advice}`, {
    data: {
      user: userName,
      permission,
      scope: { ...scope },
      ...(space ? { space: space.id } : {}),
    },
  });
}

/** Throws FORBIDDEN (naming the permission and scope) unless the caller has `permission` in `scope`. */
export function authorize(request: FastifyRequest, permission: Permission, scope: AccessScope = {}): void {
  const access = requestAccess(request);
  if (allows(access.grants, permission, scope)) return;
  throw forbidden(authenticatedUser(request)?.name ?? '(anonymous)', permission, scope, access.space);
}

/**
 * The ids of `dimension` the caller may see with `permission`; undefined = all. Lists pass this to
 * the repository so a project-scoped viewer sees only their projects.
 */
export function visible(
  request: FastifyRequest,
  permission: Permission,
  dimension: Dimension,
): ReadonlySet<string> | undefined {
  return visibleIds(grantsOf(request), permission, dimension);
}
