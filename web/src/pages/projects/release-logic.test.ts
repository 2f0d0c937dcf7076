import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeploymentView, PlanPackage, ProgressionView, TenantView } from './model.js';
import {
  actionLabel,
  environmentActions,
  groupDeployments,
  packageVersions,
  pickTag,
  stateCounts,
  tenantsByTags,
} from './release-logic.js';

const pkg: PlanPackage = {
  step: 'Deploy',
  package: 'web',
  feedId: 'Feeds-1',
  feedName: 'ECR',
  image: 'web',
  tags: [
    { tag: '1.2.0', version: '1.2.0' },
    { tag: '1.1.0', version: '1.1.0' },
  ],
  newest: '1.2.0',
};

function dep(id: string, env: string, state: string, at: string, tenantId?: string): DeploymentView {
  return {
    id,
    projectId: 'P',
    releaseId: 'R',
    environmentId: env,
    state,
    createdBy: 'me',
    createdAt: at,
    ...(tenantId === undefined ? {} : { tenantId }),
  };
}

const progression: ProgressionView = {
  phases: [
    {
      name: 'Dev',
      optional: false,
      required: 0,
      environments: [{ id: 'E1', name: 'Dev', automatic: false, allowed: true }],
    },
    {
      name: 'Test',
      optional: false,
      required: 0,
      environments: [{ id: 'E2', name: 'Test', automatic: false, allowed: true }],
    },
    {
      name: 'Prod',
      optional: false,
      required: 0,
      environments: [
        { id: 'E3', name: 'Prod', automatic: false, allowed: false, reason: 'Phase "Test" is not complete' },
      ],
    },
  ],
  allowed: ['E1', 'E2'],
  automatic: [],
};

describe('the release form’s package versions', () => {
  it('preselects the newest allowed tag and keeps a choice still on offer', () => {
    assert.equal(pickTag(pkg, undefined), '1.2.0');
    assert.equal(pickTag(pkg, '1.1.0'), '1.1.0');
    assert.equal(pickTag(pkg, '9.9.9'), '1.2.0', 'a choice the channel no longer allows falls back');
    assert.equal(pickTag({ ...pkg, tags: [], newest: undefined } as PlanPackage, undefined), '');
  });

  it('writes the choices as Step/package:version and leaves out packages with no tag', () => {
    assert.deepEqual(packageVersions([pkg], { 'Deploy/web': '1.1.0' }), ['Deploy/web:1.1.0']);
    assert.deepEqual(packageVersions([{ ...pkg, tags: [], newest: undefined } as PlanPackage], {}), []);
  });
});

describe('deployments by environment and tenant', () => {
  it('orders environments as the lifecycle does, untenanted first, newest first', () => {
    const groups = groupDeployments(
      [
        dep('D1', 'E2', 'success', '2026-01-01T00:00:00Z', 'T2'),
        dep('D2', 'E1', 'success', '2026-01-01T00:00:00Z'),
        dep('D3', 'E1', 'failed', '2026-01-02T00:00:00Z'),
        dep('D4', 'E2', 'success', '2026-01-01T00:00:00Z', 'T1'),
        dep('D5', 'E2', 'success', '2026-01-01T00:00:00Z'),
        dep('D6', 'E9', 'queued', '2026-01-01T00:00:00Z'),
      ],
      [
        { id: 'E1', name: 'Dev' },
        { id: 'E2', name: 'Test' },
      ],
      [
        { id: 'T1', name: 'Zeta' },
        { id: 'T2', name: 'Acme' },
      ],
    );
    assert.deepEqual(
      groups.map((g) => g.environmentName),
      ['Dev', 'Test', 'E9'],
    );
    assert.deepEqual(
      groups[0]?.tenants[0]?.deployments.map((d) => d.id),
      ['D3', 'D2'],
    );
    assert.deepEqual(
      groups[1]?.tenants.map((t) => t.tenantName),
      ['', 'Acme', 'Zeta'],
    );
  });

  it('counts states', () => {
    assert.deepEqual(stateCounts([dep('a', 'E1', 'success', 'x'), dep('b', 'E2', 'success', 'y')]), {
      success: 2,
    });
  });
});

describe('what the lifecycle lets a release do', () => {
  it('deploys first, promotes after a success, redeploys where it was, and gives the reason', () => {
    assert.deepEqual(
      environmentActions(progression, []).map((a) => actionLabel(a)),
      ['Deploy to Dev', 'Deploy to Test', 'Deploy to Prod'],
    );
    const actions = environmentActions(progression, [dep('D1', 'E1', 'success', 'x')]);
    assert.deepEqual(
      actions.map((a) => [actionLabel(a), a.from?.name ?? '-', a.disabledReason ?? 'ok']),
      [
        ['Redeploy to Dev', '-', 'ok'],
        ['Promote to Test', 'Dev', 'ok'],
        ['Promote to Prod', 'Dev', 'Phase "Test" is not complete'],
      ],
    );
    const failedDev = environmentActions(progression, [dep('D1', 'E1', 'failed', 'x')]);
    assert.equal(actionLabel(failedDev[1]!), 'Deploy to Test', 'a failure promotes nothing');
  });
});

describe('tenants by tag', () => {
  const tenants: TenantView[] = [
    {
      id: 'T1',
      name: 'Acme',
      tags: ['Region/EU', 'Tier/Gold'],
      projects: [{ project: 'P', environments: ['E1'] }],
    },
    {
      id: 'T2',
      name: 'Globex',
      tags: ['Region/US', 'Tier/Gold'],
      projects: [{ project: 'P', environments: ['E1'] }],
    },
    { id: 'T3', name: 'Initech', tags: ['Region/EU'], projects: [{ project: 'P', environments: ['E1'] }] },
    {
      id: 'T4',
      name: 'Hooli',
      tags: ['Region/EU', 'Tier/Gold'],
      projects: [{ project: 'P', environments: ['E2'] }],
    },
  ];
  it('ORs within a tag set and ANDs across sets, among connected tenants only', () => {
    const names = (tags: string[]) => tenantsByTags(tenants, tags, 'P', 'E1').map((t) => t.name);
    assert.deepEqual(names(['Region/EU']), ['Acme', 'Initech']);
    assert.deepEqual(names(['Region/EU', 'Region/US', 'Tier/Gold']), ['Acme', 'Globex']);
    assert.deepEqual(names([]), []);
  });
});
