/**
 * Migrations before the service update, through the deployment engine (store, runner, task log)
 * and the sandbox's ECS: a process "Migrate" (ecs-run-task) then "Deploy" (ecs-update-service).
 * A migration that exits 1 fails the deployment before the service is touched; one that exits 0
 * lets the update go on; the task's CloudWatch Logs lines are in the deployment's task log.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import * as planning from '../../src/core/deployments/index.js';
import type { ProcessStep } from '../../src/core/deployments/index.js';
import { createEcsRunTaskExecutor } from '../../src/jobs/executors/ecs-run-task.js';
import { createEcsUpdateServiceExecutor } from '../../src/jobs/executors/ecs-update-service.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { openStore, type Store } from '../../src/store/database.js';
import { seedPgliteDataDir, tempDataDir, type Backend } from '../helpers/postgres.js';
import {
  admin,
  container,
  createStableService,
  fastHooks,
  register,
  sandboxClients,
  stats,
} from '../kits/deploy.js';
import { facts } from '../kits/deployment-plan.js';
import { openEngineModel, step, target } from '../kits/engine.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
const REGISTRY = 'public.ecr.aws';
const NGINX = `${REGISTRY}/docker/library/nginx`;
const CLUSTER = 'shop';

/** PGlite only: the engine's store is not what this test is about. */
function pglite(stores: Store[]): Backend {
  const backend: Backend = {
    kind: 'pglite',
    async freshLocation() {
      const dataDir = tempDataDir();
      await seedPgliteDataDir(dataDir);
      return { dataDir };
    },
    async open(options = {}) {
      const store = await openStore({ ...(await backend.freshLocation()), ...options });
      stores.push(store);
      return store;
    },
    postgres: () => Promise.reject(new Error('PGlite only')),
  };
  return backend;
}

const STEPS: ProcessStep[] = [
  step('Migrate', {
    roles: ['shop'],
    action: {
      type: 'ecs-run-task',
      taskDefinition: 'shop-migrate',
      networkFrom: 'shop',
      containers: [{ name: 'app', command: ['./manage', 'migrate'], environment: [] }],
      timeoutMinutes: 10,
      packages: [],
    },
  }),
  step('Deploy', {
    roles: ['shop'],
    action: {
      type: 'ecs-update-service',
      service: 'shop',
      containers: [
        { name: 'app', image: 'web', environment: [], environmentMode: 'append', environmentFiles: [] },
      ],
      waitForDeployment: true,
      timeoutMinutes: 10,
      forceNewDeployment: false,
      tags: [],
      packages: [{ name: 'web', feed: 'feeds-1', image: 'docker/library/nginx' }],
    },
  }),
];

describe('run-task migrations before the service update (engine + sandbox)', () => {
  let sb: Sandbox;
  const stores: Store[] = [];
  let m: Awaited<ReturnType<typeof openEngineModel>>;
  const TARGET = target('Targets-1', ['shop'], { cluster: CLUSTER, region: 'us-east-1' });

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 100 });
    m = await openEngineModel(pglite(stores));
    await admin(sb, 'POST', 'clusters', { name: CLUSTER, instances: { count: 3 } });
    for (const [tag, code] of [
      ['migrate-bad', 1],
      ['migrate-ok', 0],
    ] as const)
      await admin(sb, 'POST', 'faults/images', {
        image: `${NGINX}:${tag}`,
        crashExitCode: code,
        crashAfterSeconds: 5,
      });
    const clients = sandboxClients(sb);
    try {
      const v1 = await register(clients, 'shop', [container(`${NGINX}:1.0`)]);
      await createStableService(clients, {
        cluster: CLUSTER,
        serviceName: 'shop',
        taskDefinition: v1,
        desiredCount: 2,
      });
    } finally {
      clients.destroy();
    }
  });
  afterEach(async () => m.stopAll());
  after(async () => {
    await m.stopAll();
    await Promise.all(stores.map((s) => s.close()));
    await sb.close();
  });

  /** Registers the migration's newest revision on `image`, deploys release 2.0, answers the deployment. */
  async function deployWithMigration(image: string) {
    const clients = sandboxClients(sb);
    try {
      await register(clients, 'shop-migrate', [
        container(`${NGINX}:${image}`, {
          portMappings: [],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/shop/migrate',
              'awslogs-stream-prefix': 'migrate',
              'awslogs-create-group': 'true',
              'awslogs-region': 'us-east-1',
            },
          },
        }),
      ]);
    } finally {
      clients.destroy();
    }
    const hooks = fastHooks();
    const engine = await m.engine([createEcsRunTaskExecutor(hooks), createEcsUpdateServiceExecutor(hooks)], {
      deps: {
        // Evaluated in this thread: the evaluation worker threads are not what this test is about.
        planner: planning,
        load: async (d) => ({
          facts: facts({
            deploymentId: d.id,
            process: { steps: STEPS },
            targets: [TARGET],
            packages: [
              {
                step: 'Deploy',
                package: 'web',
                feedId: 'feeds-1',
                image: 'docker/library/nginx',
                version: '2.0',
              },
            ],
            registries: { 'feeds-1': REGISTRY },
          }),
          snapshot: [],
          tenantValues: {},
        }),
        aws: async () => sandboxClients(sb),
      },
    });
    const d = await m.deployment(STEPS, { targets: [TARGET] });
    await admin(sb, 'DELETE', 'stats');
    await engine.enqueue([d.id]);
    await engine.waitFor(d.id, 60_000);
    const done = await m.deployments.getById(d.id);
    const log = await m.deployments.log(d.id);
    return { done, log, text: log.map((l) => l.message).join('\n'), calls: await stats(sb) };
  }

  const serviceImage = async () => {
    const clients = sandboxClients(sb);
    try {
      const s = (
        await clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['shop'] }))
      ).services![0]!;
      return s.taskDefinition!;
    } finally {
      clients.destroy();
    }
  };

  it('a migration that exits 1 stops the deployment before the service update', async () => {
    const before = await serviceImage();
    const { done, log, text, calls } = await deployWithMigration('migrate-bad');
    assert.equal(done.state, 'failed', text);
    assert.match(done.error ?? '', /container app: exit code 1/);
    assert.equal(calls['ecs:UpdateService'] ?? 0, 0, 'the service was not touched');
    assert.equal(calls['ecs:RunTask'], 1);
    assert.equal(await serviceImage(), before);
    // The task's own log lines are in the task log, under the Migrate step.
    const lines = log.filter((l) => l.code === 'task.log').map((l) => [l.path[0], l.data?.['line']]);
    assert.deepEqual(lines.at(-1), ['Migrate', 'Exited with code 1'], JSON.stringify(lines));
    assert.ok(!log.some((l) => l.path[0] === 'Deploy' && l.code !== undefined), text);
  });

  it('a migration that exits 0 lets the service update go on, after it', async () => {
    const before = await serviceImage();
    const { done, log, text, calls } = await deployWithMigration('migrate-ok');
    assert.equal(done.state, 'success', `${done.error ?? ''}\n${text}`);
    assert.equal(calls['ecs:RunTask'], 1);
    assert.equal(calls['ecs:UpdateService'], 1);
    assert.notEqual(await serviceImage(), before);
    const stopped = log.findIndex((l) => l.code === 'task.stopped');
    const updated = log.findIndex((l) => l.code === 'deploy.service-updated');
    assert.ok(stopped >= 0 && updated > stopped, 'the migration ended before the update began');
    assert.ok(
      log.some((l) => l.code === 'task.log' && l.data?.['line'] === 'Exited with code 0'),
      text,
    );
  });
});
