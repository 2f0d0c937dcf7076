import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  type DeploymentConfiguration,
} from '@aws-sdk/client-ecs';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import { isSlipwayError } from '../../src/core/errors.js';
import type { TaskDefinitionJson } from '../../src/core/taskdef/index.js';
import type { SlipwayEvent } from '../../src/core/events.js';
import { answerPausedDeployment } from '../../src/deploy/answer-pause.js';
import type { DeployControl } from '../../src/deploy/service-input.js';
import { deployServices } from '../../src/deploy/services.js';
import { addContainerInstances } from '../../src/sandbox/ecs/admin.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';

const cluster = 'strat';
let sb: SandboxHandle;
let ecs: ECSClient;
let clients: AwsClients;

/** The deployer's waits advance the sandbox clock instead of sleeping (a 5-minute bake takes no wall time). */
function control(): DeployControl {
  return {
    now: () => sb.runtime.clock.now(),
    sleep: async (ms) => {
      sb.runtime.clock.advance(ms);
      await new Promise((r) => setImmediate(r));
    },
  };
}

async function service(name: string, config: DeploymentConfiguration, deploymentController?: 'CODE_DEPLOY') {
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: name,
      containerDefinitions: [{ name: 'app', image: 'nginx:1', memory: 64 }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: name,
      taskDefinition: td.taskDefinition!.taskDefinitionArn!,
      desiredCount: 2,
      deploymentConfiguration: config,
      ...(deploymentController ? { deploymentController: { type: deploymentController } } : {}),
    }),
  );
  // Let the first deployment finish.
  for (let i = 0; i < 600; i++) sb.runtime.clock.advance(1000);
  await new Promise((r) => setTimeout(r, 50));
}

/** The definition with its container's image replaced (everything else kept). */
function withImage(td: TaskDefinitionJson, image: string): TaskDefinitionJson {
  const cs = (td.containerDefinitions ?? []) as Record<string, unknown>[];
  return { ...td, containerDefinitions: cs.map((c) => ({ ...c, image })) };
}

function deploy(
  name: string,
  events: SlipwayEvent[],
  image = 'nginx:2',
  extra: Record<string, unknown> = {},
) {
  return deployServices(
    {
      cluster,
      services: [name],
      edit: (td) => withImage(td, image),
      timeoutSeconds: 600,
      inactivityTimeoutSeconds: 60,
      ...extra,
    },
    clients,
    { ...control(), progress: (e) => events.push(e) },
  );
}

before(async () => {
  sb = await startSandbox({ port: 0, timeScale: 50, throttling: false });
  ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  clients = createAwsClients({
    region: sb.region,
    endpoint: sb.endpoint,
    credentials: {
      kind: 'static',
      accessKeyId: sb.credentials.accessKeyId,
      secretAccessKey: sb.credentials.secretAccessKey,
    },
  });
  addContainerInstances(sb.runtime, sb.runtime.world.accounts[sb.accountId]!, sb.region, cluster, {
    count: 4,
    cpu: 100_000,
    memory: 100_000,
  });
});
after(async () => {
  clients.destroy();
  ecs.destroy();
  await sb.close();
});

describe('strategy deployments against the sandbox', () => {
  it('BLUE_GREEN: succeeds after a bake longer than the inactivity timeout, stages observed in order', async () => {
    await service('bg', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 });
    const events: SlipwayEvent[] = [];
    const [r] = await deploy('bg', events);
    assert.equal(r?.outcome, 'succeeded', r?.message);
    assert.match(r?.deploymentId ?? '', /service-deployment/);
    const stages = events.filter((e) => e.code === 'deploy.stage').map((e) => e.data.stage as string);
    const order = [
      'PRE_SCALE_UP',
      'SCALE_UP',
      'POST_SCALE_UP',
      'TEST_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      'BAKE_TIME',
      'CLEAN_UP',
    ];
    const positions = stages.map((s) => order.indexOf(s)).filter((i) => i >= 0);
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
      stages.join(' → '),
    );
    assert.ok(stages.includes('BAKE_TIME'), stages.join(' → '));
  });

  it('PAUSE: the CLI path returns paused; continue finishes the deployment', async () => {
    await service('pz', {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
    });
    const events: SlipwayEvent[] = [];
    const [r] = await deploy('pz', events);
    assert.equal(r?.outcome, 'paused', r?.message);
    assert.equal(r?.stage, 'POST_TEST_TRAFFIC_SHIFT');
    assert.match(r?.message ?? '', /slipway ecs-deploy continue -c strat -n pz/);
    const answered: SlipwayEvent[] = [];
    const done = await answerPausedDeployment(
      { cluster, service: 'pz', action: 'continue', timeoutSeconds: 600, inactivityTimeoutSeconds: 60 },
      clients,
      (e) => answered.push(e),
      control(),
    );
    assert.equal(done.outcome, 'succeeded', done.message);
    // continue did not start the deployment: its revisions (DescribeServiceRevisions) name both sides.
    const table = answered.find((e) => e.code === 'deploy.deployments');
    const rows = table?.data.deployments as { status: string; taskDefinition: string }[];
    assert.deepEqual(
      rows.map((row) => `${row.status} ${row.taskDefinition}`),
      ['TARGET pz:2', 'SOURCE pz:1'],
    );
    assert.equal(table?.data.revision, 'pz:2');
  });

  it('a first deployment paused at a hook: the rows say IN_PROGRESS, as its service deployment does', async () => {
    await service('pf', {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
    });
    const svc = await ecs.send(new DescribeServicesCommand({ cluster, services: ['pf'] }));
    // The ecs-svc deployment of the first deployment is done; its service deployment is not.
    assert.equal(svc.services?.[0]?.deployments?.[0]?.rolloutState, 'COMPLETED');
    const events: SlipwayEvent[] = [];
    // The same content: follows the paused first deployment.
    const [r] = await deploy('pf', events, 'nginx:1');
    assert.equal(r?.outcome, 'paused', r?.message);
    const table = events.findLast((e) => e.code === 'deploy.deployments');
    const rows = table?.data.deployments as { status: string; rolloutState: string }[];
    assert.deepEqual(
      rows.map((row) => `${row.status} ${row.rolloutState}`),
      ['TARGET IN_PROGRESS'],
    );
    assert.equal(table?.data.stage, 'POST_TEST_TRAFFIC_SHIFT');
    assert.equal(table?.data.status, 'IN_PROGRESS');
  });

  it('PAUSE: rollback rolls the deployment back', async () => {
    await service('pr', {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
    });
    const [r] = await deploy('pr', []);
    assert.equal(r?.outcome, 'paused', r?.message);
    const done = await answerPausedDeployment(
      { cluster, service: 'pr', action: 'rollback', timeoutSeconds: 600, inactivityTimeoutSeconds: 60 },
      clients,
      () => {},
      control(),
    );
    assert.equal(done.outcome, 'failed-rolled-back', done.message);
  });

  it('PAUSE through an answerer (the server path): proceed continues', async () => {
    await service('ps', {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
    });
    const asked: string[] = [];
    const [r] = await deployServices(
      {
        cluster,
        services: ['ps'],
        edit: (td) => withImage(td, 'nginx:3'),
        timeoutSeconds: 600,
        inactivityTimeoutSeconds: 60,
      },
      clients,
      {
        ...control(),
        paused: async (p) => {
          asked.push(p.stage);
          return 'CONTINUE';
        },
      },
    );
    assert.deepEqual(asked, ['POST_TEST_TRAFFIC_SHIFT']);
    assert.equal(r?.outcome, 'succeeded', r?.message);
  });

  it('re-running mid-bake re-attaches by the service deployment ARN (no second UpdateService)', async () => {
    await service('ra', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 8 });
    const abort = new AbortController();
    const events: SlipwayEvent[] = [];
    const first = deployServices(
      {
        cluster,
        services: ['ra'],
        edit: (td) => withImage(td, 'nginx:2'),
        timeoutSeconds: 600,
        inactivityTimeoutSeconds: 60,
      },
      clients,
      {
        ...control(),
        signal: abort.signal,
        progress: (e) => {
          events.push(e);
          if (e.code === 'deploy.stage' && e.data.stage === 'BAKE_TIME') abort.abort(new Error('killed'));
        },
      },
    );
    await assert.rejects(first, /killed/);
    const arn = events.find((e) => e.code === 'deploy.service-updated')?.data.serviceDeploymentArn;
    const again: SlipwayEvent[] = [];
    const [r] = await deploy('ra', again);
    assert.ok(
      again.some((e) => e.code === 'deploy.attached' && e.data.deploymentId === arn),
      again
        .slice(0, 4)
        .map((e) => e.message)
        .join('\n'),
    );
    assert.ok(!again.some((e) => e.code === 'deploy.service-updated'), 'no second UpdateService');
    assert.equal(r?.outcome, 'succeeded', r?.message);
    assert.equal(r?.deploymentId, arn);
  });

  it('a timeout with enableRollback: StopServiceDeployment(ROLLBACK), watched to ROLLBACK_SUCCESSFUL', async () => {
    await service('tr', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 });
    const events: SlipwayEvent[] = [];
    // Scaling up green takes longer than 3 s of sandbox time: the watch gives up and rolls back.
    const [r] = await deploy('tr', events, 'nginx:2', { timeoutSeconds: 3, enableRollback: true });
    assert.equal(r?.outcome, 'failed-rolled-back', r?.message);
    assert.ok(events.some((e) => e.code === 'deploy.timeout'));
    assert.ok(
      events.some((e) => e.code === 'deploy.rollback-succeeded'),
      r?.message,
    );
    const listed = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service: 'tr' }));
    assert.equal(listed.serviceDeployments?.[0]?.status, 'ROLLBACK_SUCCESSFUL');
  });

  it('a cancel leaves the ECS deployment going unless asked to stop it; asked, ECS rolls it back', async () => {
    for (const [name, stopOnCancel] of [
      ['keep', false],
      ['stop', true],
    ] as const) {
      await service(name, { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 10 });
      const abort = new AbortController();
      const run = deployServices(
        {
          cluster,
          services: [name],
          edit: (td) => withImage(td, 'nginx:2'),
          timeoutSeconds: 1200,
          inactivityTimeoutSeconds: 60,
          ...(stopOnCancel ? { stopOnCancel: true } : {}),
        },
        clients,
        {
          ...control(),
          signal: abort.signal,
          progress: (e) => {
            if (e.code === 'deploy.stage' && e.data.stage === 'BAKE_TIME') abort.abort(new Error('canceled'));
          },
        },
      );
      await assert.rejects(run, /canceled/);
      const listed = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service: name }));
      const status = listed.serviceDeployments?.[0]?.status;
      if (stopOnCancel) assert.match(status ?? '', /^ROLLBACK_/, `${name}: ${status}`);
      else assert.equal(status, 'IN_PROGRESS', `${name}: ECS keeps deploying`);
    }
  });

  it('ROLLING with early success: sets the criteria and follows the service deployment to SUCCESSFUL', async () => {
    await service('early', { minimumHealthyPercent: 50, maximumPercent: 100 });
    const events: SlipwayEvent[] = [];
    const [r] = await deploy('early', events, 'nginx:2', {
      earlySuccess: { healthyPercent: 50, cleanup: 'DEFERRED' },
    });
    assert.equal(r?.outcome, 'succeeded', r?.message);
    assert.match(r?.deploymentId ?? '', /:service-deployment\//, 'judged by its service deployment');
    const listed = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service: 'early' }));
    assert.equal(listed.serviceDeployments?.[0]?.status, 'SUCCESSFUL');
    const svc = await ecs.send(new DescribeServicesCommand({ cluster, services: ['early'] }));
    assert.deepEqual(svc.services?.[0]?.deploymentConfiguration?.earlySuccessCriteria, {
      enable: true,
      healthyPercent: 50,
      sourceServiceRevisionCleanup: 'DEFERRED',
    });
    // Turned off again: back to the rolling judge (by the ecs-svc deployment).
    const [off] = await deploy('early', [], 'nginx:3', { earlySuccess: false });
    assert.equal(off?.outcome, 'succeeded', off?.message);
    assert.match(off?.deploymentId ?? '', /^ecs-svc\//);
  });

  it('CODE_DEPLOY controller: a clear refusal, before any change', async () => {
    await service('cd', {}, 'CODE_DEPLOY');
    const events: SlipwayEvent[] = [];
    await assert.rejects(deploy('cd', events), (e: unknown) => {
      assert.ok(isSlipwayError(e), String(e));
      assert.equal(e.code, 'INVALID_INPUT');
      assert.match(e.message, /CODE_DEPLOY.*CodeDeploy/s);
      return true;
    });
    assert.ok(!events.some((e) => e.code === 'deploy.service-updated'), 'no UpdateService');
  });
});
