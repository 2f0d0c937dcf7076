import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import type { SandboxHandle } from '../index.js';
import { addContainerInstances } from './admin.js';
import { failure, startEcsEnv, type EcsTestEnv } from '../../../test/kits/sandbox-ecs-setup.js';

let env: EcsTestEnv;
let sb: SandboxHandle;
let ecs: ECSClient;
const cluster = 'svc-tests';
const awsvpc = { awsvpcConfiguration: { subnets: ['subnet-0abc'], securityGroups: ['sg-0abc'] } };

before(async () => {
  env = await startEcsEnv();
  ({ sb, ecs } = env);
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  addContainerInstances(sb.runtime, env.account, sb.region, cluster, { count: 3 });
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: [
        { name: 'app', image: 'nginx', memory: 128, portMappings: [{ containerPort: 80, hostPort: 0 }] },
      ],
    }),
  );
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'fg',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'nginx', portMappings: [{ containerPort: 80 }] }],
    }),
  );
});
after(() => env.close());

describe('CreateService', () => {
  it('creates a service with a PRIMARY deployment and ECS defaults', async () => {
    const { service } = await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'api',
        taskDefinition: 'web',
        desiredCount: 2,
        tags: [{ key: 'a', value: 'b' }],
      }),
    );
    assert.equal(service?.serviceArn, `arn:aws:ecs:${sb.region}:${sb.accountId}:service/${cluster}/api`);
    assert.equal(service?.status, 'ACTIVE');
    assert.equal(service?.launchType, 'EC2');
    assert.equal(service?.taskDefinition, `arn:aws:ecs:${sb.region}:${sb.accountId}:task-definition/web:1`);
    assert.equal(service?.deploymentConfiguration?.minimumHealthyPercent, 100);
    assert.equal(service?.deploymentConfiguration?.maximumPercent, 200);
    assert.equal(service?.deployments?.length, 1);
    const d = service?.deployments?.[0];
    assert.equal(d?.status, 'PRIMARY');
    assert.match(d?.id ?? '', /^ecs-svc\/\d{19}$/);
    assert.equal(d?.rolloutState, 'IN_PROGRESS');
    assert.deepEqual(service?.tags, [{ key: 'a', value: 'b' }]);

    const again = await failure(
      ecs.send(new CreateServiceCommand({ cluster, serviceName: 'api', taskDefinition: 'web' })),
    );
    assert.equal(again.name, 'InvalidParameterException');
    assert.equal(again.message, 'Creation of service was not idempotent.');
  });

  it('honours clientToken idempotency', async () => {
    const input = { cluster, serviceName: 'tok', taskDefinition: 'web', desiredCount: 0, clientToken: 't-1' };
    const a = await ecs.send(new CreateServiceCommand(input));
    const b = await ecs.send(new CreateServiceCommand(input));
    assert.equal(a.service?.serviceArn, b.service?.serviceArn);
    assert.equal(b.service?.deployments?.length, 1);
    const c = await failure(ecs.send(new CreateServiceCommand({ ...input, desiredCount: 1 })));
    assert.equal(c.name, 'InvalidParameterException');
  });

  it('validates its input', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        { cluster: 'nope', serviceName: 's', taskDefinition: 'web' },
        'ClusterNotFoundException',
        /Cluster not found/,
      ],
      [
        { cluster, serviceName: 's', taskDefinition: 'missing' },
        'InvalidParameterException',
        /TaskDefinition not found/,
      ],
      [{ cluster, serviceName: 's' }, 'InvalidParameterException', /TaskDefinition/],
      [
        { cluster, serviceName: 's', taskDefinition: 'web', desiredCount: -1 },
        'InvalidParameterException',
        /Desired count/,
      ],
      [
        { cluster, serviceName: 's', taskDefinition: 'web', launchType: 'FARGATE' },
        'InvalidParameterException',
        /does not support launch_type FARGATE/,
      ],
      [
        { cluster, serviceName: 's', taskDefinition: 'fg', launchType: 'FARGATE' },
        'InvalidParameterException',
        /Network Configuration must be provided/,
      ],
      [
        {
          cluster,
          serviceName: 's',
          taskDefinition: 'fg',
          launchType: 'FARGATE',
          networkConfiguration: { awsvpcConfiguration: { subnets: [] } },
        },
        'InvalidParameterException',
        /subnets can not be empty/,
      ],
      [
        {
          cluster,
          serviceName: 's',
          taskDefinition: 'web',
          deploymentConfiguration: { minimumHealthyPercent: 150 },
        },
        'InvalidParameterException',
        /minimumHealthyPercent/,
      ],
      [
        { cluster, serviceName: 's', taskDefinition: 'web', healthCheckGracePeriodSeconds: 30 },
        'InvalidParameterException',
        /load balancers/,
      ],
      [
        {
          cluster,
          serviceName: 's',
          taskDefinition: 'web',
          loadBalancers: [{ targetGroupArn: 'arn:tg', containerName: 'nope', containerPort: 80 }],
        },
        'InvalidParameterException',
        /container nope does not exist/,
      ],
      [
        {
          cluster,
          serviceName: 's',
          taskDefinition: 'web',
          launchType: 'EC2',
          capacityProviderStrategy: [{ capacityProvider: 'x' }],
        },
        'InvalidParameterException',
        /both a launch type and capacity provider strategy/,
      ],
    ];
    for (const [input, name, message] of cases) {
      const err = await failure(ecs.send(new CreateServiceCommand(input as never)));
      assert.equal(err.name, name, JSON.stringify(input));
      assert.match(err.message, message, JSON.stringify(input));
    }
  });

  it('creates Fargate services in awsvpc with their network configuration on the deployment', async () => {
    const { service } = await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'fargate',
        taskDefinition: 'fg',
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: awsvpc,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    assert.equal(service?.launchType, 'FARGATE');
    assert.equal(service?.platformVersion, 'LATEST');
    assert.deepEqual(service?.networkConfiguration, awsvpc);
    assert.deepEqual(service?.deployments?.[0]?.networkConfiguration, awsvpc);
    assert.deepEqual(service?.deploymentConfiguration?.deploymentCircuitBreaker, {
      enable: true,
      rollback: true,
    });
  });
});

describe('UpdateService / DescribeServices / ListServices / DeleteService', () => {
  it('starts a new deployment only when the task definition changes or one is forced', async () => {
    await ecs.send(
      new CreateServiceCommand({ cluster, serviceName: 'upd', taskDefinition: 'web:1', desiredCount: 1 }),
    );
    const same = await ecs.send(new UpdateServiceCommand({ cluster, service: 'upd', desiredCount: 3 }));
    assert.equal(same.service?.deployments?.length, 1);
    assert.equal(same.service?.desiredCount, 3);

    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'nginx:2', memory: 128 }],
      }),
    );
    const next = await ecs.send(
      new UpdateServiceCommand({
        cluster,
        service: 'upd',
        taskDefinition: 'web',
        deploymentConfiguration: { maximumPercent: 150 },
      }),
    );
    const deployments = next.service?.deployments ?? [];
    assert.equal(deployments[0]?.status, 'PRIMARY');
    assert.match(deployments[0]?.taskDefinition ?? '', /web:2$/);
    assert.ok(deployments.slice(1).every((d) => d.status === 'ACTIVE'));
    assert.equal(next.service?.deploymentConfiguration?.maximumPercent, 150);
    assert.equal(next.service?.deploymentConfiguration?.minimumHealthyPercent, 100);

    const forced = await ecs.send(
      new UpdateServiceCommand({ cluster, service: 'upd', forceNewDeployment: true }),
    );
    assert.notEqual(forced.service?.deployments?.[0]?.id, deployments[0]?.id);

    const missing = await failure(ecs.send(new UpdateServiceCommand({ cluster, service: 'ghost' })));
    assert.equal(missing.name, 'ServiceNotFoundException');
    assert.equal(missing.message, 'Service not found.');
    const badTd = await failure(
      ecs.send(new UpdateServiceCommand({ cluster, service: 'upd', taskDefinition: 'nope' })),
    );
    assert.equal(badTd.name, 'InvalidParameterException');
  });

  it('describes up to 10 services by name or ARN with MISSING failures and TAGS', async () => {
    const arn = `arn:aws:ecs:${sb.region}:${sb.accountId}:service/${cluster}/api`;
    const r = await ecs.send(
      new DescribeServicesCommand({ cluster, services: ['api', arn, 'ghost'], include: ['TAGS'] }),
    );
    assert.equal(r.services?.length, 2);
    assert.deepEqual(r.services?.[0]?.tags, [{ key: 'a', value: 'b' }]);
    assert.deepEqual(r.failures, [
      { arn: `arn:aws:ecs:${sb.region}:${sb.accountId}:service/${cluster}/ghost`, reason: 'MISSING' },
    ]);
    const noTags = await ecs.send(new DescribeServicesCommand({ cluster, services: ['api'] }));
    assert.equal(noTags.services?.[0]?.tags, undefined);
    const tooMany = await failure(
      ecs.send(new DescribeServicesCommand({ cluster, services: Array(11).fill('api') })),
    );
    assert.equal(tooMany.name, 'InvalidParameterException');
    const none = await failure(ecs.send(new DescribeServicesCommand({ cluster, services: [] })));
    assert.equal(none.name, 'InvalidParameterException');
    const noCluster = await failure(
      ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['api'] })),
    );
    assert.equal(noCluster.name, 'ClusterNotFoundException');
    const otherRegion = await failure(
      ecs.send(
        new DescribeServicesCommand({
          cluster: `arn:aws:ecs:eu-west-3:${sb.accountId}:cluster/${cluster}`,
          services: ['api'],
        }),
      ),
    );
    assert.equal(otherRegion.name, 'InvalidParameterException');
  });

  it('lists services in pages and filters by launch type', async () => {
    for (let i = 0; i < 12; i++) {
      await ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName: `many-${i}`,
          taskDefinition: 'web',
          desiredCount: 0,
        }),
      );
    }
    const first = await ecs.send(new ListServicesCommand({ cluster }));
    assert.equal(first.serviceArns?.length, 10);
    assert.ok(first.nextToken);
    const rest = await ecs.send(
      new ListServicesCommand({ cluster, nextToken: first.nextToken, maxResults: 100 }),
    );
    const all = [...(first.serviceArns ?? []), ...(rest.serviceArns ?? [])];
    assert.equal(new Set(all).size, all.length);
    assert.ok(all.length >= 16);
    assert.equal(rest.nextToken, undefined);
    const fargate = await ecs.send(new ListServicesCommand({ cluster, launchType: 'FARGATE' }));
    assert.deepEqual(
      fargate.serviceArns?.map((a) => a.split('/').pop()),
      ['fargate'],
    );
    const bad = await failure(ecs.send(new ListServicesCommand({ cluster, maxResults: 101 })));
    assert.equal(bad.name, 'InvalidParameterException');
  });

  it('deletes with force when scaled above 0 and refuses updates afterwards', async (t) => {
    await ecs.send(
      new CreateServiceCommand({ cluster, serviceName: 'gone', taskDefinition: 'web', desiredCount: 1 }),
    );
    // Draining must still be under way when we try to recreate: stop the clock's rush for this test
    // (at scale 100 a loaded machine lets the service go INACTIVE, after which ECS allows it).
    const scale = sb.runtime.clock.timeScale;
    sb.runtime.clock.setTimeScale(0.01);
    t.after(() => sb.runtime.clock.setTimeScale(scale));
    const refused = await failure(ecs.send(new DeleteServiceCommand({ cluster, service: 'gone' })));
    assert.equal(refused.name, 'InvalidParameterException');
    assert.equal(refused.message, 'The service cannot be stopped while it is scaled above 0.');
    const del = await ecs.send(new DeleteServiceCommand({ cluster, service: 'gone', force: true }));
    assert.equal(del.service?.status, 'DRAINING');
    assert.equal(del.service?.desiredCount, 0);
    const upd = await failure(
      ecs.send(new UpdateServiceCommand({ cluster, service: 'gone', desiredCount: 1 })),
    );
    assert.equal(upd.name, 'ServiceNotActiveException');
    assert.equal(upd.message, 'Service was not ACTIVE.');
    const recreate = await failure(
      ecs.send(new CreateServiceCommand({ cluster, serviceName: 'gone', taskDefinition: 'web' })),
    );
    assert.equal(recreate.name, 'InvalidParameterException');
    const described = await ecs.send(new DescribeServicesCommand({ cluster, services: ['gone'] }));
    assert.ok(['DRAINING', 'INACTIVE'].includes(described.services?.[0]?.status ?? ''));
    const unknown = await failure(ecs.send(new DeleteServiceCommand({ cluster, service: 'ghost' })));
    assert.equal(unknown.name, 'ServiceNotFoundException');
  });
});
