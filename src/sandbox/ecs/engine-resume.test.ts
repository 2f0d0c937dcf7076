import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorldState } from '../world.js';
import {
  ACCOUNT,
  REGION,
  addInstances,
  createService,
  deploy,
  ecsOf,
  liveTasks,
  makeKit,
  messages,
  registerTaskDef,
  runUntil,
  web,
} from '../../../test/kits/sandbox-ecs.js';

test('a rollout continues after the world is saved as JSON and loaded into a new engine', () => {
  const kit = makeKit();
  addInstances(kit, 3);
  const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
  const v1 = registerTaskDef(kit, 'app', [web('app:1')]);
  const v2 = registerTaskDef(kit, 'app', [web('app:2')]);
  const svc = createService(kit, 'web', v1, { desired: 4, targetGroupArn: tg });
  runUntil(kit, () => svc.deployments[0]!.rolloutState === 'COMPLETED', 300);
  const id = deploy(kit, svc, v2);
  kit.clock.advance(17_000); // mid-rollout: new tasks starting, old ones not yet drained
  assert.equal(svc.deployments.length, 2);
  const saved = JSON.stringify(kit.world);
  const at = kit.clock.now();
  const live = liveTasks(kit, svc).length;
  kit.engine.stop();
  kit.clock.stop();

  const kit2 = makeKit(JSON.parse(saved) as WorldState, at);
  kit2.engine.resume();
  const svc2 = ecsOf(kit2).services[svc.serviceArn]!;
  assert.equal(liveTasks(kit2, svc2).length, live, 'indexes rebuilt');
  runUntil(
    kit2,
    () => svc2.deployments.length === 1 && svc2.deployments[0]!.rolloutState === 'COMPLETED',
    600,
  );
  assert.equal(svc2.deployments[0]!.id, id);
  assert.equal(svc2.deployments[0]!.runningCount, 4);
  assert.ok(liveTasks(kit2, svc2).every((t) => t.taskDefinitionArn === v2.taskDefinitionArn));
  assert.equal(messages(svc2).at(-1), '(service web) has reached a steady state.');
  kit2.engine.stop();
});

test('awslogs containers get lifecycle lines in <prefix>/<container>/<task id>', () => {
  const kit = makeKit();
  kit.world.settings.imageFaults.push({ image: 'job:1', crashExitCode: 4, crashAfterSeconds: 1 });
  const logConfiguration = {
    logDriver: 'awslogs',
    options: { 'awslogs-group': '/ecs/job', 'awslogs-stream-prefix': 'ecs', 'awslogs-create-group': 'true' },
  };
  const td = registerTaskDef(kit, 'job', [web('job:1', { logConfiguration })], { networkMode: 'awsvpc' });
  const [task] = kit.engine.runTasks(kit.account, REGION, kit.cluster, td, {
    count: 1,
    launchType: 'FARGATE',
  }).tasks;
  kit.clock.advance(120_000);
  assert.equal(task!.lastStatus, 'STOPPED');
  const group = kit.world.accounts[ACCOUNT]!.regions[REGION]!.logs.groups['/ecs/job'];
  const stream = group?.streams[`ecs/web/${task!.taskId}`];
  assert.ok(stream, 'stream created');
  const lines = stream.events.map((e) => e.message);
  assert.deepEqual(lines, ['Pulling image job:1', 'Container started', 'Exited with code 4']);
  kit.engine.stop();
});

test('stopped tasks are pruned after an hour', () => {
  const kit = makeKit();
  const td = registerTaskDef(kit, 'job', [web('job:1')], { networkMode: 'awsvpc' });
  const [task] = kit.engine.runTasks(kit.account, REGION, kit.cluster, td, {
    count: 1,
    launchType: 'FARGATE',
  }).tasks;
  kit.clock.advance(60_000);
  kit.engine.stopTask(kit.account, REGION, task!, '');
  kit.clock.advance(60_000);
  assert.equal(ecsOf(kit).tasks[task!.taskArn]?.stoppedReason, 'Task stopped by user');
  kit.clock.advance(3_600_000);
  assert.equal(ecsOf(kit).tasks[task!.taskArn], undefined);
  kit.engine.stop();
});

test('scale: 1,000 services with 5,000 tasks roll out without scanning every task per tick', () => {
  const kit = makeKit();
  addInstances(kit, 50, 1_000_000, 1_000_000);
  const v1 = registerTaskDef(kit, 'app', [web('app:1')]);
  const v2 = registerTaskDef(kit, 'app', [web('app:2')]);
  const services = Array.from({ length: 1000 }, (_, i) => createService(kit, `s${i}`, v1, { desired: 5 }));
  const started = performance.now();
  runUntil(kit, () => services.every((s) => s.deployments[0]!.rolloutState === 'COMPLETED'), 300);
  for (const s of services) deploy(kit, s, v2);
  runUntil(
    kit,
    () => services.every((s) => s.deployments.length === 1 && s.deployments[0]!.rolloutState === 'COMPLETED'),
    600,
  );
  const wall = performance.now() - started;
  assert.equal(Object.values(ecsOf(kit).tasks).filter((t) => t.lastStatus !== 'STOPPED').length, 5000);
  // Generous: it takes well under a second on a laptop; a per-tick scan of every task would not.
  assert.ok(wall < 20_000, `took ${wall} ms`);
  kit.engine.stop();
});
