import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
} from '../../test/kits/deploy.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
const NGINX = 'public.ecr.aws/docker/library/nginx';

describe('ecs-deploy: failures', () => {
  let sb: Sandbox;
  let clients: AwsClients;
  let n = 0;
  /** A fresh cluster with a stable service on `${NGINX}:good`. */
  const setup = async (
    opts: {
      breaker?: { enable: boolean; rollback: boolean };
      instances?: number;
      hostPort?: number;
      desired?: number;
    } = {},
  ) => {
    const cluster = `f${++n}`;
    await admin(sb, 'POST', 'clusters', { name: cluster, instances: { count: opts.instances ?? 3 } });
    const family = `app${n}`;
    const port = { portMappings: [{ containerPort: 80, hostPort: opts.hostPort ?? 0 }] };
    const v1 = await register(clients, family, [container(`${NGINX}:good`, port)]);
    await createStableService(clients, {
      cluster,
      serviceName: 'api',
      taskDefinition: v1,
      desiredCount: opts.desired ?? 2,
      ...(opts.breaker ? { deploymentConfiguration: { deploymentCircuitBreaker: opts.breaker } } : {}),
    });
    return { cluster, family, v1 };
  };
  const img = (tag: string) => parseImageReference(`${NGINX}:${tag}`);

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 100 });
    clients = sandboxClients(sb);
    await admin(sb, 'POST', 'faults/images', {
      image: `${NGINX}:crash`,
      crashExitCode: 3,
      crashAfterSeconds: 2,
    });
    await admin(sb, 'POST', 'faults/images', { image: `${NGINX}:slow`, slowStartSeconds: 100_000 });
  });
  after(async () => {
    clients.destroy();
    await sb.close();
  });

  it('circuit breaker with rollback: failed-ecs-rolled-back, naming the revision running now', async () => {
    const { cluster, v1 } = await setup({ breaker: { enable: true, rollback: true } });
    const res = await runEcsDeploy(
      request({ cluster, services: ['api'], image: img('crash') }),
      clients,
      collector().emit,
      fastHooks(),
    );
    const [r] = res.results;
    assert.equal(res.outcome, 'failed-ecs-rolled-back', r?.message);
    assert.equal(r!.runningTaskDefinitionArn, v1);
    assert.match(r!.message, /rolled the service back to app\d+:1/);
  });

  it('circuit breaker without rollback: failed', async () => {
    const { cluster } = await setup({ breaker: { enable: true, rollback: false } });
    const res = await runEcsDeploy(
      request({ cluster, services: ['api'], image: img('crash') }),
      clients,
      collector().emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'failed', res.results[0]?.message);
    assert.match(res.results[0]!.message, /circuit breaker/);
  });

  it('crash loop without a breaker: failed on the repeated stop reason, long before the timeout', async () => {
    const { cluster } = await setup();
    const started = Date.now();
    const res = await runEcsDeploy(
      request({ cluster, services: ['api'], image: img('crash'), timeoutSeconds: 600 }),
      clients,
      collector().emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'failed', res.results[0]?.message);
    assert.match(
      res.results[0]!.message,
      /\d+ tasks of app\d+:2 stopped: EssentialContainerExited.*exit code 3/,
    );
    assert.ok(Date.now() - started < 60_000);
  });

  it('capacity stall (fixed host port, no spare instance): failed on "unable to place"', async () => {
    const { cluster } = await setup({ instances: 2, hostPort: 80, desired: 2 });
    const res = await runEcsDeploy(
      request({
        cluster,
        services: ['api'],
        image: img('other'),
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        unablePlaceGraceSeconds: 3,
      }),
      clients,
      collector().emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'failed', res.results[0]?.message);
    assert.match(res.results[0]!.message, /unable to place/);
  });

  it('overall timeout: timed-out, saying ECS may still be rolling', async () => {
    const { cluster } = await setup();
    const c = collector();
    const res = await runEcsDeploy(
      request({ cluster, services: ['api'], image: img('slow'), timeoutSeconds: 4 }),
      clients,
      c.emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'timed-out', res.results[0]?.message);
    assert.match(res.results[0]!.message, /may still be rolling/);
    assert.ok(c.codes().includes('deploy.timeout'));
  });

  it('inactivity timeout: inactive', async () => {
    const { cluster } = await setup();
    const res = await runEcsDeploy(
      request({ cluster, services: ['api'], image: img('slow'), inactivityTimeoutSeconds: 4 }),
      clients,
      collector().emit,
      fastHooks(),
    );
    assert.equal(res.outcome, 'inactive', res.results[0]?.message);
  });

  it('our rollback goes to the last successfully deployed revision, not the previous registered one', async () => {
    const { cluster, family, v1 } = await setup();
    // Registered but never deployed: not a rollback target.
    await register(clients, family, [container(`${NGINX}:never-deployed`)]);
    const c = collector();
    const res = await runEcsDeploy(
      request({ cluster, services: ['api'], image: img('crash'), enableRollback: true }),
      clients,
      c.emit,
      fastHooks(),
    );
    const [r] = res.results;
    assert.equal(res.outcome, 'failed-rolled-back', r?.message);
    assert.equal(r!.runningTaskDefinitionArn, v1);
    assert.match(r!.taskDefinitionArn!, /:3$/);
    for (const code of ['deploy.failed', 'deploy.rollback-started', 'deploy.rollback-succeeded'])
      assert.ok(c.codes().includes(code), code);
  });

  it('a rollback that fails too: rollback-failed', async () => {
    const { cluster } = await setup();
    // The good image breaks after it was deployed: going back to it fails as well.
    await admin(sb, 'POST', 'faults/images', {
      image: `${NGINX}:good`,
      crashExitCode: 4,
      crashAfterSeconds: 2,
    });
    try {
      const c = collector();
      const res = await runEcsDeploy(
        request({ cluster, services: ['api'], image: img('crash'), enableRollback: true }),
        clients,
        c.emit,
        fastHooks(),
      );
      assert.equal(res.outcome, 'rollback-failed', res.results[0]?.message);
      assert.ok(c.codes().includes('deploy.rollback-failed'));
    } finally {
      await admin(sb, 'DELETE', 'faults');
      await admin(sb, 'POST', 'faults/images', {
        image: `${NGINX}:crash`,
        crashExitCode: 3,
        crashAfterSeconds: 2,
      });
      await admin(sb, 'POST', 'faults/images', { image: `${NGINX}:slow`, slowStartSeconds: 100_000 });
    }
  });
});
