/** Fixtures shared by this module's tests (not used by the product). */
import { SlipwayError } from '../../src/core/errors.js';
import { deepFreeze } from '../../src/core/taskdef/json.js';
import type { TaskDefinitionJson } from '../../src/core/taskdef/types.js';

export const SHA = 'sha256:' + 'ab'.repeat(32);
export const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

/** A DescribeTaskDefinition `taskDefinition` as ECS returns it: read-only fields, filled defaults, newer fields. Deep-frozen. */
export function described(): TaskDefinitionJson {
  return deepFreeze({
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7',
    family: 'web',
    revision: 7,
    status: 'ACTIVE',
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    compatibilities: ['EC2', 'FARGATE'],
    registeredAt: '2025-01-02T03:04:05.000Z',
    registeredBy: 'arn:aws:iam::123456789012:user/ci',
    deregisteredAt: '2025-02-02T03:04:05.000Z',
    taskRoleArn: 'arn:aws:iam::123456789012:role/web',
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    pidMode: 'task',
    ipcMode: 'none',
    ephemeralStorage: { sizeInGiB: 30 },
    runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
    proxyConfiguration: {
      type: 'APPMESH',
      containerName: 'envoy',
      properties: [{ name: 'IgnoredUID', value: '1337' }],
    },
    enableFaultInjection: false,
    volumes: [],
    placementConstraints: [],
    containerDefinitions: [
      {
        name: 'web',
        image: `${ECR}/team/web:1.1`,
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        environment: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'PORT', value: '8080' },
        ],
        secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/db' }],
        mountPoints: [],
        volumesFrom: [],
        systemControls: [],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'eu-west-1' },
          secretOptions: [],
        },
      },
      {
        name: 'envoy',
        image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29',
        essential: false,
        environment: [],
        user: '1337',
      },
    ],
  });
}

/** The container of `td` named `name`; throws when there is none. */
export function container(td: TaskDefinitionJson, name: string): Record<string, unknown> {
  const list = td['containerDefinitions'] as Record<string, unknown>[];
  const found = list.find((c) => c['name'] === name);
  if (found === undefined) throw new Error(`no container ${name}`);
  return found;
}

/** An assert.throws validator: a SlipwayError with this code. */
export function code(expected: string): (e: unknown) => boolean {
  return (e: unknown) => {
    if (e instanceof SlipwayError && e.code === expected) return true;
    throw new Error(`expected a SlipwayError ${expected}, got ${String(e)}`);
  };
}
