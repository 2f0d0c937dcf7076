import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageExists } from '../ecr/lookup.js';
import { breakerThreshold } from './engine-rollout.js';
import {
  addInstances,
  allTasks,
  createService,
  deploy,
  liveTasks,
  makeKit,
  messages,
  registerTaskDef,
  runUntil,
  web,
  type Kit,
} from '../../../test/kits/sandbox-ecs.js';

function completed(kit: Kit, svc: ReturnType<typeof createService>, maxSeconds = 300): void {
  runUntil(
    kit,
    () => svc.deployments.length === 1 && svc.deployments[0]!.rolloutState === 'COMPLETED',
    maxSeconds,
  );
}

test('circuit breaker threshold is half the desired count, clamped to [3, 200]', () => {
  const table: [number, number][] = [
    [1, 3],
    [4, 3],
    [7, 4],
    [10, 5],
    [399, 200],
    [1000, 200],
  ];
  for (const [desired, threshold] of table)
    assert.equal(breakerThreshold(desired), threshold, `desired ${desired}`);
});

test('circuit breaker with rollback: FAILED, rolling back, a new PRIMARY on the old task definition completes', () => {
  const kit = makeKit();
  addInstances(kit, 2);
  kit.world.settings.imageFaults.push({ image: 'app:bad', crashExitCode: 3, crashAfterSeconds: 2 });
  const good = registerTaskDef(kit, 'app', [web('app:good')]);
  const bad = registerTaskDef(kit, 'app', [web('app:bad')]);
  const svc = createService(kit, 'web', good, { desired: 2, breaker: { enable: true, rollback: true } });
  completed(kit, svc);
  const goodId = svc.deployments[0]!.id;
  const badId = deploy(kit, svc, bad);
  runUntil(kit, () => svc.deployments.find((d) => d.id === badId)?.rolloutState === 'FAILED', 600);
  const failedDep = svc.deployments.find((d) => d.id === badId)!;
  assert.equal(failedDep.status, 'ACTIVE');
  assert.equal(failedDep.failedTasks, 3);
  assert.equal(failedDep.rolloutStateReason, 'ECS deployment circuit breaker: tasks failed to start.');
  const m = messages(svc);
  assert.ok(m.includes(`(service web) deployment ${badId} deployment failed: tasks failed to start.`));
  assert.ok(m.includes(`(service web) rolling back to deployment ${goodId}.`));
  const rollback = svc.deployments[0]!;
  assert.notEqual(rollback.id, goodId);
  assert.equal(rollback.status, 'PRIMARY');
  assert.equal(rollback.taskDefinition, good.taskDefinitionArn);
  assert.equal(svc.taskDefinition, good.taskDefinitionArn);
  completed(kit, svc, 600);
  assert.equal(svc.deployments[0]!.id, rollback.id);
  assert.equal(svc.deployments[0]!.runningCount, 2);
  // The crashed tasks tell why.
  const crashed = allTasks(kit, svc).filter((t) => t.taskDefinitionArn === bad.taskDefinitionArn && t.failed);
  assert.ok(crashed.length >= 3);
  for (const t of crashed) {
    assert.equal(t.stopCode, 'EssentialContainerExited');
    assert.equal(t.stoppedReason, 'Essential container in task exited');
    assert.equal(t.containers[0]!.exitCode, 3);
  }
  kit.engine.stop();
});

test('circuit breaker without rollback: the deployment FAILS and stays, launching no more', () => {
  const kit = makeKit();
  addInstances(kit, 2);
  kit.world.settings.imageFaults.push({ image: 'app:bad', crashExitCode: 1, crashAfterSeconds: 1 });
  const good = registerTaskDef(kit, 'app', [web('app:good')]);
  const bad = registerTaskDef(kit, 'app', [web('app:bad')]);
  const svc = createService(kit, 'web', good, { desired: 2, breaker: { enable: true, rollback: false } });
  completed(kit, svc);
  const badId = deploy(kit, svc, bad);
  runUntil(kit, () => svc.deployments[0]!.rolloutState === 'FAILED', 600);
  kit.clock.advance(600_000);
  const primary = svc.deployments[0]!;
  assert.equal(primary.id, badId);
  assert.equal(primary.status, 'PRIMARY');
  assert.equal(primary.rolloutState, 'FAILED');
  assert.ok(primary.failedTasks >= 3);
  assert.ok(!messages(svc).some((x) => x.includes('rolling back')));
  // The old tasks keep serving.
  assert.equal(liveTasks(kit, svc).filter((t) => t.taskDefinitionArn === good.taskDefinitionArn).length, 2);
  assert.equal(liveTasks(kit, svc).filter((t) => t.taskDefinitionArn === bad.taskDefinitionArn).length, 0);
  kit.engine.stop();
});

test('without a circuit breaker a crash-looping image is retried forever', () => {
  const kit = makeKit();
  addInstances(kit, 2);
  kit.world.settings.imageFaults.push({ image: 'app:bad', crashExitCode: 137, crashAfterSeconds: 5 });
  const good = registerTaskDef(kit, 'app', [web('app:good')]);
  const bad = registerTaskDef(kit, 'app', [web('app:bad')]);
  const svc = createService(kit, 'web', good, { desired: 2 });
  completed(kit, svc);
  const badId = deploy(kit, svc, bad);
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    kit.clock.advance(300_000);
    seen.push(svc.deployments[0]!.failedTasks);
  }
  assert.equal(svc.deployments[0]!.id, badId);
  assert.equal(svc.deployments[0]!.rolloutState, 'IN_PROGRESS');
  for (let i = 1; i < seen.length; i++)
    assert.ok(seen[i]! > seen[i - 1]!, `failedTasks grows: ${seen.join(',')}`);
  // The relaunch delay paces the retries.
  const t = kit.world.settings.timings;
  const cycle = t.imagePullSeconds + t.startSeconds + 5 + t.relaunchDelaySeconds;
  assert.ok(
    seen.at(-1)! <= Math.ceil((1800 / cycle) * 2),
    `not faster than the relaunch delay: ${seen.at(-1)}`,
  );
  assert.equal(liveTasks(kit, svc).filter((t) => t.taskDefinitionArn === good.taskDefinitionArn).length, 2);
  kit.engine.stop();
});

test('a failing pull stops the task with TaskFailedToStart and CannotPullContainerError', () => {
  const kit = makeKit();
  addInstances(kit, 1);
  kit.world.settings.imageFaults.push({ image: 'app:gone', failPull: true });
  const td = registerTaskDef(kit, 'app', [web('app:gone')]);
  const svc = createService(kit, 'web', td, { desired: 1, breaker: { enable: true, rollback: true } });
  runUntil(kit, () => svc.deployments[0]!.rolloutState === 'FAILED', 600);
  // The first deployment has nothing to roll back to.
  assert.equal(svc.deployments.length, 1);
  const [task] = allTasks(kit, svc);
  assert.equal(task!.lastStatus, 'STOPPED');
  assert.equal(task!.stopCode, 'TaskFailedToStart');
  assert.match(
    task!.stoppedReason!,
    /^CannotPullContainerError: pull image manifest has been retried 5 time\(s\): .*not found$/,
  );
  assert.equal(task!.containers[0]!.reason, task!.stoppedReason);
  assert.equal(task!.startedAt, undefined);
  kit.engine.stop();
});

test('strict pulls fail images of other registries unless known', () => {
  const kit = makeKit();
  kit.world.settings.strictPulls = true;
  kit.world.settings.knownImages = ['nginx:known'];
  const known = registerTaskDef(kit, 'a', [web('nginx:known')], { networkMode: 'awsvpc' });
  const unknown = registerTaskDef(kit, 'b', [web('nginx:unknown')], { networkMode: 'awsvpc' });
  const opts = { count: 1, launchType: 'FARGATE' };
  const [ok] = kit.engine.runTasks(kit.account, 'us-east-1', kit.cluster, known, opts).tasks;
  const [ko] = kit.engine.runTasks(kit.account, 'us-east-1', kit.cluster, unknown, opts).tasks;
  kit.clock.advance(60_000);
  assert.equal(ok!.lastStatus, 'RUNNING');
  assert.equal(ko!.lastStatus, 'STOPPED');
  assert.equal(ko!.stopCode, 'TaskFailedToStart');
  kit.engine.stop();
});

test('a missing image of the sandbox registry fails to pull', () => {
  const kit = makeKit();
  const image = `${kit.runtime.registryHost}/nothing-here:v1`;
  assert.equal(imageExists(kit.runtime, kit.account, 'us-east-1', image), false);
  const td = registerTaskDef(kit, 'a', [web(image)], { networkMode: 'awsvpc' });
  const [task] = kit.engine.runTasks(kit.account, 'us-east-1', kit.cluster, td, {
    count: 1,
    launchType: 'FARGATE',
  }).tasks;
  kit.clock.advance(60_000);
  assert.equal(task!.stopCode, 'TaskFailedToStart');
  assert.match(task!.stoppedReason!, /^CannotPullContainerError: .*nothing-here:v1.*not found$/);
  kit.engine.stop();
});

test('container health checks: HEALTHY gates the rollout; failing ones are stopped by the scheduler', () => {
  const kit = makeKit();
  addInstances(kit, 2);
  kit.world.settings.imageFaults.push({ image: 'app:sick', failHealthCheck: true });
  const healthCheck = { command: ['CMD', 'true'], interval: 5, retries: 2, startPeriod: 10 };
  const good = registerTaskDef(kit, 'app', [web('app:good', { healthCheck })]);
  const sick = registerTaskDef(kit, 'app', [web('app:sick', { healthCheck })]);
  const svc = createService(kit, 'web', good, { desired: 1 });
  const t = kit.world.settings.timings;
  kit.clock.advance((t.imagePullSeconds + t.startSeconds) * 1000);
  const [task] = liveTasks(kit, svc);
  assert.equal(task!.lastStatus, 'RUNNING');
  assert.equal(task!.healthStatus, 'UNKNOWN');
  assert.equal(svc.deployments[0]!.rolloutState, 'IN_PROGRESS');
  kit.clock.advance(5000);
  assert.equal(task!.healthStatus, 'HEALTHY');
  assert.equal(task!.containers[0]!.healthStatus, 'HEALTHY');
  assert.equal(svc.deployments[0]!.rolloutState, 'COMPLETED');

  const sickId = deploy(kit, svc, sick);
  runUntil(kit, () => svc.deployments[0]!.failedTasks >= 1, 120);
  const [bad] = allTasks(kit, svc).filter((x) => x.taskDefinitionArn === sick.taskDefinitionArn);
  // startPeriod 10 + interval 5 × retries 2 = 20 s after it started.
  assert.equal(bad!.stoppingAt! - bad!.startedAt!, 20_000);
  assert.equal(bad!.healthStatus, 'UNHEALTHY');
  assert.equal(bad!.stopCode, 'ServiceSchedulerInitiated');
  assert.equal(bad!.stoppedReason, 'Task failed container health checks');
  assert.equal(svc.deployments[0]!.id, sickId);
  assert.equal(task!.lastStatus, 'RUNNING', 'the healthy old task stays (min 100%)');
  kit.engine.stop();
});

test('health check grace period delays the scheduler stopping an unhealthy task', () => {
  const kit = makeKit();
  addInstances(kit, 1);
  kit.world.settings.imageFaults.push({ image: 'app:sick', failHealthCheck: true });
  const td = registerTaskDef(kit, 'app', [
    web('app:sick', { healthCheck: { command: ['CMD', 'x'], interval: 5, retries: 1 } }),
  ]);
  const svc = createService(kit, 'web', td, { desired: 1, grace: 60 });
  runUntil(kit, () => svc.deployments[0]!.failedTasks >= 1, 300);
  const [bad] = allTasks(kit, svc);
  assert.equal(bad!.stoppingAt! - bad!.startedAt!, 60_000);
  kit.engine.stop();
});

test('slowStartSeconds delays RUNNING', () => {
  const kit = makeKit();
  addInstances(kit, 1);
  kit.world.settings.imageFaults.push({ image: 'app:slow', slowStartSeconds: 30 });
  const td = registerTaskDef(kit, 'app', [web('app:slow')]);
  const svc = createService(kit, 'web', td, { desired: 1 });
  runUntil(kit, () => svc.deployments[0]!.runningCount === 1, 300);
  const [task] = allTasks(kit, svc);
  const t = kit.world.settings.timings;
  assert.equal(task!.startedAt! - task!.pullStoppedAt!, (t.startSeconds + 30) * 1000);
  kit.engine.stop();
});

test('a standalone task whose essential container exits is STOPPED with EssentialContainerExited', () => {
  const kit = makeKit();
  addInstances(kit, 1);
  kit.world.settings.imageFaults.push({ image: 'job:1', crashExitCode: 2, crashAfterSeconds: 3 });
  const td = registerTaskDef(kit, 'job', [web('job:1')]);
  const { tasks } = kit.engine.runTasks(kit.account, 'us-east-1', kit.cluster, td, {
    count: 1,
    launchType: 'EC2',
  });
  const task = tasks[0]!;
  kit.clock.advance(60_000);
  assert.equal(task.lastStatus, 'STOPPED');
  assert.equal(task.desiredStatus, 'STOPPED');
  assert.equal(task.stopCode, 'EssentialContainerExited');
  assert.equal(task.stoppedReason, 'Essential container in task exited');
  assert.equal(task.containers[0]!.exitCode, 2);
  assert.equal(task.stoppingAt! - task.startedAt!, 3000);
  kit.engine.stop();
});
