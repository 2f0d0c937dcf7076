/**
 * Who may do what: four built-in roles, each a set of permissions, granted to teams with optional
 * scopes (projects, environments, tenants). Pure: the server asks `allows(grants, permission,
 * scope)` and `visibleIds(...)`; docs/security.md has the matrix.
 */
import { SlipwayError } from '../errors.js';

/** Every permission a route may require. */
export const PERMISSIONS = [
  'environment.view',
  'environment.edit',
  'lifecycle.view',
  'lifecycle.edit',
  'project.view',
  'project.edit',
  'library-set.view',
  'library-set.edit',
  'tag-set.view',
  'tag-set.edit',
  'tenant.view',
  'tenant.edit',
  'feed.view',
  'feed.edit',
  'aws-account.view',
  'aws-account.edit',
  'ecs-target.view',
  'ecs-target.edit',
  'team.view',
  'team.edit',
  'user.view',
  'user.edit',
  'audit.view',
  'release.create',
  'deployment.create',
  'interruption.submit',
  'task.cancel',
] as const;

/** A permission. */
export type Permission = (typeof PERMISSIONS)[number];

/** The built-in roles. */
export const ROLES = ['administrator', 'project-contributor', 'deployer', 'viewer'] as const;

/** A role. */
export type Role = (typeof ROLES)[number];

/** A role granted through a team; an absent or empty list leaves that dimension unrestricted. */
export interface Grant {
  role: Role;
  projectIds?: readonly string[];
  environmentIds?: readonly string[];
  tenantIds?: readonly string[];
}

/** What a request touches, on the dimensions it has. */
export interface AccessScope {
  projectId?: string;
  environmentId?: string;
  tenantId?: string;
}

/** The permissions of each role. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  administrator: new Set(PERMISSIONS),
  'project-contributor': new Set<Permission>(),
  deployer: new Set<Permission>(),
  viewer: new Set<Permission>(),
};

/** True when some grant's role has `permission` and its scopes cover `scope`. */
export function allows(grants: readonly Grant[], permission: Permission, scope: AccessScope = {}): boolean {
  void [grants, permission, scope];
  throw new SlipwayError('NOT_IMPLEMENTED', 'permissions are not built yet');
}

/**
 * The ids of `dimension` the grants let the holder see with `permission`: undefined when
 * unrestricted (some grant has no list there), else the union of the lists.
 */
export function visibleIds(
  grants: readonly Grant[],
  permission: Permission,
  dimension: 'projectIds' | 'environmentIds' | 'tenantIds',
): ReadonlySet<string> | undefined {
  void [grants, permission, dimension];
  throw new SlipwayError('NOT_IMPLEMENTED', 'permissions are not built yet');
}
