import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  CreateServiceCommand,
  type CreateServiceCommandInput,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { blueGreenLoadBalancing } from '../../../test/kits/blue-green.js';
import { startSandbox, type SandboxHandle } from '../index.js';

const cluster = 'targets';
const ROLE = 'arn:aws:iam::123456789012:role/ecs-infra';
const network = { awsvpcConfiguration: { subnets: ['subnet-a'] } };

let sb: SandboxHandle;
let ecs: ECSClient;
let elbv2: ElasticLoadBalancingV2Client;
let tdV1 = '';
let tdV2 = '';

/** A load balancer with blue and green `ip` target groups (port 8080) and production and test listeners on blue. */
function elb(prefix: string) {
  return blueGreenLoadBalancing(elbv2, prefix, 8080);
}

/** DescribeTargetHealth as `ip:port → state`, sorted. */
async function targets(tg: string): Promise<string[]> {
  const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
  return (out.TargetHealthDescriptions ?? [])
    .map((d) => `${d.Target?.Id}:${d.Target?.Port} ${d.TargetHealth?.State}`)
    .sort();
}

/** The private IPs of the service's RUNNING tasks of a task definition, sorted. */
async function ips(service: string, taskDefinition: string): Promise<string[]> {
  const arns = (await ecs.send(new ListTasksCommand({ cluster, serviceName: service }))).taskArns ?? [];
  if (arns.length === 0) return [];
  const tasks = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? [];
  return tasks
    .filter((t) => t.lastStatus === 'RUNNING' && t.taskDefinitionArn === taskDefinition)
    .map((t) => t.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value ?? '')
    .sort();
}

async function deployment(service: string): Promise<ServiceDeployment> {
  const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services![0]!;
  const out = await ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [svc.currentServiceDeployment!] }),
  );
  return out.serviceDeployments![0]!;
}

/** Advances the sandbox clock a second at a time until `done` holds. */
async function until(done: () => Promise<boolean>, maxSeconds = 3600): Promise<void> {
  for (let i = 0; i < maxSeconds; i++) {
    if (await done()) return;
    sb.runtime.clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  }
  assert.fail('the expected state was not reached');
}

const ended = (d: ServiceDeployment) =>
  ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].includes(d.status ?? '');

before(async () => {
  sb = await startSandbox({ port: 0, timeScale: 50, throttling: false });
  const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
  ecs = new ECSClient(config);
  elbv2 = new ElasticLoadBalancingV2Client(config);
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const td = async (image: string) =>
    (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'web', image, portMappings: [{ containerPort: 8080 }] }],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
  tdV1 = await td('nginx:1');
  tdV2 = await td('nginx:2');
});
after(async () => {
  ecs.destroy();
  elbv2.destroy();
  await sb.close();
});

describe('load balancer targets of service tasks', () => {
  it('BLUE_GREEN: green tasks in the alternate target group during the bake, blue ones draining after clean-up', async () => {
    const lbs = await elb('bgt');
    const input: CreateServiceCommandInput = {
      cluster,
      serviceName: 'bgt',
      taskDefinition: tdV1,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: network,
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 },
      loadBalancers: [
        {
          targetGroupArn: lbs.blue,
          containerName: 'web',
          containerPort: 8080,
          advancedConfiguration: {
            alternateTargetGroupArn: lbs.green,
            productionListenerRule: lbs.prod,
            testListenerRule: lbs.test,
            roleArn: ROLE,
          },
        },
      ],
    };
    await ecs.send(new CreateServiceCommand(input));
    await until(async () => ended(await deployment('bgt')));
    const blueIps = await ips('bgt', tdV1);
    assert.equal(blueIps.length, 2);
    // The first revision is blue: its tasks are in the service's own target group.
    assert.deepEqual(
      (await targets(lbs.blue)).map((t) => t.split(' ')[0]),
      blueIps.map((ip) => `${ip}:8080`),
    );
    assert.deepEqual(await targets(lbs.green), []);

    await ecs.send(new UpdateServiceCommand({ cluster, service: 'bgt', taskDefinition: tdV2 }));
    let bake = false;
    await until(async () => (bake = (await deployment('bgt')).lifecycleStage === 'BAKE_TIME'));
    assert.ok(bake);
    const greenIps = await ips('bgt', tdV2);
    assert.equal(greenIps.length, 2);
    const green = await targets(lbs.green);
    assert.deepEqual(
      green.map((t) => t.split(' ')[0]),
      greenIps.map((ip) => `${ip}:8080`),
      'the green tasks are in the alternate target group',
    );
    assert.ok(
      green.every((t) => !t.endsWith('draining')),
      green.join(', '),
    );
    // Blue keeps serving (weight 0) until clean-up: its targets are still registered.
    assert.ok((await targets(lbs.blue)).every((t) => !t.endsWith('draining')));

    await until(async () => ended(await deployment('bgt')));
    assert.equal((await deployment('bgt')).status, 'SUCCESSFUL');
    assert.deepEqual(
      await targets(lbs.blue),
      blueIps.map((ip) => `${ip}:8080 draining`),
      'the blue tasks drain after clean-up',
    );
    assert.deepEqual(
      (await targets(lbs.green)).map((t) => t.split(' ')[0]),
      greenIps.map((ip) => `${ip}:8080`),
    );
    sb.runtime.clock.advance(301_000); // the target group's default deregistration delay, 300 s
    assert.deepEqual(await targets(lbs.blue), []);
  });

  it('ROLLING: the tasks are in the service target group, healthy after the health check period', async () => {
    const lbs = await elb('rt');
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'rt',
        taskDefinition: tdV1,
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: network,
        loadBalancers: [{ targetGroupArn: lbs.blue, containerName: 'web', containerPort: 8080 }],
      }),
    );
    await until(async () => (await ips('rt', tdV1)).length === 2);
    const running = await ips('rt', tdV1);
    assert.deepEqual(
      await targets(lbs.blue),
      running.map((ip) => `${ip}:8080 initial`),
    );
    sb.runtime.clock.advance(151_000); // interval 30 s × healthy threshold 5
    assert.deepEqual(
      await targets(lbs.blue),
      running.map((ip) => `${ip}:8080 healthy`),
    );
  });
});
