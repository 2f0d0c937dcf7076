import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeServicesCommand, ListTaskDefinitionsCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { startSandbox } from '../sandbox/index.js';
import type { AwsClients } from '../aws/clients.js';
import { parseImageReference } from '../core/images/reference.js';
import { runEcsDeploy } from './ecs-deploy.js';
import {
  admin,
  collector,
  container,
  createStableService,
  fastHooks,
  register,
  request,
  sandboxClients,
  stats,
  waitStable,
} from '../../test/kits/deploy.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
const NGINX = 'public.ecr.aws/docker/library/nginx';
const img = (tag: string) => parseImageReference(`${NGINX}:${tag}`);

describe('ecs-deploy: re-attach, several services, throttling, hygiene, run-task', () => {
  let sb: Sandbox;
  let clients: AwsClients;
  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 100 });
    clients = sandboxClients(sb);
    await admin(sb, 'POST', 'clusters', { name: 'm', instances: { count: 4, cpu: 4096, memory: 8192 } });
    await admin(sb, 'POST', 'faults/images', { image: `${NGINX}:slowish`, slowStartSeconds: 150 });
    await admin(sb, 'POST', 'faults/images', {
      image: `${NGINX}:job-ok`,
      crashExitCode: 0,
      crashAfterSeconds: 5,
    });
    await admin(sb, 'POST', 'faults/images', {
      image: `${NGINX}:job-bad`,
      crashExitCode: 7,
      crashAfterSeconds: 5,
    });
  });
  after(async () => {
    clients.destroy();
    await sb.close();
  });

  it('re-attaches to a rollout in flight instead of registering and updating again', async () => {
    const v1 = await register(clients, 'ra', [container(`${NGINX}:good`)]);
    await createStableService(clients, {
      cluster: 'm',
      serviceName: 'ra',
      taskDefinition: v1,
      desiredCount: 2,
    });
    await admin(sb, 'DELETE', 'stats');
    const req = request({ cluster: 'm', services: ['ra'], image: img('slowish') });
    // The first run "dies" once the rollout has started (its sleep throws).
    const fast = fastHooks();
    let sleeps = 0;
    await assert.rejects(
      runEcsDeploy(req, clients, collector().emit, {
        ...fast,
        sleep: async (ms) => {
          if (++sleeps > 1) throw new Error('killed');
          await fast.sleep!(ms);
        },
      }),
      /killed/,
    );
    const c = collector();
    const res = await runEcsDeploy(req, clients, c.emit, fastHooks());
    assert.equal(res.outcome, 'succeeded', res.results[0]?.message);
    assert.ok(c.codes().includes('deploy.attached'));
    // Events from before the rollout began (the first service's steady state) are not told again.
    const attached = c.events.find((e) => e.code === 'deploy.attached')!;
    const began = (
      await clients.ecs.send(new DescribeServicesCommand({ cluster: 'm', services: ['ra'] }))
    ).services?.[0]?.deployments?.find((d) => d.id === attached.data['deploymentId'])?.createdAt;
    assert.ok(began);
    const told = c.events.filter((e) => e.code === 'deploy.service-event');
    assert.ok(told.length > 0, 'the rollout’s own events are told');
    for (const e of told) {
      assert.ok(Date.parse(String(e.data['createdAt'])) >= began.getTime(), `old event told: ${e.message}`);
    }
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'], 1);
    assert.equal(s['ecs:UpdateService'], 1);
  });

  it('deploys several services at once: one registration per family, one result each', async () => {
    const v1 = await register(clients, 'multi', [container(`${NGINX}:good`)]);
    for (const name of ['m1', 'm2', 'm3'])
      await createStableService(clients, {
        cluster: 'm',
        serviceName: name,
        taskDefinition: v1,
        desiredCount: 1,
      });
    await admin(sb, 'DELETE', 'stats');
    const c = collector();
    const res = await runEcsDeploy(
      request({ cluster: 'm', services: ['m1', 'm2', 'm3'], image: img('v2') }),
      clients,
      c.emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'succeeded');
    assert.deepEqual(
      res.results.map((r) => [r.name, r.outcome]),
      [
        ['m1', 'succeeded'],
        ['m2', 'succeeded'],
        ['m3', 'succeeded'],
      ],
    );
    assert.equal(new Set(res.results.map((r) => r.taskDefinitionArn)).size, 1);
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'], 1);
    assert.equal(s['ecs:UpdateService'], 3);
    for (const name of ['m1', 'm2', 'm3'])
      assert.ok(c.events.some((e) => e.code === 'deploy.succeeded' && e.data['service'] === name));
  });

  it('rides out a throttling storm on DescribeServices', async () => {
    const v1 = await register(clients, 'thr', [container(`${NGINX}:good`)]);
    await createStableService(clients, {
      cluster: 'm',
      serviceName: 'thr',
      taskDefinition: v1,
      desiredCount: 2,
    });
    await admin(sb, 'POST', 'faults/api', {
      service: 'ecs',
      action: 'DescribeServices',
      durationSeconds: 150,
    });
    try {
      const res = await runEcsDeploy(
        request({ cluster: 'm', services: ['thr'], image: img('v3') }),
        clients,
        collector().emit,
        fastHooks(),
      );
      assert.equal(res.outcome, 'succeeded', res.results[0]?.message);
    } finally {
      await admin(sb, 'DELETE', 'faults');
      await admin(sb, 'POST', 'faults/images', { image: `${NGINX}:slowish`, slowStartSeconds: 150 });
      await admin(sb, 'POST', 'faults/images', {
        image: `${NGINX}:job-ok`,
        crashExitCode: 0,
        crashAfterSeconds: 5,
      });
      await admin(sb, 'POST', 'faults/images', {
        image: `${NGINX}:job-bad`,
        crashExitCode: 7,
        crashAfterSeconds: 5,
      });
    }
  });

  it('--max-definitions never deregisters a revision in use or the rollback target', async () => {
    const v1 = await register(clients, 'hy', [container(`${NGINX}:good`)]);
    await createStableService(clients, {
      cluster: 'm',
      serviceName: 'hy',
      taskDefinition: v1,
      desiredCount: 1,
    });
    const v2 = await register(clients, 'hy', [container(`${NGINX}:task`)]);
    await clients.ecs.send(new RunTaskCommand({ cluster: 'm', taskDefinition: v2, launchType: 'EC2' }));
    const v3 = await register(clients, 'hy', [container(`${NGINX}:unused-3`)]);
    const v4 = await register(clients, 'hy', [container(`${NGINX}:unused-4`)]);
    const c = collector();
    const res = await runEcsDeploy(
      request({ cluster: 'm', services: ['hy'], image: img('new'), maxDefinitions: 1 }),
      clients,
      c.emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'succeeded');
    const active =
      (await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'hy', status: 'ACTIVE' })))
        .taskDefinitionArns ?? [];
    assert.deepEqual(new Set(active), new Set([v1, v2, res.results[0]!.taskDefinitionArn]));
    const ev = c.events.find((e) => e.code === 'deploy.definitions-deregistered')!;
    assert.deepEqual(new Set(ev.data['deregistered'] as string[]), new Set([v3, v4]));
  });

  const job = (tag: string) => [
    container(`${NGINX}:${tag}`, {
      name: 'job',
      portMappings: [],
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/jobs',
          'awslogs-stream-prefix': 'job',
          'awslogs-create-group': 'true',
          'awslogs-region': 'us-east-1',
        },
      },
    }),
  ];

  it('run-task: waits for success and streams the awslogs lines', async () => {
    await register(clients, 'job', job('base'));
    const c = collector();
    const res = await runEcsDeploy(
      request({
        cluster: 'm',
        family: 'job',
        image: img('job-ok'),
        runTask: { launchType: 'EC2', waitForSuccess: true },
      }),
      clients,
      c.emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'succeeded', res.results[0]?.message);
    assert.ok(c.codes().includes('task.started'));
    assert.ok(c.codes().includes('task.stopped'));
    const logs = c.events.filter((e) => e.code === 'task.log').map((e) => e.data['line']);
    assert.ok(logs.includes('Container started'), JSON.stringify(logs));
    assert.ok(logs.includes('Exited with code 0'), JSON.stringify(logs));
  });

  it('run-task: a crashing container is task-failed with its exit code', async () => {
    const res = await runEcsDeploy(
      request({
        cluster: 'm',
        family: 'job',
        image: img('job-bad'),
        runTask: { launchType: 'EC2', waitForSuccess: true },
      }),
      clients,
      collector().emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'task-failed');
    assert.match(res.results[0]!.message, /container job: exit code 7/);
  });

  it('run-task: an image that cannot be pulled is TaskFailedToStart', async () => {
    await register(clients, 'pulljob', [
      container(`${sb.runtime.registryHost}/app:v1`, { name: 'job', portMappings: [] }),
    ]);
    const res = await runEcsDeploy(
      request({
        cluster: 'm',
        family: 'pulljob',
        image: parseImageReference(`${sb.runtime.registryHost}/app:missing`),
        runTask: { launchType: 'EC2', waitForSuccess: true },
      }),
      clients,
      collector().emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'task-failed');
    assert.match(res.results[0]!.message, /TaskFailedToStart: CannotPullContainerError/);
  });

  it('-d without --run-task registers only', async () => {
    const res = await runEcsDeploy(
      request({ family: 'job', image: img('job-v9') }),
      clients,
      collector().emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'succeeded');
    assert.match(res.results[0]!.taskDefinitionArn!, /job:\d+$/);
  });

  it('the service stays untouched by a preview (sanity)', async () => {
    const s = (await clients.ecs.send(new DescribeServicesCommand({ cluster: 'm', services: ['hy'] })))
      .services![0]!;
    await waitStable(clients, 'm', 'hy');
    assert.ok(s.taskDefinition);
  });
});
