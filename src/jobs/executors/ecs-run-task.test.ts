import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type ContainerDefinition,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../../aws/clients.js';
import { startSandbox } from '../../sandbox/index.js';
import {
  admin,
  container,
  createStableService,
  fastHooks,
  register,
  sandboxClients,
  stats,
} from '../../../test/kits/deploy.js';
import { fakeContext, fakeTarget } from '../../../test/kits/executors.js';
import type { OtherStep } from '../executor.js';
import { createEcsRunTaskExecutor } from './ecs-run-task.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
const NGINX = 'public.ecr.aws/docker/library/nginx';

/** The Update step `fromStep` names, as the engine would hand it over (evaluated, with its variables). */
const UPDATE: OtherStep = {
  action: {
    type: 'ecs-update-service',
    service: 'web',
    containers: [
      { name: 'app', image: 'web', environment: [], environmentMode: 'append', environmentFiles: [] },
    ],
    waitForDeployment: true,
    timeoutMinutes: 30,
    forceNewDeployment: false,
    tags: [],
    packages: [{ name: 'web', feed: 'feeds-1', image: 'docker/library/nginx' }],
  },
  values: { 'Octopus.Action.Package[web].Image': `${NGINX}:job-ok` },
};
const executor = createEcsRunTaskExecutor({
  ...fastHooks(),
  lookup: () => async (name) => (name.toLowerCase() === 'deploy web' ? UPDATE : undefined),
});

function action(partial: Record<string, unknown>): Record<string, unknown> & { type: string } {
  return { type: 'ecs-run-task', containers: [], timeoutMinutes: 30, packages: [], ...partial };
}

/** A one-container job logging to CloudWatch Logs. */
function job(image: string, extra: Partial<ContainerDefinition> = {}): ContainerDefinition[] {
  return [
    container(image, {
      portMappings: [],
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/slipway/run-task',
          'awslogs-stream-prefix': 'job',
          'awslogs-create-group': 'true',
          'awslogs-region': 'us-east-1',
        },
      },
      ...extra,
    }),
  ];
}

describe('ecs-run-task executor', () => {
  let sb: Sandbox;
  let clients: AwsClients;
  let n = 0;
  const cluster = 'jobs';
  const context = (act: Record<string, unknown> & { type: string }, more = {}) =>
    fakeContext({
      action: act,
      values: { 'Octopus.Deployment.Id': 'deployments-9', 'Octopus.Release.Number': '2.0.0' },
      target: fakeTarget(cluster),
      aws: () => Promise.resolve(clients),
      ...more,
    });
  const taskOf = async (arn: string) =>
    (await clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks![0]!;

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 100 });
    clients = sandboxClients(sb);
    await admin(sb, 'POST', 'clusters', { name: cluster, instances: { count: 3 } });
    for (const [tag, code] of [
      ['job-ok', 0],
      ['job-bad', 7],
    ] as const)
      await admin(sb, 'POST', 'faults/images', {
        image: `${NGINX}:${tag}`,
        crashExitCode: code,
        crashAfterSeconds: 5,
      });
  });
  after(async () => {
    clients.destroy();
    await sb.close();
  });

  it('runs the family’s newest revision with overrides, streams its logs and succeeds on exit 0', async () => {
    const family = `migrate${++n}`;
    await register(clients, family, job(`${NGINX}:job-bad`));
    const v2 = await register(clients, family, job(`${NGINX}:job-ok`));
    const { ctx, collected } = context(
      action({
        taskDefinition: family,
        launchType: 'EC2',
        containers: [
          { name: 'app', command: ['./migrate', 'up'], environment: [{ name: 'STEP', value: '1' }] },
        ],
      }),
    );
    const res = await executor.run(ctx);
    assert.deepEqual(res, { outcome: 'success' }, collected.text());
    const taskArn = collected.outputs['TaskArn']!.value;
    assert.equal(collected.outputs['TaskDefinitionArn']?.value, v2);
    assert.equal(collected.outputs['ExitCode']?.value, '0');
    const task = await taskOf(taskArn);
    assert.equal(task.taskDefinitionArn, v2);
    assert.equal(task.startedBy, 'slipway/deployments-1');
    assert.deepEqual(task.overrides?.containerOverrides, [
      { name: 'app', command: ['./migrate', 'up'], environment: [{ name: 'STEP', value: '1' }] },
    ]);
    const logs = collected.lines.filter((l) => l.code === 'task.log').map((l) => l.data?.['line']);
    assert.ok(logs.includes('Container started'), JSON.stringify(logs));
    assert.ok(logs.includes('Exited with code 0'), JSON.stringify(logs));
    // Saved before RunTask (the client token) and after (the task).
    assert.ok(collected.progress.some((p) => p['clientToken'] && !p['taskArn']));
    assert.equal(collected.progress.at(-1)?.['taskArn'], taskArn);
  });

  it('an essential container that exits non-zero fails the step naming its exit code', async () => {
    const family = `migrate${++n}`;
    await register(clients, family, job(`${NGINX}:job-bad`));
    const { ctx, collected } = context(action({ taskDefinition: family }));
    const res = await executor.run(ctx);
    assert.ok(res.outcome === 'failed', collected.text());
    assert.match(res.error, /container app: exit code 7/);
    assert.match(res.error, /EssentialContainerExited/);
    assert.ok(
      collected.lines.some((l) => l.code === 'task.log' && l.data?.['line'] === 'Exited with code 7'),
    );
    assert.match(collected.text(), /app: exit code 7/);
  });

  it('fromStep runs the revision the Update step will register, launched like its service; once only', async () => {
    const family = `web${++n}`;
    const v1 = await register(clients, family, job(`${NGINX}:1.26`));
    await createStableService(clients, { cluster, serviceName: 'web', taskDefinition: v1, desiredCount: 1 });
    await admin(sb, 'DELETE', 'stats');
    const act = action({
      fromStep: 'Deploy web',
      containers: [{ name: 'app', command: ['migrate'], environment: [] }],
    });
    const first = context(act);
    assert.deepEqual(await executor.run(first.ctx), { outcome: 'success' }, first.collected.text());
    const arn = first.collected.outputs['TaskDefinitionArn']!.value;
    assert.match(arn, new RegExp(`task-definition/${family}:2$`));
    const td = (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn })))
      .taskDefinition!;
    assert.equal(td.containerDefinitions![0]!.image, `${NGINX}:job-ok`, "the release's image");
    assert.equal((await taskOf(first.collected.outputs['TaskArn']!.value)).launchType, 'EC2');
    // Again (another deployment of the release): the revision with this content is reused.
    const second = context(act);
    assert.deepEqual(await executor.run(second.ctx), { outcome: 'success' }, second.collected.text());
    assert.equal(second.collected.outputs['TaskDefinitionArn']?.value, arn);
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'], 1);
    assert.equal(s['ecs:RunTask'], 2);
  });

  it('a resumed step watches the task it started instead of running another', async () => {
    const family = `migrate${++n}`;
    await register(clients, family, job(`${NGINX}:job-ok`));
    const first = context(action({ taskDefinition: family }));
    assert.deepEqual(await executor.run(first.ctx), { outcome: 'success' }, first.collected.text());
    await admin(sb, 'DELETE', 'stats');
    const saved = first.collected.progress.at(-1)!;
    const again = context(action({ taskDefinition: family }), { previous: saved });
    assert.deepEqual(await executor.run(again.ctx), { outcome: 'success' }, again.collected.text());
    assert.match(again.collected.text(), /Resuming: watching task/);
    assert.equal((await stats(sb))['ecs:RunTask'] ?? 0, 0);
    // Cut short between RunTask and saving its task: the same client token gets the same task back.
    const token = context(action({ taskDefinition: family }), {
      previous: { taskDefinitionArn: saved['taskDefinitionArn'], clientToken: saved['clientToken'] },
    });
    assert.deepEqual(await executor.run(token.ctx), { outcome: 'success' }, token.collected.text());
    assert.equal(token.collected.outputs['TaskArn']?.value, saved['taskArn']);
  });

  it('cancel stops the task', async () => {
    const family = `server${++n}`;
    await register(clients, family, job(`${NGINX}:1.27`));
    const ac = new AbortController();
    const { ctx, collected } = context(action({ taskDefinition: family }), { signal: ac.signal });
    const running = executor.run(ctx);
    for (let i = 0; i < 400 && !collected.progress.some((p) => p['taskArn']); i++)
      await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    const res = await running;
    assert.ok(
      res.outcome === 'failed' && /Canceled; task .* was stopped/.test(res.error),
      JSON.stringify(res),
    );
    const task = await taskOf(String(collected.progress.at(-1)!['taskArn']));
    assert.equal(task.desiredStatus, 'STOPPED');
    assert.match(task.stoppedReason ?? '', /canceled/);
  });

  it('refuses, before running anything, a container the definition lacks or a fromStep the process lacks', async () => {
    const family = `migrate${++n}`;
    await register(clients, family, job(`${NGINX}:job-ok`));
    await admin(sb, 'DELETE', 'stats');
    const missing = context(
      action({ taskDefinition: family, containers: [{ name: 'db', environment: [] }] }),
    );
    const r1 = await executor.run(missing.ctx);
    assert.ok(r1.outcome === 'failed' && /no container "db"/.test(r1.error), JSON.stringify(r1));
    const unknown = context(action({ fromStep: 'Nope' }));
    const r2 = await executor.run(unknown.ctx);
    assert.ok(r2.outcome === 'failed' && /step "Nope", which is not in/.test(r2.error), JSON.stringify(r2));
    const noLookup = createEcsRunTaskExecutor(fastHooks());
    const r3 = await noLookup.run(context(action({ fromStep: 'Deploy web' })).ctx);
    assert.ok(r3.outcome === 'failed' && /Use taskDefinition instead/.test(r3.error), JSON.stringify(r3));
    assert.equal((await stats(sb))['ecs:RunTask'] ?? 0, 0);
  });
});
