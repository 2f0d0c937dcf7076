/**
 * Where the ecs-deploy script is wrong (spec/ecs-deploy.md): each test here fails on the script's
 * behaviour and passes on Slipway's.
 */
import {
  CreateServiceCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NGINX, short, World } from './world.js';

const CLUSTER = 'faults';
let world: World;
const dir = mkdtempSync(join(tmpdir(), 'slipway-faults-'));

before(async () => {
  world = await World.start();
  await world.cluster(CLUSTER, 12);
});
after(async () => {
  await world?.close();
});

async function runningDefinition(service: string): Promise<TaskDefinition> {
  const svc = await world.describe(CLUSTER, service);
  const out = await world.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition! }),
  );
  return out.taskDefinition!;
}

const DIGEST = 'sha256:' + 'ab'.repeat(32);

describe('the script’s faults', { concurrency: 4 }, () => {
  it('images are matched by exact repository, not by substring', async () => {
    await world.service({
      cluster: CLUSTER,
      service: 'substring',
      containers: [
        { name: 'app', image: 'repo/app:1', memory: 64, essential: true },
        { name: 'sidecar', image: 'sidecar/repo/app:5', memory: 64, essential: false },
        { name: 'other', image: 'repo/app-extra:3', memory: 64, essential: false },
      ],
    });
    const r = await world.cli(['-c', CLUSTER, '-n', 'substring', '-i', 'repo/app:2']);
    assert.equal(r.code, 0, r.stderr);
    const images = (await runningDefinition('substring')).containerDefinitions?.map((c) => c.image);
    assert.deepEqual(images, ['repo/app:2', 'sidecar/repo/app:5', 'repo/app-extra:3']);
  });

  it('an "image" that is the last key of its container is still replaced', async () => {
    await world.service({ cluster: CLUSTER, service: 'lastkey' });
    // Written by hand so that "image" is the container's last key, as sed in the script misses.
    const path = join(dir, 'lastkey.json');
    writeFileSync(
      path,
      `{"family":"lastkey","networkMode":"bridge","containerDefinitions":[{"name":"web","memory":128,"essential":true,"image":"${NGINX}:1.27"}]}`,
    );
    const r = await world.cli([
      '-c',
      CLUSTER,
      '-n',
      'lastkey',
      '-i',
      `${NGINX}:1.28`,
      '--task-definition-file',
      path,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await runningDefinition('lastkey')).containerDefinitions?.[0]?.image, `${NGINX}:1.28`);
  });

  it('-to on a digest reference gives repo:TAG, a valid reference', async () => {
    await world.service({
      cluster: CLUSTER,
      service: 'digest',
      containers: [{ name: 'web', image: `${NGINX}@${DIGEST}`, memory: 128, essential: true }],
    });
    const r = await world.cli(['-c', CLUSTER, '-n', 'digest', '-to', '1.29']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await runningDefinition('digest')).containerDefinitions?.[0]?.image, `${NGINX}:1.29`);
  });

  it('fields outside the script’s allow-list (pidMode, ipcMode, ...) survive', async () => {
    await world.service({
      cluster: CLUSTER,
      service: 'fields',
      taskDefinition: { pidMode: 'task', ipcMode: 'task' },
      containers: [
        {
          name: 'web',
          image: `${NGINX}:1.27`,
          memory: 128,
          essential: true,
          ulimits: [{ name: 'nofile', softLimit: 4096, hardLimit: 8192 }],
          stopTimeout: 20,
        },
      ],
    });
    const r = await world.cli(['-c', CLUSTER, '-n', 'fields', '-i', `${NGINX}:1.28`]);
    assert.equal(r.code, 0, r.stderr);
    const td = await runningDefinition('fields');
    assert.equal(td.revision, 2);
    assert.equal(td.pidMode, 'task');
    assert.equal(td.ipcMode, 'task');
    assert.deepEqual(td.containerDefinitions?.[0]?.ulimits, [
      { name: 'nofile', softLimit: 4096, hardLimit: 8192 },
    ]);
    assert.equal(td.containerDefinitions?.[0]?.stopTimeout, 20);
  });

  it('success is not one running task: tasks that run, then crash, fail the deployment', async () => {
    await world.service({ cluster: CLUSTER, service: 'crashy', desiredCount: 3 });
    const image = `${NGINX}:crashy`;
    await world.fault(image, { crashExitCode: 137, crashAfterSeconds: 3 });
    const r = await world.cli(['-c', CLUSTER, '-n', 'crashy', '-i', image]);
    // The script exits 0 as soon as one task of the new revision is RUNNING.
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^crashy: failed/);
  });

  it('rollback goes to the last *successfully deployed* revision, not the previous one, and waits', async () => {
    await world.service({ cluster: CLUSTER, service: 'lastgood' });
    // lastgood:2 is deployed and fails (nobody rolls back): the service now targets a broken revision.
    const bad2 = `${NGINX}:lastgood-bad2`;
    const bad3 = `${NGINX}:lastgood-bad3`;
    await world.fault(bad2, { failPull: true });
    await world.fault(bad3, { failPull: true });
    const first = await world.cli(['-c', CLUSTER, '-n', 'lastgood', '-i', bad2]);
    assert.equal(first.code, 1, first.stderr);
    const r = await world.cli(['-c', CLUSTER, '-n', 'lastgood', '-i', bad3, '--enable-rollback']);
    assert.equal(r.code, 15, `${r.stdout}\n${r.stderr}`);
    const svc = await world.describe(CLUSTER, 'lastgood');
    assert.equal(short(svc.taskDefinition), 'lastgood:1');
    assert.equal(svc.deployments?.length, 1);
    assert.equal(svc.runningCount, svc.desiredCount);
  });

  it('--max-definitions never deregisters a revision in use or the rollback target', async () => {
    // shared:1 runs in another service; shared:2 is what `keeper` runs before the deployment.
    const family = 'shared';
    const register = () =>
      world.ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          networkMode: 'bridge',
          containerDefinitions: [{ name: 'web', image: `${NGINX}:1.27`, memory: 128 }],
        }),
      );
    await world.service({ cluster: CLUSTER, service: 'shared' }); // shared:1, in use by `shared`
    const two = await register();
    await register(); // shared:3, idle
    await register(); // shared:4, idle
    await world.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'keeper',
        taskDefinition: two.taskDefinition!.taskDefinitionArn!,
        desiredCount: 1,
      }),
    );
    await world.settled(CLUSTER, 'keeper');
    const r = await world.cli([
      '-c',
      CLUSTER,
      '-n',
      'keeper',
      '-i',
      `${NGINX}:1.28`,
      '--max-definitions',
      '1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const active = await world.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' }),
    );
    const left = (active.taskDefinitionArns ?? []).map(short).sort();
    // The newest (shared:5), the one another service runs (shared:1) and the rollback target (shared:2).
    assert.deepEqual(left, ['shared:1', 'shared:2', 'shared:5']);
  });

  it('--run-task --wait-for-success checks every essential container, not the first', async () => {
    const failing = 'public.ecr.aws/docker/library/busybox:fails';
    // The second container exits 3, which stops the task; the first is stopped with exit 0.
    await world.fault(failing, { crashExitCode: 3, crashAfterSeconds: 2 });
    await world.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'twojob',
        containerDefinitions: [
          { name: 'first', image: `${NGINX}:job-old`, memory: 64, essential: true },
          { name: 'second', image: failing, memory: 64, essential: true },
        ],
      }),
    );
    const r = await world.cli([
      '-c',
      CLUSTER,
      '-d',
      'twojob',
      '-i',
      `${NGINX}:job-new`,
      '--run-task',
      '--wait-for-success',
    ]);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^twojob: task-failed/);
    assert.match(r.stdout + r.stderr, /second/);
  });
});
