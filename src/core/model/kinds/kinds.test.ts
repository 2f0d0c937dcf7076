import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInput } from '../parse.js';
import { RESOURCE_KIND_NAMES, type ResourceKindName } from '../resource.js';
import { EXAMPLE_DEPLOY_SERVICE_PROCESS } from '../../../../test/kits/model-deploy-service.js';
import { EXAMPLE_ORDER, EXAMPLES } from '../../../../test/kits/model-examples.js';
import { RESOURCE_KINDS } from './index.js';

function parsed(name: ResourceKindName, doc: unknown = EXAMPLES[name]): Record<string, unknown> {
  return parseInput(RESOURCE_KINDS[name].schema, doc, name) as Record<string, unknown>;
}

describe('resource kinds: the examples', () => {
  for (const name of RESOURCE_KIND_NAMES) {
    it(`${name}: the example parses, and its output parses again to itself`, () => {
      const once = parsed(name);
      assert.deepEqual(parsed(name, once), once);
    });
  }

  it('every kind has an example, in an order where references point backwards', () => {
    assert.deepEqual([...EXAMPLE_ORDER].sort(), [...RESOURCE_KIND_NAMES].sort());
  });

  it('the full ecs-deploy-service process parses and re-parses to itself', () => {
    const once = parsed('process', EXAMPLE_DEPLOY_SERVICE_PROCESS);
    assert.deepEqual(parsed('process', once), once);
  });
});

describe('resource kinds: defaults', () => {
  const cases: [ResourceKindName, Record<string, unknown>][] = [
    [
      'tag-set',
      {
        name: 'Tier',
        description: '',
        tags: [
          { name: 'Gold', color: '#ffd700', description: '' },
          { name: 'Silver', color: '#333333', description: '' },
        ],
      },
    ],
    [
      'feed',
      {
        name: 'Hub',
        description: '',
        type: 'docker',
        url: 'http://127.0.0.1:5000',
        username: 'ci',
        password: 'hunter2-feed',
      },
    ],
    [
      'aws-account',
      {
        name: 'Prod account',
        description: '',
        mode: 'keys',
        accessKeyId: 'AKIAEXAMPLE000000001',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        region: 'us-east-1',
        environments: [],
        tenants: [],
      },
    ],
    [
      'lifecycle',
      {
        name: 'Standard',
        description: '',
        phases: [
          {
            name: 'Development',
            automaticEnvironments: ['Dev'],
            manualEnvironments: [],
            minimumEnvironmentsBeforePromotion: 0,
            optional: false,
          },
          {
            name: 'Production',
            automaticEnvironments: [],
            manualEnvironments: ['Prod'],
            minimumEnvironmentsBeforePromotion: 0,
            optional: false,
          },
        ],
        retention: { keep: 'all' },
      },
    ],
    [
      'library-set',
      {
        name: 'Common',
        description: '',
        templates: [{ name: 'Region', label: 'AWS region', type: 'text', defaultValue: 'us-east-1' }],
      },
    ],
    [
      'project',
      {
        name: 'web',
        description: '',
        group: 'Default',
        lifecycle: 'Standard',
        tenantedMode: 'both',
        librarySets: ['Common'],
        versionTemplate:
          '#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}',
        guidedFailure: false,
        templates: [
          { name: 'Colour', label: 'Colour of the page', type: 'text' },
          { name: 'ApiToken', type: 'sensitive' },
        ],
        disabled: false,
      },
    ],
    [
      'channel',
      {
        name: 'Beta',
        description: '',
        isDefault: false,
        rules: [
          { packages: [{ step: 'Deploy', package: 'web' }], versionRange: '[2.0,3.0)', preReleaseTag: '.*' },
        ],
        tenantTags: ['Tier/Gold'],
      },
    ],
    [
      'tenant',
      {
        name: 'Acme',
        description: '',
        tags: ['Tier/Gold'],
        projects: [{ project: 'web', environments: ['Dev', 'Prod'] }],
      },
    ],
    [
      'ecs-target',
      {
        name: 'acme-prod',
        description: '',
        awsAccount: 'Prod account',
        region: 'us-east-1',
        cluster: 'acme',
        roles: ['web'],
        environments: ['Prod'],
        tenantedParticipation: 'tenanted',
        tenants: ['Acme'],
        tenantTags: [],
      },
    ],
    [
      'team',
      {
        name: 'Web deployers',
        description: '',
        members: ['alice'],
        grants: [{ role: 'deployer', projects: ['web'], environments: ['Dev'], tenants: [] }],
      },
    ],
  ];
  for (const [name, expected] of cases) {
    it(`${name}: fills the defaults`, () => assert.deepEqual(parsed(name), expected));
  }

  it('process: fills step and action defaults', () => {
    const steps = parsed('process').steps as Record<string, unknown>[];
    const stepDefaults = {
      condition: 'success',
      startTrigger: 'after-previous',
      environments: [],
      excludedEnvironments: [],
      channels: [],
      tenantTags: [],
      disabled: false,
      required: false,
    };
    assert.deepEqual(steps[0], {
      ...stepDefaults,
      name: 'Deploy',
      roles: ['web'],
      action: {
        type: 'ecs-update-service',
        service: 'web-#{Octopus.Environment.Name}',
        containers: [
          {
            name: 'web',
            image: 'web',
            environment: [{ name: 'COLOUR', value: '#{Colour}' }],
            environmentMode: 'append',
            environmentFiles: [],
          },
        ],
        waitForDeployment: true,
        timeoutMinutes: 30,
        forceNewDeployment: false,
        tags: [],
        pauseResponsibleTeams: [],
        stopEcsDeploymentOnCancel: false,
        packages: [{ name: 'web', feed: 'Hub', image: 'hello-color' }],
      },
    });
    assert.deepEqual(steps[1], {
      ...stepDefaults,
      name: 'Approve',
      roles: [],
      environments: ['Prod'],
      action: {
        type: 'manual-intervention',
        instructions: 'Check the Dev site first.',
        responsibleTeams: [],
        packages: [],
      },
    });
    assert.deepEqual(steps[2], {
      ...stepDefaults,
      name: 'Smoke test',
      condition: 'always',
      roles: [],
      action: {
        type: 'run-script',
        syntax: 'bash',
        script: 'echo "#{Octopus.Action[Deploy].Output.Revision}"',
        packages: [],
      },
    });
  });

  it('process: fills ecs-deploy-service defaults', () => {
    const doc = {
      steps: [
        {
          name: 'Deploy',
          roles: ['web'],
          action: {
            type: 'ecs-deploy-service',
            service: 'web',
            taskFamily: 'web',
            cpu: 256,
            memory: 512,
            subnets: ['subnet-0123abcd'],
            containers: [{ name: 'web', image: 'web' }],
            packages: [{ name: 'web', feed: 'Hub', image: 'web' }],
          },
        },
      ],
    };
    const steps = parsed('process', doc).steps as { action: unknown }[];
    assert.deepEqual(steps[0]?.action, {
      type: 'ecs-deploy-service',
      service: 'web',
      taskFamily: 'web',
      cpu: 256,
      memory: 512,
      networkMode: 'awsvpc',
      subnets: ['subnet-0123abcd'],
      securityGroups: [],
      assignPublicIp: false,
      enableEcsManagedTags: true,
      tags: [],
      containers: [
        {
          name: 'web',
          image: 'web',
          essential: true,
          portMappings: [],
          environment: [],
          secrets: [],
          environmentFiles: [],
          command: [],
          entryPoint: [],
          logging: { type: 'auto' },
          dockerLabels: {},
          dependsOn: [],
          ulimits: [],
          mountPoints: [],
          volumesFrom: [],
        },
      ],
      desiredCount: 1,
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      loadBalancers: [],
      volumes: [],
      wait: { mode: 'wait', timeoutMinutes: 30 },
      circuitBreaker: true,
      packages: [{ name: 'web', feed: 'Hub', image: 'web' }],
    });
  });

  it('process: health check and port mapping defaults', () => {
    const steps = parsed('process', EXAMPLE_DEPLOY_SERVICE_PROCESS).steps as {
      action: { containers: { healthCheck?: unknown; portMappings: unknown }[] };
    }[];
    const web = steps[0]?.action.containers[0];
    assert.deepEqual(web?.healthCheck, {
      command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'],
      interval: 30,
      timeout: 5,
      retries: 5,
      startPeriod: 0,
    });
    assert.deepEqual(web?.portMappings, [
      { containerPort: 8080, protocol: 'tcp' },
      { containerPort: 9090, protocol: 'udp' },
    ]);
  });

  it('aws-account "role": session duration defaults to 3600', () => {
    const doc = parsed('aws-account', {
      name: 'Deployer',
      mode: 'role',
      roleArn: 'arn:aws:iam::123456789012:role/deployer',
    });
    assert.equal(doc.sessionDurationSeconds, 3600);
  });

  it('ecs-target: assumeRole session duration defaults to 3600, participation to untenanted', () => {
    const doc = parsed('ecs-target', {
      name: 't',
      region: 'eu-west-1',
      cluster: 'main',
      roles: ['web'],
      environments: ['Dev'],
      assumeRole: { roleArn: 'arn:aws:iam::123456789012:role/deployer' },
    });
    assert.deepEqual(doc.assumeRole, {
      roleArn: 'arn:aws:iam::123456789012:role/deployer',
      sessionDurationSeconds: 3600,
    });
    assert.equal(doc.tenantedParticipation, 'untenanted');
  });
});
