import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { startSandbox, type SandboxHandle } from '../../index.js';
import { drive, testStack, type TestStack } from '../../../../test/kits/cfn-providers.js';
import { providerFor } from './index.js';

let sb: SandboxHandle;
let ecs: ECSClient;
let stack: TestStack;

const cluster = providerFor('AWS::ECS::Cluster')!;
const role = providerFor('AWS::IAM::Role')!;
const taskDefinition = providerFor('AWS::ECS::TaskDefinition')!;
const service = providerFor('AWS::ECS::Service')!;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const NETWORK = { AwsvpcConfiguration: { Subnets: ['subnet-0a1b2c3d'], AssignPublicIp: 'ENABLED' } };

/** A Fargate task definition's properties, as the Octopus template writes them (strings from Refs). */
function taskProps(image: string, family: string, executionRole?: string): Record<string, unknown> {
  return {
    Family: family,
    Cpu: '256',
    Memory: '512',
    NetworkMode: 'awsvpc',
    RequiresCompatibilities: ['FARGATE'],
    ...(executionRole !== undefined ? { ExecutionRoleArn: executionRole } : {}),
    ContainerDefinitions: [
      {
        Name: 'web',
        Image: image,
        Essential: 'true',
        PortMappings: [{ ContainerPort: '80', HostPort: '80', Protocol: 'tcp' }],
      },
    ],
  };
}

function registerTask(image: string, family: string, executionRole?: string): string {
  const r = drive(sb, taskDefinition, stack, {
    action: 'create',
    logicalId: 'TaskDefinitionWeb',
    properties: taskProps(image, family, executionRole),
  });
  assert.equal(r.last.status, 'SUCCESS', r.last.message);
  return r.last.physicalId!;
}

function serviceProps(td: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Cluster: 'cfn',
    LaunchType: 'FARGATE',
    TaskDefinition: td,
    DesiredCount: '2',
    DeploymentConfiguration: { MinimumHealthyPercent: '100', MaximumPercent: '200' },
    NetworkConfiguration: NETWORK,
    ...more,
  };
}

before(async () => {
  sb = await startSandbox({ port: 0, timeScale: 50, throttling: false });
  ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  stack = testStack(sb, 'cf-ecs-web');
  const c = drive(sb, cluster, stack, {
    action: 'create',
    logicalId: 'Cluster',
    properties: { ClusterName: 'cfn' },
  });
  assert.equal(c.last.status, 'SUCCESS', c.last.message);
});
after(async () => {
  ecs.destroy();
  await sb.close();
});

describe('AWS::ECS::Service', () => {
  it('creates a service that runs tasks of the image, with an in-stack role name as execution role', async () => {
    const r = drive(sb, role, stack, {
      action: 'create',
      logicalId: 'TaskExecutionRoleWeb',
      properties: {
        Path: '/',
        ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'],
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: ['ecs-tasks.amazonaws.com'] },
              Action: ['sts:AssumeRole'],
            },
          ],
        },
      },
    });
    assert.equal(r.last.status, 'SUCCESS', r.last.message);
    const roleName = r.last.physicalId!;
    const tdArn = registerTask('nginx:1.27', 'web', roleName);
    const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: tdArn }));
    assert.equal(td.taskDefinition?.executionRoleArn, `arn:aws:iam::${sb.accountId}:role/${roleName}`);
    assert.equal(td.taskDefinition?.containerDefinitions?.[0]?.portMappings?.[0]?.containerPort, 80);

    const s = drive(sb, service, stack, {
      action: 'create',
      logicalId: 'ServiceWeb',
      properties: serviceProps(tdArn),
    });
    assert.equal(s.last.status, 'SUCCESS', s.last.message);
    const arn = s.last.physicalId!;
    assert.match(
      arn,
      new RegExp(`^arn:aws:ecs:${sb.region}:${sb.accountId}:service/cfn/cf-ecs-web-ServiceWeb-[A-Z0-9]{13}$`),
    );
    assert.deepEqual(s.last.attributes, { ServiceArn: arn, Name: arn.split('/').pop() });
    assert.ok(s.events.length > 2, 'the handler waited for the deployment');
    assert.equal(s.events[0]!.status, 'IN_PROGRESS');
    assert.equal(s.events[0]!.physicalId, arn, 'the physical id is known as soon as the service exists');

    const d = await ecs.send(new DescribeServicesCommand({ cluster: 'cfn', services: [arn] }));
    const svc = d.services![0]!;
    assert.equal(svc.runningCount, 2);
    assert.equal(svc.deployments?.length, 1);
    assert.equal(svc.deployments?.[0]?.rolloutState, 'COMPLETED');
    const list = await ecs.send(new ListTasksCommand({ cluster: 'cfn', serviceName: svc.serviceName }));
    assert.equal(list.taskArns?.length, 2);
    const tasks = await ecs.send(new DescribeTasksCommand({ cluster: 'cfn', tasks: list.taskArns }));
    for (const t of tasks.tasks ?? []) {
      assert.equal(t.lastStatus, 'RUNNING');
      assert.equal(t.containers?.[0]?.image, 'nginx:1.27');
    }
  });

  it('replaces a task definition with a new revision, rolls the service to it and deletes the old one', async () => {
    const v1 = registerTask('nginx:1.27', 'roll');
    const props1 = serviceProps(v1, { ServiceName: 'roll', DesiredCount: 1 });
    const s = drive(sb, service, stack, { action: 'create', logicalId: 'ServiceRoll', properties: props1 });
    assert.equal(s.last.status, 'SUCCESS', s.last.message);
    const arn = s.last.physicalId!;

    const v2 = registerTask('nginx:1.28', 'roll');
    assert.equal(v1.replace(/:1$/, ':2'), v2, 'the replacement is the next revision of the family');
    const props2 = { ...props1, TaskDefinition: v2 };
    const u = drive(sb, service, stack, {
      action: 'update',
      logicalId: 'ServiceRoll',
      properties: props2,
      previousProperties: props1,
      physicalId: arn,
    });
    assert.equal(u.last.status, 'SUCCESS', u.last.message);
    const d = await ecs.send(new DescribeServicesCommand({ cluster: 'cfn', services: [arn] }));
    assert.equal(d.services?.[0]?.taskDefinition, v2);
    assert.deepEqual(
      d.services?.[0]?.deployments?.map((x) => [x.taskDefinition, x.rolloutState, x.runningCount]),
      [[v2, 'COMPLETED', 1]],
    );

    const old = drive(sb, taskDefinition, stack, {
      action: 'delete',
      logicalId: 'TaskDefinitionWeb',
      properties: {},
      physicalId: v1,
    });
    assert.equal(old.last.status, 'SUCCESS', old.last.message);
    const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: v1 }));
    assert.equal(td.taskDefinition?.status, 'INACTIVE');

    // Delete: scale to zero, wait for the tasks, delete, wait until INACTIVE.
    const del = drive(sb, service, stack, {
      action: 'delete',
      logicalId: 'ServiceRoll',
      properties: props2,
      physicalId: arn,
    });
    assert.equal(del.last.status, 'SUCCESS', del.last.message);
    assert.deepEqual(
      del.events.map((e) => e.context?.step ?? e.status),
      [...new Set(del.events.map((e) => e.context?.step ?? e.status))],
      'the steps come in order',
    );
    const gone = await ecs.send(new DescribeServicesCommand({ cluster: 'cfn', services: [arn] }));
    assert.equal(gone.services?.[0]?.status, 'INACTIVE');
    assert.equal(gone.services?.[0]?.runningCount, 0);
    const left = await ecs.send(new ListTasksCommand({ cluster: 'cfn', serviceName: 'roll' }));
    assert.deepEqual(left.taskArns, []);
    const again = drive(sb, service, stack, {
      action: 'delete',
      logicalId: 'ServiceRoll',
      properties: props2,
      physicalId: arn,
    });
    assert.equal(again.last.status, 'SUCCESS', 'deleting a deleted service succeeds');
  });

  it('fails with the circuit breaker message when the image crashes and the breaker is on', () => {
    sb.runtime.world.settings.imageFaults.push({ image: 'crash:1', crashExitCode: 1, crashAfterSeconds: 2 });
    const td = registerTask('crash:1', 'crash');
    const props = serviceProps(td, {
      DesiredCount: 1,
      DeploymentConfiguration: {
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: 'true', Rollback: 'true' },
      },
    });
    const s = drive(sb, service, stack, { action: 'create', logicalId: 'ServiceCrash', properties: props });
    assert.equal(s.last.status, 'FAILED');
    assert.equal(s.last.errorCode, 'GeneralServiceException');
    assert.match(
      s.last.message ?? '',
      new RegExp(
        `^Resource handler returned message: "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'\\." \\(RequestToken: ${UUID}, HandlerErrorCode: GeneralServiceException\\)$`,
      ),
    );
    assert.match(s.last.physicalId ?? '', /service\/cfn\/cf-ecs-web-ServiceCrash-/);
  });

  it('fails with "Resource timed out waiting for completion" when a crashing service never stabilises', () => {
    sb.runtime.world.settings.imageFaults.push({ image: 'crash:2', crashExitCode: 1, crashAfterSeconds: 2 });
    const td = registerTask('crash:2', 'crash2');
    const s = drive(sb, service, stack, {
      action: 'create',
      logicalId: 'ServiceLoop',
      properties: serviceProps(td, { DesiredCount: 1 }),
      timeoutAt: sb.runtime.now() + 300_000,
    });
    assert.equal(s.last.status, 'FAILED');
    assert.equal(s.last.message, 'Resource timed out waiting for completion');
  });

  it('wraps ECS errors as InvalidRequest with the operation and the ECS message', () => {
    const td = registerTask('nginx:1.27', 'nocluster');
    const s = drive(sb, service, stack, {
      action: 'create',
      logicalId: 'ServiceNoCluster',
      properties: serviceProps(td, { Cluster: 'missing' }),
    });
    assert.equal(s.last.status, 'FAILED');
    assert.equal(s.last.errorCode, 'InvalidRequest');
    assert.match(
      s.last.message ?? '',
      new RegExp(
        `^Resource handler returned message: "Invalid request provided: CreateService error: Cluster not found\\. \\(Service: Ecs, Status Code: 400, Request ID: ${UUID}\\) \\(SDK Attempt Count: 1\\)" \\(RequestToken: ${UUID}, HandlerErrorCode: InvalidRequest\\)$`,
      ),
    );
  });

  it('updates the desired count and the circuit breaker in place', async () => {
    const td = registerTask('nginx:1.27', 'scale');
    const props1 = serviceProps(td, { DesiredCount: 1 });
    const s = drive(sb, service, stack, { action: 'create', logicalId: 'ServiceScale', properties: props1 });
    assert.equal(s.last.status, 'SUCCESS', s.last.message);
    const props2 = {
      ...props1,
      DesiredCount: '3',
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: false } },
      Tags: [{ Key: 'team', Value: 'web' }],
    };
    const u = drive(sb, service, stack, {
      action: 'update',
      logicalId: 'ServiceScale',
      properties: props2,
      previousProperties: props1,
      physicalId: s.last.physicalId!,
    });
    assert.equal(u.last.status, 'SUCCESS', u.last.message);
    const d = await ecs.send(
      new DescribeServicesCommand({ cluster: 'cfn', services: [s.last.physicalId!], include: ['TAGS'] }),
    );
    const svc = d.services![0]!;
    assert.equal(svc.runningCount, 3);
    assert.deepEqual(svc.deploymentConfiguration?.deploymentCircuitBreaker, {
      enable: true,
      rollback: false,
    });
    assert.deepEqual(svc.tags, [{ key: 'team', value: 'web' }]);
  });
});
