import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatedName } from './common.js';
import { EMULATED_TYPES, isKnownResourceType, providerFor, unemulatedTypeMessage } from './index.js';
import { changedProperties, toApiInput } from './props.js';

describe('resource types', () => {
  it('has a provider for each emulated type, and none for others', () => {
    assert.deepEqual(EMULATED_TYPES, [
      'AWS::ECS::TaskDefinition',
      'AWS::ECS::Service',
      'AWS::ECS::Cluster',
      'AWS::IAM::Role',
      'AWS::Logs::LogGroup',
    ]);
    for (const type of EMULATED_TYPES) assert.equal(providerFor(type)?.type, type);
    assert.equal(providerFor('AWS::S3::Bucket'), undefined);
    assert.equal(providerFor('AWS::IAM::Role')?.iam, true);
    assert.equal(
      providerFor('AWS::ECS::TaskDefinition')?.nameProperty,
      undefined,
      'a new revision keeps the family',
    );
  });

  it('knows the types AWS has, custom resources included, and nothing else', () => {
    const known: [string, boolean][] = [
      ['AWS::S3::Bucket', true],
      ['AWS::ElasticLoadBalancingV2::TargetGroup', true],
      ['AWS::CloudFormation::CustomResource', true],
      ['Alexa::ASK::Skill', true],
      ['Custom::DatabaseSeed', true],
      ['AWS::S3::Buckett', false],
      ['AWS::Serverless::Function', false],
      ['Custom::', false],
      ['MyCompany::Thing::Widget', false],
    ];
    for (const [type, expected] of known) assert.equal(isKnownResourceType(type), expected, type);
  });

  it('names an unemulated type and says what to do', () => {
    const m = unemulatedTypeMessage('AWS::S3::Bucket');
    assert.match(m, /^The sandbox does not emulate resources of type AWS::S3::Bucket; /);
    assert.match(m, /real AWS account\.$/);
  });
});

describe('property conversion', () => {
  it('camelCases names, keeps user maps, coerces numbers and booleans given as strings', () => {
    const api = toApiInput({
      Family: 'web',
      Cpu: 256,
      Memory: '512',
      ContainerDefinitions: [
        {
          Name: 'web',
          Memory: '256',
          Cpu: '128',
          Essential: 'True',
          PortMappings: [{ ContainerPort: '80' }],
          DockerLabels: { Team: 'Core', Port: 80 },
          Environment: [{ Name: 'PORT', Value: 80 }],
          LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': '/ecs/web' } },
          HealthCheck: { Command: ['CMD', 'true'], Interval: '10', Retries: '3' },
        },
      ],
      Volumes: [
        {
          Name: 'data',
          EFSVolumeConfiguration: { FilesystemId: 'fs-1', AuthorizationConfig: { IAM: 'ENABLED' } },
        },
      ],
      ProxyConfiguration: {
        ContainerName: 'envoy',
        ProxyConfigurationProperties: [{ Name: 'AppPorts', Value: '80' }],
      },
    });
    assert.deepEqual(api, {
      family: 'web',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'web',
          memory: 256,
          cpu: 128,
          essential: true,
          portMappings: [{ containerPort: 80 }],
          dockerLabels: { Team: 'Core', Port: '80' },
          environment: [{ name: 'PORT', value: '80' }],
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web' } },
          healthCheck: { command: ['CMD', 'true'], interval: 10, retries: 3 },
        },
      ],
      volumes: [
        {
          name: 'data',
          efsVolumeConfiguration: { fileSystemId: 'fs-1', authorizationConfig: { iam: 'ENABLED' } },
        },
      ],
      proxyConfiguration: { containerName: 'envoy', properties: [{ name: 'AppPorts', value: '80' }] },
    });
    assert.deepEqual(
      toApiInput({
        DesiredCount: '2',
        EnableECSManagedTags: 'false',
        PlacementStrategies: [{ Type: 'spread', Field: 'attribute:ecs.availability-zone' }],
        LoadBalancers: [{ ContainerName: 'web', ContainerPort: '80', TargetGroupArn: 'tg' }],
        DesiredCountText: 'abc',
      }),
      {
        desiredCount: 2,
        enableECSManagedTags: false,
        placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
        loadBalancers: [{ containerName: 'web', containerPort: 80, targetGroupArn: 'tg' }],
        desiredCountText: 'abc',
      },
    );
  });

  it('lists changed properties, whatever the key order', () => {
    assert.deepEqual(
      changedProperties({ A: { x: 1, y: 2 }, B: 1, C: [1] }, { A: { y: 2, x: 1 }, B: 2, D: 'new' }),
      ['B', 'C', 'D'],
    );
  });
});

describe('generated names', () => {
  it('is <stack>-<LogicalId>-<13 random>, cut to the maximum length', () => {
    assert.match(generatedName('cf-ecs-web', 'ServiceWeb', 255), /^cf-ecs-web-ServiceWeb-[A-Z0-9]{13}$/);
    const long = generatedName(
      'cf-ecs-testCluster-servicetestOctopusSpfdeployedTask-environments1-untenanted',
      'TaskExecutionRoletestOctopusSpfdeployedTask',
      64,
    );
    assert.equal(long.length, 64);
    assert.match(long, /^cf-ecs-testCl[\w-]*-TaskExecutionRole[\w]*-[A-Z0-9]{13}$/);
  });
});
