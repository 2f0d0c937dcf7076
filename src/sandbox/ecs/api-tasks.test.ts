import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import type { SandboxHandle } from '../index.js';
import { addContainerInstances } from './admin.js';
import { failure, startEcsEnv, type EcsTestEnv } from '../../../test/kits/sandbox-ecs-setup.js';

let env: EcsTestEnv;
let sb: SandboxHandle;
let ecs: ECSClient;
const cluster = 'task-tests';

before(async () => {
  env = await startEcsEnv();
  ({ sb, ecs } = env);
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  // Room for 120 small tasks: 4 instances × 4096 MiB / 128 MiB.
  addContainerInstances(sb.runtime, env.account, sb.region, cluster, { count: 4, cpu: 4096, memory: 4096 });
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'job',
      containerDefinitions: [{ name: 'main', image: 'busybox', memory: 128 }],
    }),
  );
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'vpc',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'main', image: 'busybox' }],
    }),
  );
});
after(() => env.close());

describe('RunTask / DescribeTasks / StopTask', () => {
  it('runs tasks and describes them as ECS does', async () => {
    const run = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: 'job',
        count: 2,
        startedBy: 'tester',
        tags: [{ key: 'k', value: 'v' }],
      }),
    );
    assert.equal(run.failures?.length, 0);
    assert.equal(run.tasks?.length, 2);
    const t = run.tasks![0]!;
    assert.match(
      t.taskArn ?? '',
      new RegExp(`^arn:aws:ecs:${sb.region}:${sb.accountId}:task/${cluster}/[0-9a-f]{32}$`),
    );
    assert.equal(t.group, 'family:job');
    assert.equal(t.startedBy, 'tester');
    assert.equal(t.launchType, 'EC2');
    assert.equal(t.desiredStatus, 'RUNNING');
    assert.ok(t.containerInstanceArn);
    assert.equal(t.containers?.[0]?.name, 'main');
    assert.deepEqual(t.tags, [{ key: 'k', value: 'v' }]);

    const id = t.taskArn!.split('/').pop()!;
    const d = await ecs.send(
      new DescribeTasksCommand({ cluster, tasks: [id, 'f'.repeat(32)], include: ['TAGS'] }),
    );
    assert.equal(d.tasks?.[0]?.taskArn, t.taskArn);
    assert.deepEqual(d.tasks?.[0]?.tags, [{ key: 'k', value: 'v' }]);
    assert.equal(d.failures?.[0]?.reason, 'MISSING');

    const stop = await ecs.send(new StopTaskCommand({ cluster, task: t.taskArn!, reason: 'done' }));
    assert.equal(stop.task?.desiredStatus, 'STOPPED');
    const missing = await failure(ecs.send(new StopTaskCommand({ cluster, task: 'f'.repeat(32) })));
    assert.equal(missing.name, 'InvalidParameterException');
    assert.equal(missing.message, 'The referenced task was not found.');
  });

  it('requires a network configuration for awsvpc and shows the ENI attachment', async () => {
    const err = await failure(
      ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'vpc', launchType: 'FARGATE' })),
    );
    assert.equal(err.name, 'InvalidParameterException');
    assert.match(err.message, /Network Configuration must be provided/);
    const run = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: 'vpc',
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123'] } },
      }),
    );
    const att = run.tasks?.[0]?.attachments?.[0];
    assert.equal(att?.type, 'ElasticNetworkInterface');
    assert.equal(att?.details?.find((x) => x.name === 'subnetId')?.value, 'subnet-0123');
  });

  it('validates RunTask and honours clientToken', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ cluster, taskDefinition: 'job', count: 11 }, 'InvalidParameterException'],
      [{ cluster, taskDefinition: 'job', count: 0 }, 'InvalidParameterException'],
      [{ cluster, taskDefinition: 'nope' }, 'InvalidParameterException'],
      [{ cluster: 'nope', taskDefinition: 'job' }, 'ClusterNotFoundException'],
      [{ cluster, taskDefinition: 'job', launchType: 'FARGATE' }, 'InvalidParameterException'],
    ];
    for (const [input, name] of cases) {
      const err = await failure(ecs.send(new RunTaskCommand(input as never)));
      assert.equal(err.name, name, JSON.stringify(input));
    }
    const a = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'job', clientToken: 'rt-1' }));
    const b = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'job', clientToken: 'rt-1' }));
    assert.equal(a.tasks?.[0]?.taskArn, b.tasks?.[0]?.taskArn);
    const c = await failure(
      ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'job', count: 2, clientToken: 'rt-1' })),
    );
    assert.equal(c.name, 'ConflictException');
  });

  it('rejects describe requests without tasks or with too many', async () => {
    const none = await failure(ecs.send(new DescribeTasksCommand({ cluster, tasks: [] })));
    assert.equal(none.name, 'InvalidParameterException');
    const many = await failure(ecs.send(new DescribeTasksCommand({ cluster, tasks: Array(101).fill('x') })));
    assert.equal(many.name, 'InvalidParameterException');
  });
});

describe('ListTasks', () => {
  it('pages more than 100 tasks and filters', async () => {
    for (let i = 0; i < 11; i++) {
      await ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'job', count: 10, startedBy: 'bulk' }));
    }
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ecs.send(new ListTasksCommand({ cluster, startedBy: 'bulk', nextToken }));
      seen.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    assert.equal(seen.length, 110);
    assert.equal(new Set(seen).size, 110);
    assert.equal(pages, 2);

    const small = await ecs.send(new ListTasksCommand({ cluster, family: 'job', maxResults: 5 }));
    assert.equal(small.taskArns?.length, 5);
    const stopped = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'STOPPED' }));
    assert.ok((stopped.taskArns?.length ?? 0) >= 1);
    const noService = await failure(ecs.send(new ListTasksCommand({ cluster, serviceName: 'ghost' })));
    assert.equal(noService.name, 'ServiceNotFoundException');
    const bad = await failure(ecs.send(new ListTasksCommand({ cluster, maxResults: 500 })));
    assert.equal(bad.name, 'InvalidParameterException');
    const noCluster = await failure(ecs.send(new ListTasksCommand({ cluster: 'nope' })));
    assert.equal(noCluster.name, 'ClusterNotFoundException');
  });
});
