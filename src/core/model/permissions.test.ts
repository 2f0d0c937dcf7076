/**
 * Roles and scopes, table-driven. The expectations come from tables written out here by hand
 * (role → permissions, permission → restricting dimensions), not from ROLE_PERMISSIONS, so a slip
 * in either shows up as a difference.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allows,
  PERMISSION_DIMENSIONS,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
  visibleIds,
  type AccessScope,
  type Grant,
  type Permission,
  type Role,
} from './permissions.js';

const VIEWS: Permission[] = [
  'environment.view',
  'lifecycle.view',
  'project.view',
  'library-set.view',
  'tag-set.view',
  'tenant.view',
  'feed.view',
  'aws-account.view',
  'ecs-target.view',
  'team.view',
];
const DEPLOYS: Permission[] = ['release.create', 'deployment.create', 'interruption.submit', 'task.cancel'];

const EXPECTED_ROLES: Record<Role, Permission[]> = {
  viewer: VIEWS,
  deployer: [...VIEWS, ...DEPLOYS],
  'project-contributor': [...VIEWS, ...DEPLOYS, 'project.edit', 'library-set.edit'],
  administrator: [
    ...VIEWS,
    ...DEPLOYS,
    'project.edit',
    'library-set.edit',
    'environment.edit',
    'lifecycle.edit',
    'tag-set.edit',
    'tenant.edit',
    'feed.edit',
    'aws-account.edit',
    'ecs-target.edit',
    'team.edit',
    'user.view',
    'user.edit',
    'audit.view',
  ],
};

type Dim = 'project' | 'environment' | 'tenant';
const ALL: Dim[] = ['project', 'environment', 'tenant'];
const EXPECTED_DIMENSIONS: Record<Permission, Dim[]> = {
  'environment.view': ['environment'],
  'environment.edit': [],
  'lifecycle.view': [],
  'lifecycle.edit': [],
  'project.view': ['project'],
  'project.edit': ['project'],
  'library-set.view': [],
  'library-set.edit': [],
  'tag-set.view': [],
  'tag-set.edit': [],
  'tenant.view': ['tenant'],
  'tenant.edit': ['tenant'],
  'feed.view': [],
  'feed.edit': [],
  'aws-account.view': [],
  'aws-account.edit': [],
  'ecs-target.view': [],
  'ecs-target.edit': [],
  'team.view': [],
  'team.edit': [],
  'user.view': [],
  'user.edit': [],
  'audit.view': [],
  'release.create': ['project'],
  'deployment.create': ALL,
  'interruption.submit': ALL,
  'task.cancel': ALL,
};

const LIST = { project: 'projectIds', environment: 'environmentIds', tenant: 'tenantIds' } as const;
const FIELD = { project: 'projectId', environment: 'environmentId', tenant: 'tenantId' } as const;

/** The documented rule, applied to the hand-written tables. */
function expected(grant: Grant, permission: Permission, scope: AccessScope): boolean {
  if (!EXPECTED_ROLES[grant.role].includes(permission)) return false;
  return EXPECTED_DIMENSIONS[permission].every((d) => {
    const list = grant[LIST[d]] ?? [];
    if (list.length === 0) return true;
    const value = scope[FIELD[d]];
    return value !== undefined && list.includes(value);
  });
}

// Grant shapes, for every role.
const SHAPES: Record<string, Omit<Grant, 'role'>> = {
  unscoped: {},
  'empty lists': { projectIds: [], environmentIds: [], tenantIds: [] },
  'P1/E1/T1': { projectIds: ['P1'], environmentIds: ['E1'], tenantIds: ['T1'] },
  'P1,P2': { projectIds: ['P1', 'P2'] },
  E1: { environmentIds: ['E1'] },
  T1: { tenantIds: ['T1'] },
};
const SCOPES: AccessScope[] = [
  {},
  { projectId: 'P1' },
  { projectId: 'P2' },
  { projectId: 'P9' },
  { environmentId: 'E1' },
  { environmentId: 'E9' },
  { tenantId: 'T1' },
  { tenantId: 'T9' },
  { projectId: 'P1', environmentId: 'E1' },
  { projectId: 'P1', environmentId: 'E1', tenantId: 'T1' },
  { projectId: 'P9', environmentId: 'E1', tenantId: 'T1' },
  { projectId: 'P1', environmentId: 'E9', tenantId: 'T1' },
  { projectId: 'P1', environmentId: 'E1', tenantId: 'T9' },
];

describe('roles', () => {
  it('have exactly the documented permissions', () => {
    for (const role of ROLES) {
      assert.deepEqual([...ROLE_PERMISSIONS[role]].sort(), [...EXPECTED_ROLES[role]].sort(), role);
    }
    assert.equal(EXPECTED_ROLES.administrator.length, PERMISSIONS.length, 'the table lists every permission');
  });

  it('are restricted on the documented dimensions', () => {
    for (const p of PERMISSIONS) {
      const dims = PERMISSION_DIMENSIONS[p].map((d) => d.replace(/Ids$/, ''));
      assert.deepEqual(dims, EXPECTED_DIMENSIONS[p], p);
    }
  });
});

describe('allows', () => {
  it('follows the rule for every role × permission × grant shape × scope', () => {
    let checked = 0;
    let allowed = 0;
    for (const role of ROLES) {
      for (const [shape, lists] of Object.entries(SHAPES)) {
        const grant: Grant = { role, ...lists };
        for (const permission of PERMISSIONS) {
          for (const scope of SCOPES) {
            const want = expected(grant, permission, scope);
            assert.equal(
              allows([grant], permission, scope),
              want,
              `${role} (${shape}) ${permission} in ${JSON.stringify(scope)}`,
            );
            checked++;
            if (want) allowed++;
          }
        }
      }
    }
    // Both outcomes occur often, so the loop is not vacuous.
    assert.equal(checked, ROLES.length * 6 * PERMISSIONS.length * SCOPES.length);
    assert.ok(allowed > checked / 4 && allowed < (checked * 3) / 4, `${allowed} of ${checked}`);
  });

  const P1_CONTRIBUTOR: Grant = { role: 'project-contributor', projectIds: ['P1'] };
  const cases: [string, Grant[], Permission, AccessScope, boolean][] = [
    ['nobody without grants', [], 'project.view', {}, false],
    ['an unscoped viewer views a project', [{ role: 'viewer' }], 'project.view', { projectId: 'P1' }, true],
    ['a viewer may not edit one', [{ role: 'viewer' }], 'project.edit', { projectId: 'P1' }, false],
    ['a viewer may not read the audit log', [{ role: 'viewer' }], 'audit.view', {}, false],
    ['a viewer may not list users', [{ role: 'viewer' }], 'user.view', {}, false],
    ['a deployer may not edit projects', [{ role: 'deployer' }], 'project.edit', {}, false],
    ['a contributor edits their project', [P1_CONTRIBUTOR], 'project.edit', { projectId: 'P1' }, true],
    ['but not another', [P1_CONTRIBUTOR], 'project.edit', { projectId: 'P2' }, false],
    // The "restricted dimension but no value" rule: a new project has no id yet.
    ['nor create a new project', [P1_CONTRIBUTOR], 'project.edit', {}, false],
    ['a project scope does not restrict feeds', [P1_CONTRIBUTOR], 'feed.view', {}, true],
    ['a contributor edits library sets', [P1_CONTRIBUTOR], 'library-set.edit', {}, true],
    ['nor environments', [{ role: 'viewer', projectIds: ['P1'] }], 'environment.view', {}, true],
    [
      'an environment-scoped deployer deploys there',
      [{ role: 'deployer', environmentIds: ['E1'] }],
      'deployment.create',
      { projectId: 'P7', environmentId: 'E1' },
      true,
    ],
    [
      'but not where the environment is not named',
      [{ role: 'deployer', environmentIds: ['E1'] }],
      'deployment.create',
      { projectId: 'P7' },
      false,
    ],
    [
      'and may release any project',
      [{ role: 'deployer', environmentIds: ['E1'] }],
      'release.create',
      {},
      true,
    ],
    [
      'a tenant-scoped viewer sees the tenant',
      [{ role: 'viewer', tenantIds: ['T1'] }],
      'tenant.view',
      { tenantId: 'T1' },
      true,
    ],
    ['not another', [{ role: 'viewer', tenantIds: ['T1'] }], 'tenant.view', { tenantId: 'T2' }, false],
    [
      'a scoped administrator stays in scope',
      [{ role: 'administrator', projectIds: ['P1'] }],
      'project.edit',
      { projectId: 'P2' },
      false,
    ],
    [
      'and keeps unscoped permissions',
      [{ role: 'administrator', projectIds: ['P1'] }],
      'audit.view',
      {},
      true,
    ],
    [
      'grants add up',
      [
        { role: 'viewer', projectIds: ['P1'] },
        { role: 'project-contributor', projectIds: ['P2'] },
      ],
      'project.edit',
      { projectId: 'P2' },
      true,
    ],
    [
      'but do not mix (the viewer grant does not edit)',
      [
        { role: 'viewer', projectIds: ['P1'] },
        { role: 'project-contributor', projectIds: ['P2'] },
      ],
      'project.edit',
      { projectId: 'P1' },
      false,
    ],
  ];
  for (const [name, grants, permission, scope, want] of cases) {
    it(name, () => assert.equal(allows(grants, permission, scope), want));
  }
});

describe('visibleIds', () => {
  const set = (...ids: string[]) => new Set(ids);
  const cases: [
    string,
    Grant[],
    Permission,
    'projectIds' | 'environmentIds' | 'tenantIds',
    Set<string> | undefined,
  ][] = [
    ['nothing without grants', [], 'project.view', 'projectIds', set()],
    ['everything for an unscoped grant', [{ role: 'viewer' }], 'project.view', 'projectIds', undefined],
    [
      'everything for empty lists',
      [{ role: 'viewer', projectIds: [] }],
      'project.view',
      'projectIds',
      undefined,
    ],
    [
      'the union of the lists',
      [
        { role: 'viewer', projectIds: ['P1'] },
        { role: 'deployer', projectIds: ['P2', 'P1'] },
      ],
      'project.view',
      'projectIds',
      set('P1', 'P2'),
    ],
    [
      'everything when one grant is unrestricted',
      [{ role: 'viewer', projectIds: ['P1'] }, { role: 'deployer' }],
      'project.view',
      'projectIds',
      undefined,
    ],
    [
      'only grants with the permission count',
      [
        { role: 'viewer', environmentIds: ['E1'] },
        { role: 'deployer', environmentIds: ['E2'] },
      ],
      'deployment.create',
      'environmentIds',
      set('E2'),
    ],
    [
      'a grant without the permission does not open the list',
      [{ role: 'viewer' }, { role: 'deployer', environmentIds: ['E2'] }],
      'deployment.create',
      'environmentIds',
      set('E2'),
    ],
    ['nothing when no grant has the permission', [{ role: 'viewer' }], 'user.view', 'projectIds', set()],
    [
      'everything on a dimension that does not restrict the permission',
      [{ role: 'viewer', projectIds: ['P1'] }],
      'environment.view',
      'projectIds',
      undefined,
    ],
    [
      'a project scope does not narrow environments',
      [{ role: 'viewer', projectIds: ['P1'] }],
      'environment.view',
      'environmentIds',
      undefined,
    ],
    [
      'an environment scope narrows them',
      [{ role: 'viewer', projectIds: ['P1'], environmentIds: ['E1'] }],
      'environment.view',
      'environmentIds',
      set('E1'),
    ],
    [
      'feeds are not narrowed by projects',
      [{ role: 'viewer', projectIds: ['P1'] }],
      'feed.view',
      'projectIds',
      undefined,
    ],
  ];
  for (const [name, grants, permission, dimension, want] of cases) {
    it(name, () => assert.deepEqual(visibleIds(grants, permission, dimension), want));
  }
});
