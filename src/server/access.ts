/**
 * Authorisation inside handlers: the caller's grants (from their teams, administrators hold every
 * permission unscoped), checks against a concrete scope, and the ids a list may show.
 */
import type { FastifyRequest } from 'fastify';
import { SlipwayError } from '../core/errors.js';
import type { AccessScope, Grant, Permission } from '../core/model/permissions.js';

/** The grants of the caller (set by the auth hook). */
export function grantsOf(request: FastifyRequest): readonly Grant[] {
  void request;
  throw new SlipwayError('NOT_IMPLEMENTED', 'access control is not built yet');
}

/** Throws FORBIDDEN (naming the permission and scope) unless the caller has `permission` in `scope`. */
export function authorize(request: FastifyRequest, permission: Permission, scope: AccessScope = {}): void {
  void [request, permission, scope];
  throw new SlipwayError('NOT_IMPLEMENTED', 'access control is not built yet');
}

/**
 * The ids of `dimension` the caller may see with `permission`; undefined = all. Lists pass this to
 * the repository so a project-scoped viewer sees only their projects.
 */
export function visible(
  request: FastifyRequest,
  permission: Permission,
  dimension: 'projectIds' | 'environmentIds' | 'tenantIds',
): ReadonlySet<string> | undefined {
  void [request, permission, dimension];
  throw new SlipwayError('NOT_IMPLEMENTED', 'access control is not built yet');
}
