/**
 * Who may do what: four built-in roles, each a set of permissions, granted to teams with optional
 * scopes (projects, environments, tenants). Pure: the server asks `allows(grants, permission,
 * scope)` and `visibleIds(...)`; docs/security.md has the matrix.
 */

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

/** A dimension a grant may restrict, named as in Grant. */
export type Dimension = 'projectIds' | 'environmentIds' | 'tenantIds';

// The AccessScope field that carries a value on each dimension.
const SCOPE_FIELD: Readonly<Record<Dimension, keyof AccessScope>> = {
  projectIds: 'projectId',
  environmentIds: 'environmentId',
  tenantIds: 'tenantId',
};

const VIEWER: readonly Permission[] = PERMISSIONS.filter(
  (p) => p.endsWith('.view') && p !== 'user.view' && p !== 'audit.view',
);
const DEPLOYER: readonly Permission[] = [
  ...VIEWER,
  'release.create',
  'deployment.create',
  'interruption.submit',
  'task.cancel',
];
const PROJECT_CONTRIBUTOR: readonly Permission[] = [...DEPLOYER, 'project.edit', 'library-set.edit'];

/** The permissions of each role. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  administrator: new Set(PERMISSIONS),
  'project-contributor': new Set(PROJECT_CONTRIBUTOR),
  deployer: new Set(DEPLOYER),
  viewer: new Set(VIEWER),
};

const PROJECT: readonly Dimension[] = ['projectIds'];
const DEPLOYMENT: readonly Dimension[] = ['projectIds', 'environmentIds', 'tenantIds'];

/**
 * The dimensions whose scopes restrict each permission; a grant's lists on any other dimension do
 * not matter for it (a project-scoped viewer still sees every feed).
 */
export const PERMISSION_DIMENSIONS: Readonly<Record<Permission, readonly Dimension[]>> = Object.fromEntries(
  PERMISSIONS.map((p): [Permission, readonly Dimension[]] => {
    if (p.startsWith('project.') || p === 'release.create') return [p, PROJECT];
    if (p === 'deployment.create' || p === 'interruption.submit' || p === 'task.cancel')
      return [p, DEPLOYMENT];
    if (p === 'environment.view') return [p, ['environmentIds']];
    if (p === 'tenant.view' || p === 'tenant.edit') return [p, ['tenantIds']];
    return [p, []];
  }),
) as Record<Permission, readonly Dimension[]>;

/** True when the grant restricts `dimension` (lists at least one id there). */
function restricts(grant: Grant, dimension: Dimension): boolean {
  return (grant[dimension]?.length ?? 0) > 0;
}

/**
 * True when `grant` covers `permission` in `scope`: its role has the permission and, on each
 * dimension that restricts the permission and that the grant restricts, the scope names one of
 * the grant's ids. A restricted dimension the scope says nothing about is not covered (a
 * project-scoped contributor cannot create a new project).
 */
export function covers(grant: Grant, permission: Permission, scope: AccessScope = {}): boolean {
  if (!ROLE_PERMISSIONS[grant.role].has(permission)) return false;
  return PERMISSION_DIMENSIONS[permission].every((d) => {
    if (!restricts(grant, d)) return true;
    const value = scope[SCOPE_FIELD[d]];
    return value !== undefined && (grant[d] ?? []).includes(value);
  });
}

/** True when some grant's role has `permission` and its scopes cover `scope`. */
export function allows(grants: readonly Grant[], permission: Permission, scope: AccessScope = {}): boolean {
  return grants.some((g) => covers(g, permission, scope));
}

/** True when some grant's role has `permission`, in whatever scope (the check before a handler narrows). */
export function holdsSomewhere(grants: readonly Grant[], permission: Permission): boolean {
  return grants.some((g) => ROLE_PERMISSIONS[g.role].has(permission));
}

/**
 * The ids of `dimension` the grants let the holder see with `permission`: undefined when
 * unrestricted (some grant has no list there), else the union of the lists.
 */
export function visibleIds(
  grants: readonly Grant[],
  permission: Permission,
  dimension: Dimension,
): ReadonlySet<string> | undefined {
  const holding = grants.filter((g) => ROLE_PERMISSIONS[g.role].has(permission));
  // A dimension that does not restrict the permission is open to every grant that has it.
  const restricting = PERMISSION_DIMENSIONS[permission].includes(dimension);
  if (holding.some((g) => !restricting || !restricts(g, dimension))) return undefined;
  return new Set(holding.flatMap((g) => g[dimension] ?? []));
}
