import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import { planDeployment, stepVariables } from './index.js';
import { ACME, facts, step, target, variable } from '../../../test/kits/deployment-plan.js';
import type { DeploymentFacts, EvaluationInput, TargetInfo } from './types.js';
import type { ScopedVariable } from '../variables/types.js';

const WEB = target('Targets-1', ['web', 'db'], { tenantedParticipation: 'both', tenants: [ACME.id] });
const DEPLOY = step('Deploy web', {
  roles: ['web'],
  action: {
    type: 'ecs-update-service',
    packages: [
      { name: 'web', feed: 'Feeds-1', image: 'team/web' },
      { name: 'sidecar', feed: 'Feeds-2', image: 'envoy' },
      { name: 'unpicked', feed: 'Feeds-1', image: 'team/other' },
    ],
    service: 'web',
  },
});

/** The evaluation input of DEPLOY on WEB, with `extra` merged in. */
function input(
  snapshot: ScopedVariable[],
  extra: Partial<EvaluationInput> = {},
  factsExtra: Partial<DeploymentFacts> = {},
  on: TargetInfo | 'no target' = WEB,
): EvaluationInput {
  const f = facts({
    process: { steps: [step('Migrate'), DEPLOY] },
    targets: [WEB],
    packages: [
      { step: 'Deploy web', package: 'web', feedId: 'Feeds-1', image: 'team/web', version: '1.4.2' },
      {
        step: 'Deploy web',
        package: 'sidecar',
        feedId: 'Feeds-2',
        image: 'envoy',
        version: `sha256:${'a'.repeat(64)}`,
      },
    ],
    registries: { 'Feeds-1': '127.0.0.1:4599', 'Feeds-2': '123456789012.dkr.ecr.eu-west-1.amazonaws.com' },
    ...factsExtra,
  });
  const planned = planDeployment(f)[1]!;
  const base: EvaluationInput = {
    facts: f,
    snapshot,
    tenantValues: {},
    prompted: {},
    outputs: {},
    step: planned,
  };
  if (on !== 'no target') base.target = on;
  return { ...base, ...extra };
}

describe('stepVariables: precedence', () => {
  const snapshot = [
    variable('v1', 'Db.Host', 'db.default'),
    variable('v2', 'Db.Host', 'db.prod', { environments: ['Environments-1'] }),
    variable('v3', 'Db.Host', 'db.acme', { tenants: [ACME.id] }),
    variable('v4', 'Schema', 'eu', { tenantTags: ['Region/EU'] }),
    variable('v5', 'Replicas', '2'),
    variable('v6', 'Replicas', '6', { steps: ['Deploy web'] }),
    variable('v7', 'Role.Value', 'db-role', { roles: ['db'] }),
    variable('v8', 'Role.Value', 'web-role', { roles: ['web'] }),
    variable('v9', 'Region', 'project-region'),
    variable('v10', 'Region', 'project-prod-region', { environments: ['Environments-1'] }),
    variable('v11', 'Notes', 'from the project'),
    variable('v12', 'Octopus.Environment.Name', 'not the real one'),
  ];

  it('an untenanted deployment never sees tenant-scoped values, nor tenant values', () => {
    const { values } = stepVariables(
      input(snapshot, { tenantValues: { Region: 'tenant-region', Extra: 'x' } }),
    );
    assert.equal(values['Db.Host'], 'db.prod');
    assert.equal('Schema' in values, false);
    assert.equal(values.Region, 'project-prod-region');
    assert.equal('Extra' in values, false);
    assert.equal('Octopus.Deployment.Tenant.Id' in values, false);
  });

  it('a tenanted deployment: scope ranking, then tenant values, prompted values and system variables', () => {
    const { values } = stepVariables(
      input(
        snapshot,
        {
          tenantValues: { region: 'tenant-region', 'Tenant.Only': 't' },
          prompted: { Notes: 'prompted', Region: 'nope?' },
        },
        { tenant: ACME },
      ),
    );
    assert.equal(values['Db.Host'], 'db.acme', 'tenant scope beats environment scope');
    assert.equal(values.Schema, 'eu');
    assert.equal(values.Replicas, '6', 'step scope');
    assert.equal(
      values['Role.Value'],
      'web-role',
      'a role the step targets beats a role the target merely has',
    );
    assert.equal(values['Tenant.Only'], 't');
    assert.equal(values.Notes, 'prompted', 'prompted beats the project');
    assert.equal(values.Region, 'nope?', 'prompted beats the tenant value');
    assert.equal(values.region, undefined, 'one spelling per name: the last layer that set it');
    assert.equal(values['Octopus.Environment.Name'], 'Production', 'system variables beat variables');
  });

  it('a tenant value beats even the most specific project value of its name', () => {
    const snap = [
      variable('s1', 'Url', 'step+env', { steps: ['Deploy web'], environments: ['Environments-1'] }),
    ];
    const { values } = stepVariables(input(snap, { tenantValues: { URL: 'tenant' } }, { tenant: ACME }));
    assert.deepEqual(values.URL, 'tenant');
    assert.equal('Url' in values, false);
  });

  it('without a target, role-scoped values match through the step roles', () => {
    const { values } = stepVariables(input(snapshot, {}, {}, 'no target'));
    assert.equal(values['Role.Value'], 'web-role');
    assert.equal('Octopus.Machine.Name' in values, false);
  });

  it('a step that is not in the process is INVALID_INPUT', () => {
    const i = input(snapshot);
    assert.throws(
      () => stepVariables({ ...i, step: { ...i.step, name: 'Gone' } }),
      (e: unknown) => e instanceof SlipwayError && e.code === 'INVALID_INPUT' && /"Gone"/.test(e.message),
    );
  });
});

describe('stepVariables: system variables', () => {
  it('lists project, environment, release, deployment, tenant, step, machine and package values', () => {
    const { values } = stepVariables(input([], {}, { tenant: ACME }));
    const system = Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith('Octopus.')));
    const ecr = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.deepEqual(system, {
      'Octopus.Project.Id': 'Projects-1',
      'Octopus.Project.Name': 'Web',
      'Octopus.Project.Slug': 'web',
      'Octopus.Environment.Id': 'Environments-1',
      'Octopus.Environment.Name': 'Production',
      'Octopus.Release.Id': 'Releases-3',
      'Octopus.Release.Number': '1.4.2',
      'Octopus.Release.Notes': 'Fixes',
      'Octopus.Release.Channel.Id': 'Channels-1',
      'Octopus.Release.Channel.Name': 'Default',
      'Octopus.Deployment.Id': 'Deployments-7',
      'Octopus.Deployment.Name': 'Deploy to Production',
      'Octopus.Deployment.CreatedBy.Username': 'alice',
      'Octopus.Action.Name': 'Deploy web',
      'Octopus.Step.Name': 'Deploy web',
      'Octopus.Deployment.Tenant.Id': 'Tenants-1',
      'Octopus.Deployment.Tenant.Name': 'Acme',
      'Octopus.Deployment.Tenant.Tags': 'Region/EU, Tier/Gold',
      'Octopus.Machine.Id': 'Targets-1',
      'Octopus.Machine.Name': 'Cluster Targets-1',
      'Octopus.Machine.Roles': 'web, db',
      'Octopus.Action.Package[web].PackageId': 'team/web',
      'Octopus.Action[Deploy web].Package[web].PackageId': 'team/web',
      'Octopus.Action.Package[web].FeedId': 'Feeds-1',
      'Octopus.Action[Deploy web].Package[web].FeedId': 'Feeds-1',
      'Octopus.Action.Package[web].Registry': '127.0.0.1:4599',
      'Octopus.Action[Deploy web].Package[web].Registry': '127.0.0.1:4599',
      'Octopus.Action.Package[web].PackageVersion': '1.4.2',
      'Octopus.Action[Deploy web].Package[web].PackageVersion': '1.4.2',
      'Octopus.Action.Package[web].Image': '127.0.0.1:4599/team/web:1.4.2',
      'Octopus.Action[Deploy web].Package[web].Image': '127.0.0.1:4599/team/web:1.4.2',
      'Octopus.Action.Package[sidecar].PackageId': 'envoy',
      'Octopus.Action[Deploy web].Package[sidecar].PackageId': 'envoy',
      'Octopus.Action.Package[sidecar].FeedId': 'Feeds-2',
      'Octopus.Action[Deploy web].Package[sidecar].FeedId': 'Feeds-2',
      'Octopus.Action.Package[sidecar].Registry': ecr,
      'Octopus.Action[Deploy web].Package[sidecar].Registry': ecr,
      'Octopus.Action.Package[sidecar].PackageVersion': digest,
      'Octopus.Action[Deploy web].Package[sidecar].PackageVersion': digest,
      'Octopus.Action.Package[sidecar].Image': `${ecr}/envoy@${digest}`,
      'Octopus.Action[Deploy web].Package[sidecar].Image': `${ecr}/envoy@${digest}`,
      // No version chosen: no PackageVersion and no Image, so templates using them report them missing.
      'Octopus.Action.Package[unpicked].PackageId': 'team/other',
      'Octopus.Action[Deploy web].Package[unpicked].PackageId': 'team/other',
      'Octopus.Action.Package[unpicked].FeedId': 'Feeds-1',
      'Octopus.Action[Deploy web].Package[unpicked].FeedId': 'Feeds-1',
      'Octopus.Action.Package[unpicked].Registry': '127.0.0.1:4599',
      'Octopus.Action[Deploy web].Package[unpicked].Registry': '127.0.0.1:4599',
    });
  });

  it('untenanted: no tenant variables; no slug when the project has none', () => {
    const { values } = stepVariables(input([], {}, { project: { id: 'Projects-1', name: 'Web' } }));
    for (const name of [
      'Octopus.Deployment.Tenant.Id',
      'Octopus.Deployment.Tenant.Name',
      'Octopus.Deployment.Tenant.Tags',
      'Octopus.Project.Slug',
    ]) {
      assert.equal(name in values, false, name);
    }
  });
});

describe('stepVariables: outputs and sensitive values', () => {
  it('outputs of earlier steps are Octopus.Action[Step].Output.Name', () => {
    const { values } = stepVariables(
      input([variable('o', 'Octopus.Action[Migrate].Output.Count', 'stale')], {
        outputs: { Migrate: { Count: '3', Token: 'tok-12345' } },
      }),
    );
    assert.equal(values['Octopus.Action[Migrate].Output.Count'], '3');
    assert.equal(values['Octopus.Action[Migrate].Output.Token'], 'tok-12345');
  });

  it('collects sensitive snapshot, prompted, tenant and output values, and only values in use', () => {
    const snapshot = [
      variable('p1', 'Db.Password', 'lost-secret', {}, { type: 'sensitive' }),
      variable(
        'p2',
        'Db.Password',
        'prod-secret',
        { environments: ['Environments-1'] },
        { type: 'sensitive' },
      ),
      variable('p3', 'Api.Key', 'project-key', {}, { type: 'sensitive' }),
      variable(
        'p4',
        'Admin.Password',
        'asked',
        {},
        {
          type: 'sensitive',
          prompt: { label: 'Admin password', required: true, control: 'single-line' },
        },
      ),
      variable('p5', 'Empty.Secret', '', {}, { type: 'sensitive' }),
      variable('p6', 'Plain', 'plain-value'),
    ];
    const { sensitive, values } = stepVariables(
      input(
        snapshot,
        {
          tenantValues: {
            'api.key': 'tenant-key',
            'Tenant.Secret': 'tenant-secret',
            'Tenant.Plain': 'visible',
          },
          sensitiveTenantValues: ['TENANT.SECRET'],
          prompted: { 'admin.password': 'typed-secret', 'Other.Prompt': 'typed-plain' },
          outputs: { Migrate: { Token: 'tok-12345', Count: '3' } },
          sensitiveOutputs: { Migrate: ['token'] },
        },
        { tenant: ACME },
      ),
    );
    assert.deepEqual([...sensitive].sort(), [
      'prod-secret',
      'tenant-key',
      'tenant-secret',
      'tok-12345',
      'typed-secret',
    ]);
    assert.equal(
      values['api.key'],
      'tenant-key',
      'the tenant value replaced the project one, and is as sensitive',
    );
    assert.equal(values['Admin.Password'], undefined);
    assert.equal(values['admin.password'], 'typed-secret');
  });
});
