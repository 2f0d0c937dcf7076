import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { parseInput } from '../parse.js';
import { RESOURCE_KIND_NAMES, type ResourceKindName, type ResourceRef } from '../resource.js';
import { EXAMPLE_DEPLOY_SERVICE_PROCESS } from '../../../../test/kits/model-deploy-service.js';
import { EXAMPLES } from '../../../../test/kits/model-examples.js';
import { RESOURCE_KINDS } from './index.js';

function parsed(name: ResourceKindName, doc: unknown = EXAMPLES[name]): Record<string, unknown> {
  return parseInput(RESOURCE_KINDS[name].schema, doc, name) as Record<string, unknown>;
}

function ref(path: ResourceRef['path'], target: ResourceRef['target'], value: string): ResourceRef {
  return { path, target, value };
}

describe('resource kinds: refs() of the examples', () => {
  const expected: Record<ResourceKindName, ResourceRef[]> = {
    'tag-set': [],
    feed: [],
    'aws-account': [],
    lifecycle: [
      ref(['phases', 0, 'automaticEnvironments', 0], 'environment', 'Dev'),
      ref(['phases', 1, 'manualEnvironments', 0], 'environment', 'Prod'),
    ],
    'library-set': [],
    project: [ref(['lifecycle'], 'lifecycle', 'Standard'), ref(['librarySets', 0], 'library-set', 'Common')],
    channel: [ref(['tenantTags', 0], 'tag', 'Tier/Gold')],
    process: [
      ref(['steps', 0, 'action', 'packages', 0, 'feed'], 'feed', 'Hub'),
      ref(['steps', 1, 'environments', 0], 'environment', 'Prod'),
    ],
    tenant: [
      ref(['tags', 0], 'tag', 'Tier/Gold'),
      ref(['projects', 0, 'project'], 'project', 'web'),
      ref(['projects', 0, 'environments', 0], 'environment', 'Dev'),
      ref(['projects', 0, 'environments', 1], 'environment', 'Prod'),
    ],
    'ecs-target': [
      ref(['awsAccount'], 'aws-account', 'Prod account'),
      ref(['environments', 0], 'environment', 'Prod'),
      ref(['tenants', 0], 'tenant', 'Acme'),
    ],
    team: [
      ref(['members', 0], 'user', 'alice'),
      ref(['grants', 0, 'projects', 0], 'project', 'web'),
      ref(['grants', 0, 'environments', 0], 'environment', 'Dev'),
    ],
  };
  for (const name of RESOURCE_KIND_NAMES) {
    it(`${name}`, () => {
      const kind = RESOURCE_KINDS[name];
      assert.deepEqual(kind.refs(parsed(name)), expected[name]);
    });
  }

  it('every ref path leads to its value in the parsed document', () => {
    for (const name of RESOURCE_KIND_NAMES) {
      const doc = parsed(name);
      for (const r of RESOURCE_KINDS[name].refs(doc)) {
        let node: unknown = doc;
        for (const key of r.path) node = (node as Record<string | number, unknown>)[key];
        assert.equal(node, r.value, `${name} ${JSON.stringify(r.path)}`);
      }
    }
  });
});

describe('resource kinds: refs() of every reference field', () => {
  const cases: [string, ResourceKindName, Record<string, unknown>, ResourceRef[]][] = [
    [
      'aws-account role: sourceAccount, environments, tenants',
      'aws-account',
      {
        name: 'Deployer',
        mode: 'role',
        roleArn: 'arn:aws:iam::123456789012:role/deployer',
        sourceAccount: 'Prod account',
        environments: ['Dev', 'Prod'],
        tenants: ['Acme'],
      },
      [
        ref(['sourceAccount'], 'aws-account', 'Prod account'),
        ref(['environments', 0], 'environment', 'Dev'),
        ref(['environments', 1], 'environment', 'Prod'),
        ref(['tenants', 0], 'tenant', 'Acme'),
      ],
    ],
    [
      'aws-account ambient: environments',
      'aws-account',
      { name: 'Ambient', mode: 'ambient', environments: ['Dev'] },
      [ref(['environments', 0], 'environment', 'Dev')],
    ],
    [
      'feed ecr: awsAccount',
      'feed',
      { name: 'ECR', type: 'ecr', region: 'us-east-1', awsAccount: 'Prod account' },
      [ref(['awsAccount'], 'aws-account', 'Prod account')],
    ],
    [
      'lifecycle: automatic then manual environments per phase',
      'lifecycle',
      {
        name: 'L',
        phases: [
          { name: 'A', automaticEnvironments: ['Dev', 'Test'], manualEnvironments: ['Staging'] },
          { name: 'B', manualEnvironments: ['Prod'] },
        ],
      },
      [
        ref(['phases', 0, 'automaticEnvironments', 0], 'environment', 'Dev'),
        ref(['phases', 0, 'automaticEnvironments', 1], 'environment', 'Test'),
        ref(['phases', 0, 'manualEnvironments', 0], 'environment', 'Staging'),
        ref(['phases', 1, 'manualEnvironments', 0], 'environment', 'Prod'),
      ],
    ],
    [
      'channel: lifecycle and tenant tags',
      'channel',
      { name: 'C', lifecycle: 'Fast', tenantTags: ['Tier/Gold', 'Region/EU'] },
      [
        ref(['lifecycle'], 'lifecycle', 'Fast'),
        ref(['tenantTags', 0], 'tag', 'Tier/Gold'),
        ref(['tenantTags', 1], 'tag', 'Region/EU'),
      ],
    ],
    [
      'process: step scoping, responsible teams and package feeds',
      'process',
      {
        steps: [
          {
            name: 'Approve',
            environments: ['Prod'],
            excludedEnvironments: ['Dev'],
            channels: ['Beta'],
            tenantTags: ['Tier/Gold'],
            action: {
              type: 'manual-intervention',
              instructions: 'Look',
              responsibleTeams: ['Ops', 'Web deployers'],
              packages: [{ name: 'web', feed: 'Hub', image: 'web' }],
            },
          },
        ],
      },
      [
        ref(['steps', 0, 'environments', 0], 'environment', 'Prod'),
        ref(['steps', 0, 'excludedEnvironments', 0], 'environment', 'Dev'),
        ref(['steps', 0, 'channels', 0], 'channel', 'Beta'),
        ref(['steps', 0, 'tenantTags', 0], 'tag', 'Tier/Gold'),
        ref(['steps', 0, 'action', 'responsibleTeams', 0], 'team', 'Ops'),
        ref(['steps', 0, 'action', 'responsibleTeams', 1], 'team', 'Web deployers'),
        ref(['steps', 0, 'action', 'packages', 0, 'feed'], 'feed', 'Hub'),
      ],
    ],
    [
      'process: ecs-deploy-service package feeds',
      'process',
      EXAMPLE_DEPLOY_SERVICE_PROCESS as Record<string, unknown>,
      [
        ref(['steps', 0, 'action', 'packages', 0, 'feed'], 'feed', 'Hub'),
        ref(['steps', 0, 'action', 'packages', 1, 'feed'], 'feed', 'Hub'),
      ],
    ],
    [
      'ecs-target: tenant tags',
      'ecs-target',
      {
        name: 't',
        region: 'us-east-1',
        cluster: 'c',
        roles: ['web'],
        environments: ['Dev'],
        tenantedParticipation: 'both',
        tenantTags: ['Tier/Gold'],
      },
      [ref(['environments', 0], 'environment', 'Dev'), ref(['tenantTags', 0], 'tag', 'Tier/Gold')],
    ],
    [
      'team: grant tenants',
      'team',
      { name: 'T', grants: [{ role: 'viewer', tenants: ['Acme'] }, { role: 'administrator' }] },
      [ref(['grants', 0, 'tenants', 0], 'tenant', 'Acme')],
    ],
  ];
  for (const [what, name, doc, refs] of cases) {
    it(what, () => assert.deepEqual(RESOURCE_KINDS[name].refs(parsed(name, doc)), refs));
  }
});

describe('resource kinds: metadata', () => {
  it('secret fields', () => {
    const secrets = Object.fromEntries(RESOURCE_KIND_NAMES.map((n) => [n, RESOURCE_KINDS[n].secretFields]));
    assert.deepEqual(secrets, {
      'tag-set': [],
      feed: [['password']],
      'aws-account': [['secretAccessKey']],
      lifecycle: [],
      'library-set': [],
      project: [],
      channel: [],
      process: [],
      tenant: [],
      'ecs-target': [],
      team: [],
    });
  });

  it('secret fields accept the keep ({set}) and config-file ({env}) forms', () => {
    const account = { ...EXAMPLES['aws-account'] };
    for (const secret of [{ set: true }, { env: 'AWS_SECRET' }]) {
      assert.deepEqual(
        parsed('aws-account', { ...account, secretAccessKey: secret }).secretAccessKey,
        secret,
      );
    }
  });

  it('list filters', () => {
    assert.deepEqual(RESOURCE_KINDS.project.listFilters?.lifecycle?.('Lifecycles-1'), {
      lifecycle: 'Lifecycles-1',
    });
    assert.deepEqual(RESOURCE_KINDS.tenant.listFilters?.tag?.('Tier/Gold'), { tags: ['Tier/Gold'] });
    assert.deepEqual(RESOURCE_KINDS.tenant.listFilters?.project?.('Projects-1'), {
      projects: [{ project: 'Projects-1' }],
    });
    assert.deepEqual(RESOURCE_KINDS['ecs-target'].listFilters?.role?.('web'), { roles: ['web'] });
    assert.deepEqual(RESOURCE_KINDS['ecs-target'].listFilters?.environment?.('Environments-1'), {
      environments: ['Environments-1'],
    });
  });

  for (const name of RESOURCE_KIND_NAMES) {
    it(`${name}: z.toJSONSchema succeeds for config files`, () => {
      const schema = z.toJSONSchema(RESOURCE_KINDS[name].schema, { io: 'input', unrepresentable: 'any' });
      assert.equal(typeof schema, 'object');
      assert.ok(JSON.stringify(schema).length > 20);
    });
  }

  it('the JSON Schema of a process describes the action types', () => {
    const text = JSON.stringify(
      z.toJSONSchema(RESOURCE_KINDS.process.schema, { io: 'input', unrepresentable: 'any' }),
    );
    for (const type of ['ecs-update-service', 'ecs-deploy-service', 'run-script', 'manual-intervention']) {
      assert.ok(text.includes(`"${type}"`), type);
    }
  });

  it('the process document has no name (the store names it)', () => {
    const message = (() => {
      try {
        parsed('process', { name: 'x', steps: [] });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    assert.match(message, /unknown field "name"/);
  });
});
