import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionsCommand,
  RunTaskCommand,
  type ContainerDefinition,
  type DeploymentConfiguration,
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
import { createEcsUpdateServiceExecutor } from './ecs-update-service.js';
import { fakeContext, fakeTarget } from '../../../test/kits/executors.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
const NGINX = 'public.ecr.aws/docker/library/nginx';
const executor = createEcsUpdateServiceExecutor(fastHooks());

const SYSTEM = {
  'Octopus.Project.Name': 'Web shop',
  'Octopus.Environment.Name': 'Production',
  'Octopus.Release.Number': '1.4.2',
  'Octopus.Deployment.Id': 'deployments-42',
};

/** An action with the schema's defaults. */
function action(partial: Record<string, unknown>): Record<string, unknown> & { type: string } {
  return {
    type: 'ecs-update-service',
    service: 'web',
    containers: [],
    waitForDeployment: true,
    timeoutMinutes: 30,
    forceNewDeployment: false,
    tags: [],
    packages: [{ name: 'web', feed: 'feeds-1', image: 'docker/library/nginx' }],
    ...partial,
  };
}

function appContainer(extra: Record<string, unknown> = {}) {
  return { name: 'app', environment: [], environmentMode: 'append', environmentFiles: [], ...extra };
}

describe('ecs-update-service executor', () => {
  let sb: Sandbox;
  let clients: AwsClients;
  let n = 0;
  /** A fresh cluster with a stable service "web" on nginx:1.26 with A=1, B=2. */
  const setup = async (
    extra: Partial<ContainerDefinition> = {},
    breaker = false,
    config: DeploymentConfiguration = {},
  ) => {
    const cluster = `c${++n}`;
    await admin(sb, 'POST', 'clusters', { name: cluster, instances: { count: 3 } });
    const family = `web${n}`;
    const v1 = await register(clients, family, [
      container(`${NGINX}:1.26`, {
        environment: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ...extra,
      }),
    ]);
    await createStableService(clients, {
      cluster,
      serviceName: 'web',
      taskDefinition: v1,
      desiredCount: 2,
      deploymentConfiguration: {
        ...config,
        ...(breaker ? { deploymentCircuitBreaker: { enable: true, rollback: true } } : {}),
      },
    });
    return { cluster, family, v1 };
  };
  const context = (
    cluster: string,
    act: Record<string, unknown> & { type: string },
    image = `${NGINX}:1.27`,
    more = {},
  ) =>
    fakeContext({
      action: act,
      values: { ...SYSTEM, 'Octopus.Action.Package[web].Image': image },
      target: fakeTarget(cluster),
      aws: () => Promise.resolve(clients),
      ...more,
    });
  const definitionOf = async (arn: string) =>
    (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition!;
  const serviceOf = async (cluster: string) =>
    (await clients.ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }))).services![0]!;

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 100 });
    clients = sandboxClients(sb);
    await admin(sb, 'POST', 'faults/images', { image: `${NGINX}:broken`, failPull: true });
    await admin(sb, 'POST', 'faults/images', { image: `${NGINX}:slowish`, slowStartSeconds: 150 });
    await admin(sb, 'POST', 'faults/images', {
      image: `${NGINX}:crash`,
      crashExitCode: 3,
      crashAfterSeconds: 2,
    });
  });
  after(async () => {
    clients.destroy();
    await sb.close();
  });

  it('swaps the image, appends environment, tags the revision, sets outputs and saves progress', async () => {
    const { cluster, family } = await setup();
    const { ctx, collected } = context(
      cluster,
      action({
        containers: [
          appContainer({
            image: 'web',
            environment: [
              { name: 'B', value: '20' },
              { name: 'C', value: '3' },
            ],
          }),
        ],
        tags: [{ key: 'team', value: 'blue' }],
      }),
    );
    const res = await executor.run(ctx);
    assert.deepEqual(res, { outcome: 'success' }, collected.text());
    const svc = await serviceOf(cluster);
    assert.match(svc.taskDefinition!, new RegExp(`task-definition/${family}:2$`));
    const td = await definitionOf(svc.taskDefinition!);
    const app = td.containerDefinitions![0]!;
    assert.equal(app.image, `${NGINX}:1.27`);
    assert.deepEqual(
      app.environment!.map((e) => `${e.name}=${e.value}`),
      ['A=1', 'B=20', 'C=3'],
    );
    const tags = (
      await clients.ecs.send(new ListTagsForResourceCommand({ resourceArn: svc.taskDefinition! }))
    ).tags!;
    const byKey = Object.fromEntries(tags.map((t) => [t.key, t.value]));
    assert.deepEqual(byKey, {
      'slipway:project': 'Web shop',
      'slipway:environment': 'Production',
      'slipway:release': '1.4.2',
      'slipway:deployment': 'deployments-42',
      'slipway:tenant': 'untenanted',
      team: 'blue',
    });
    assert.deepEqual(Object.fromEntries(Object.entries(collected.outputs).map(([k, v]) => [k, v.value])), {
      TaskDefinitionFamily: family,
      TaskDefinitionRevision: '2',
      TaskDefinitionArn: svc.taskDefinition!,
      ClusterName: cluster,
      ServiceName: 'web',
    });
    const last = collected.progress.at(-1)!;
    assert.equal(last['taskDefinitionArn'], svc.taskDefinition);
    assert.match(String(last['ecsDeploymentId']), /^ecs-svc\//);
    // The service's events and the deployments table reach the log.
    assert.match(collected.text(), /PRIMARY/);
    assert.match(collected.text(), /has reached a steady state|steady state/);
    // The engine's events keep their code and data in the log; plain lines have none.
    const table = collected.lines.find((l) => l.code === 'deploy.deployments');
    assert.ok(Array.isArray(table?.data?.['deployments']), JSON.stringify(table));
    assert.equal(collected.lines.find((l) => l.code === 'deploy.succeeded')?.level, 'highlight');
    assert.equal(collected.lines.find((l) => l.code === 'deploy.registered')?.data?.['service'], 'web');
  });

  it('replace mode keeps exactly the given variables; environment files are set', async () => {
    const { cluster } = await setup();
    const file = 'arn:aws:s3:::my-bucket/app/prod.env';
    const { ctx, collected } = context(
      cluster,
      action({
        containers: [
          appContainer({
            environment: [{ name: 'ONLY', value: 'me' }],
            environmentMode: 'replace',
            environmentFiles: [{ value: file }],
          }),
        ],
      }),
    );
    assert.deepEqual(await executor.run(ctx), { outcome: 'success' }, collected.text());
    const td = await definitionOf((await serviceOf(cluster)).taskDefinition!);
    const app = td.containerDefinitions![0]!;
    assert.equal(app.image, `${NGINX}:1.26`, 'no image reference: the image stays');
    assert.deepEqual(app.environment, [{ name: 'ONLY', value: 'me' }]);
    assert.deepEqual(app.environmentFiles, [{ value: file, type: 's3' }]);
  });

  it('the same content again registers nothing and succeeds', async () => {
    const { cluster, v1 } = await setup();
    await admin(sb, 'DELETE', 'stats');
    const { ctx, collected } = context(cluster, action({ containers: [appContainer()] }), `${NGINX}:1.26`);
    assert.deepEqual(await executor.run(ctx), { outcome: 'success' }, collected.text());
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'] ?? 0, 0);
    assert.equal(s['ecs:UpdateService'] ?? 0, 0);
    assert.equal(collected.outputs['TaskDefinitionArn']?.value, v1);
  });

  it('describes the service and its task definition once per step', async () => {
    const { cluster } = await setup();
    // Same content: planning alone (no rollout to watch).
    await admin(sb, 'DELETE', 'stats');
    const same = context(cluster, action({ containers: [appContainer()] }), `${NGINX}:1.26`);
    assert.deepEqual(await executor.run(same.ctx), { outcome: 'success' }, same.collected.text());
    let s = await stats(sb);
    assert.equal(s['ecs:DescribeServices'], 1);
    assert.equal(s['ecs:DescribeTaskDefinition'], 1);
    // A new revision without waiting: plan, register, update, and no read after.
    await admin(sb, 'DELETE', 'stats');
    const update = context(
      cluster,
      action({ containers: [appContainer({ image: 'web' })], waitForDeployment: false }),
    );
    assert.deepEqual(await executor.run(update.ctx), { outcome: 'success' }, update.collected.text());
    s = await stats(sb);
    assert.equal(s['ecs:DescribeServices'], 1);
    assert.equal(s['ecs:DescribeTaskDefinition'], 1);
    assert.equal(s['ecs:RegisterTaskDefinition'], 1);
    assert.equal(s['ecs:UpdateService'], 1);
  });

  it('a broken image fails the step with the reason', async () => {
    const { cluster, v1 } = await setup({}, true);
    const { ctx, collected } = context(
      cluster,
      action({ containers: [appContainer({ image: 'web' })] }),
      `${NGINX}:broken`,
    );
    const res = await executor.run(ctx);
    assert.equal(res.outcome, 'failed', collected.text());
    assert.ok(res.outcome === 'failed');
    assert.match(res.error, /web/);
    assert.match(res.error, /failed/);
    assert.match(res.error, /rolled the service back/);
    assert.equal((await serviceOf(cluster)).taskDefinition, v1, 'the circuit breaker rolled back');
  });

  for (const breaker of [true, false])
    it(`a crashing image: deploy.failed carries the stopped tasks with their exit codes (circuit breaker ${breaker ? 'on' : 'off'})`, async () => {
      const { cluster } = await setup({}, breaker);
      const { ctx, collected } = context(
        cluster,
        action({ containers: [appContainer({ image: 'web' })] }),
        `${NGINX}:crash`,
      );
      const res = await executor.run(ctx);
      assert.equal(res.outcome, 'failed', collected.text());
      const failed = collected.lines.find((l) => l.code === 'deploy.failed');
      assert.ok(failed, collected.text());
      assert.equal(failed.data?.['ecsRolledBack'], breaker);
      const ours = String(failed.data?.['taskDefinitionArn']);
      const tasks = failed.data?.['stoppedTasks'] as {
        taskArn: string;
        taskDefinitionArn: string;
        reason: string;
      }[];
      assert.ok(tasks.length > 0, JSON.stringify(failed.data));
      for (const t of tasks) {
        assert.match(t.taskArn, /:task\//);
        assert.equal(t.taskDefinitionArn, ours, "only our deployment's tasks");
        assert.match(t.reason, /exit code 3/);
      }
    });

  it('a container the definition lacks, or an unknown package image, fails before any change', async () => {
    const { cluster } = await setup();
    await admin(sb, 'DELETE', 'stats');
    const missing = context(cluster, action({ containers: [appContainer({ name: 'sidecar' })] }));
    const r1 = await executor.run(missing.ctx);
    assert.ok(r1.outcome === 'failed' && /no container "sidecar"/.test(r1.error), JSON.stringify(r1));
    const noImage = fakeContext({
      action: action({ containers: [appContainer({ image: 'web' })] }),
      values: SYSTEM,
      target: fakeTarget(cluster),
      aws: () => Promise.resolve(clients),
    });
    const r2 = await executor.run(noImage.ctx);
    assert.ok(r2.outcome === 'failed' && /Package\[web\]\.Image/.test(r2.error), JSON.stringify(r2));
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'] ?? 0, 0);
    assert.equal(s['ecs:UpdateService'] ?? 0, 0);
  });

  it('cancel stops watching promptly; the resumed step watches the same rollout without a second update', async () => {
    const { cluster } = await setup();
    await admin(sb, 'DELETE', 'stats');
    const act = action({ containers: [appContainer({ image: 'web' })] });
    const ac = new AbortController();
    const first = context(cluster, act, `${NGINX}:slowish`, { signal: ac.signal });
    const running = executor.run(first.ctx);
    for (let i = 0; i < 400 && !first.collected.progress.some((p) => p['ecsDeploymentId']); i++)
      await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    const r1 = await running;
    assert.ok(r1.outcome === 'failed' && /Canceled/.test(r1.error), JSON.stringify(r1));
    const saved = first.collected.progress.at(-1)!;
    assert.ok(saved['ecsDeploymentId'], 'the update was saved before the cancel');

    const second = context(cluster, act, `${NGINX}:slowish`, { previous: saved });
    const r2 = await executor.run(second.ctx);
    assert.deepEqual(r2, { outcome: 'success' }, second.collected.text());
    assert.match(second.collected.text(), /already in progress/);
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'], 1);
    assert.equal(s['ecs:UpdateService'], 1);
    assert.equal(second.collected.outputs['TaskDefinitionArn']?.value, saved['taskDefinitionArn']);
  });

  it('a step cut short after registering updates, when resumed, to the revision it registered', async () => {
    const { cluster, family } = await setup();
    await admin(sb, 'DELETE', 'stats');
    // The first attempt registers, then its UpdateService fails (as if the node died right there).
    await admin(sb, 'POST', 'faults/api', {
      action: 'UpdateService',
      errorCode: 'AccessDeniedException',
      count: 1,
    });
    const act = action({ containers: [appContainer({ image: 'web' })] });
    const first = context(cluster, act);
    const r1 = await executor.run(first.ctx);
    assert.equal(r1.outcome, 'failed', first.collected.text());
    const saved = first.collected.progress.at(-1)!;
    assert.match(String(saved['taskDefinitionArn']), new RegExp(`:task-definition/${family}:2$`));
    assert.equal(saved['ecsDeploymentId'], undefined);

    const second = context(cluster, act, undefined, { previous: saved });
    const r2 = await executor.run(second.ctx);
    assert.deepEqual(r2, { outcome: 'success' }, second.collected.text());
    assert.match(
      second.collected.text(),
      new RegExp(`update the service to ${family}:2, which an earlier attempt registered`),
    );
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'], 1, 'no second registration');
    assert.equal((await serviceOf(cluster)).taskDefinition, saved['taskDefinitionArn']);
  });

  it('waitForDeployment off: succeeds once the service is updated', async () => {
    const { cluster, family } = await setup();
    const { ctx, collected } = context(
      cluster,
      action({ containers: [appContainer({ image: 'web' })], waitForDeployment: false }),
      `${NGINX}:slowish`,
    );
    assert.deepEqual(await executor.run(ctx), { outcome: 'success' }, collected.text());
    assert.match(collected.text(), /not waiting/);
    assert.equal(collected.outputs['TaskDefinitionFamily']?.value, family);
    const svc = await serviceOf(cluster);
    assert.ok(
      svc.deployments!.some((d) => d.status === 'PRIMARY' && d.rolloutState === 'IN_PROGRESS'),
      'the rollout is still in flight',
    );
  });

  it('a template task definition of another family is the base of the new revision', async () => {
    const { cluster } = await setup();
    await register(clients, 'template-fam', [
      container(`${NGINX}:1.20`, { environment: [{ name: 'T', value: 't' }] }),
    ]);
    const { ctx, collected } = context(
      cluster,
      action({ templateTaskDefinition: 'template-fam', containers: [appContainer({ image: 'web' })] }),
    );
    assert.deepEqual(await executor.run(ctx), { outcome: 'success' }, collected.text());
    const arn = (await serviceOf(cluster)).taskDefinition!;
    assert.match(arn, /task-definition\/template-fam:2$/);
    const app = (await definitionOf(arn)).containerDefinitions![0]!;
    assert.deepEqual(app.environment, [{ name: 'T', value: 't' }]);
    assert.equal(collected.outputs['TaskDefinitionFamily']?.value, 'template-fam');
  });

  it('keepRevisions prunes after success, never a revision in use or the rollback target', async () => {
    const { cluster, family, v1 } = await setup();
    const v2 = await register(clients, family, [container(`${NGINX}:task`)]);
    await clients.ecs.send(new RunTaskCommand({ cluster, taskDefinition: v2, launchType: 'EC2' }));
    const v3 = await register(clients, family, [container(`${NGINX}:unused-3`)]);
    const v4 = await register(clients, family, [container(`${NGINX}:unused-4`)]);
    const { ctx, collected } = context(
      cluster,
      action({ containers: [appContainer({ image: 'web' })], keepRevisions: 1 }),
    );
    assert.deepEqual(await executor.run(ctx), { outcome: 'success' }, collected.text());
    const deployed = collected.outputs['TaskDefinitionArn']!.value;
    const active =
      (await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' })))
        .taskDefinitionArns ?? [];
    // v1: the rollback target; v2: a running task uses it; v3 and v4: unused, deregistered.
    assert.deepEqual(new Set(active), new Set([v1, v2, deployed]));
    const line = collected.lines.find((l) => l.code === 'deploy.definitions-deregistered');
    assert.deepEqual(new Set(line?.data?.['deregistered'] as string[]), new Set([v3, v4]));
  });

  it('earlySuccess sets the criteria with the update and follows the service deployment to SUCCESSFUL; false turns them off', async () => {
    const { cluster } = await setup({}, false, { minimumHealthyPercent: 50, maximumPercent: 100 });
    const on = context(
      cluster,
      action({
        containers: [appContainer({ image: 'web' })],
        earlySuccess: { healthyPercent: 50, cleanup: 'DEFERRED' },
      }),
    );
    assert.deepEqual(await executor.run(on.ctx), { outcome: 'success' }, on.collected.text());
    // Judged (and saved for a resume) by its service deployment, not the ecs-svc deployment.
    assert.match(String(on.collected.progress.at(-1)?.['ecsDeploymentId']), /:service-deployment\//);
    assert.deepEqual((await serviceOf(cluster)).deploymentConfiguration?.earlySuccessCriteria, {
      enable: true,
      healthyPercent: 50,
      sourceServiceRevisionCleanup: 'DEFERRED',
    });

    const off = context(
      cluster,
      action({ containers: [appContainer({ image: 'web' })], earlySuccess: false }),
      `${NGINX}:1.28`,
    );
    assert.deepEqual(await executor.run(off.ctx), { outcome: 'success' }, off.collected.text());
    assert.match(String(off.collected.progress.at(-1)?.['ecsDeploymentId']), /^ecs-svc\//);
    assert.equal((await serviceOf(cluster)).deploymentConfiguration?.earlySuccessCriteria?.enable, false);
  });

  it("earlySuccess under the service's minimumHealthyPercent fails the step before anything changes", async () => {
    const { cluster, v1 } = await setup();
    await admin(sb, 'DELETE', 'stats');
    const { ctx, collected } = context(
      cluster,
      action({
        containers: [appContainer({ image: 'web' })],
        earlySuccess: { healthyPercent: 50, cleanup: 'BLOCKING' },
      }),
    );
    const res = await executor.run(ctx);
    assert.ok(res.outcome === 'failed', collected.text());
    assert.match(res.error, /Early success at 50 % is below service web's minimumHealthyPercent \(100 %\)/);
    assert.equal((await serviceOf(cluster)).taskDefinition, v1, 'the service was not changed');
    const s = await stats(sb);
    assert.equal(s['ecs:RegisterTaskDefinition'] ?? 0, 0, 'nothing registered');
    assert.equal(s['ecs:UpdateService'] ?? 0, 0);
  });

  it('keepRevisions prunes nothing when the rollout failed', async () => {
    const { cluster, family } = await setup({}, true);
    const old = await register(clients, family, [container(`${NGINX}:unused-old`)]);
    const { ctx, collected } = context(
      cluster,
      action({ containers: [appContainer({ image: 'web' })], keepRevisions: 1 }),
      `${NGINX}:broken`,
    );
    assert.equal((await executor.run(ctx)).outcome, 'failed', collected.text());
    const active =
      (await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' })))
        .taskDefinitionArns ?? [];
    assert.ok(active.includes(old), 'nothing is pruned after a failure');
    assert.equal(
      collected.lines.find((l) => l.code === 'deploy.definitions-deregistered'),
      undefined,
    );
  });
});
