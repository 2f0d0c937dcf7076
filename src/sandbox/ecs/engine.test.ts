import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addInstances,
  allTasks,
  counts,
  createService,
  deploy,
  liveTasks,
  makeKit,
  messages,
  registerTaskDef,
  runUntil,
  web,
} from '../../../test/kits/sandbox-ecs.js';

test('a Fargate task walks the whole lifecycle with timestamps', () => {
  const kit = makeKit();
  const td = registerTaskDef(kit, 'app', [web('nginx:1')], {
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
  });
  const svc = createService(kit, 'web', td, { desired: 1, launchType: 'FARGATE' });
  const [task] = liveTasks(kit, svc);
  assert.ok(task);
  const seen: string[] = [task.lastStatus];
  runUntil(
    kit,
    () => svc.deployments[0]!.rolloutState === 'COMPLETED',
    120,
    () => {
      if (seen.at(-1) !== task.lastStatus) seen.push(task.lastStatus);
    },
  );
  assert.deepEqual(seen, ['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING']);
  assert.equal(task.launchType, 'FARGATE');
  assert.equal(task.containerInstanceArn, undefined);
  assert.ok(task.pullStartedAt! < task.pullStoppedAt! && task.pullStoppedAt! < task.startedAt!);
  assert.equal(task.healthStatus, 'UNKNOWN');
  assert.equal(task.containers[0]!.lastStatus, 'RUNNING');
  assert.deepEqual(
    svc.deployments.map((d) => [d.runningCount, d.pendingCount]),
    [[1, 0]],
  );
  const m = messages(svc);
  assert.match(m[0]!, /^\(service web\) has started 1 tasks: \(task [0-9a-f]{32}\)\.$/);
  assert.match(m.at(-2)!, /^\(service web\) deployment ecs-svc\/\d{19} deployment completed\.$/);
  assert.equal(m.at(-1), '(service web) has reached a steady state.');
  assert.match(svc.deployments[0]!.rolloutStateReason, /^ECS deployment ecs-svc\/\d{19} completed\.$/);

  // A user stop: DEACTIVATING is skipped without load balancers; awsvpc deprovisions.
  kit.engine.stopTask(kit.account, 'us-east-1', task, 'because');
  const down: string[] = [task.lastStatus];
  runUntil(
    kit,
    () => task.lastStatus === 'STOPPED',
    60,
    () => {
      if (down.at(-1) !== task.lastStatus) down.push(task.lastStatus);
    },
  );
  assert.deepEqual(down, ['STOPPING', 'DEPROVISIONING', 'STOPPED']);
  assert.equal(task.stopCode, 'UserInitiated');
  assert.equal(task.stoppedReason, 'because');
  assert.equal(task.containers[0]!.exitCode, 0);
  assert.ok(task.stoppingAt! < task.stoppedAt!);
  // The service replaces it and settles again, with exactly one more steady-state event.
  runUntil(kit, () => svc.deployments[0]!.runningCount === 1 && liveTasks(kit, svc).length === 1, 120);
  kit.clock.advance(60_000);
  assert.equal(messages(svc).filter((x) => x.endsWith('steady state.')).length, 2);
  kit.engine.stop();
});

// Rolling deployments: at every second, not-stopping tasks stay ≤ maxTotal and healthy tasks
// ≥ minHealthy, and the rollout completes with only new tasks.
const bounds: { min: number; max: number; desired: number }[] = [
  { min: 100, max: 200, desired: 4 },
  { min: 50, max: 100, desired: 4 },
  { min: 0, max: 100, desired: 3 },
  { min: 50, max: 200, desired: 6 },
  { min: 100, max: 150, desired: 5 },
];
for (const b of bounds) {
  test(`rolling deployment ${b.min}/${b.max} with ${b.desired} tasks keeps its bounds`, () => {
    const kit = makeKit();
    addInstances(kit, 3);
    const v1 = registerTaskDef(kit, 'app', [
      web('app:1', { portMappings: [{ containerPort: 80, hostPort: 0 }] }),
    ]);
    const v2 = registerTaskDef(kit, 'app', [
      web('app:2', { portMappings: [{ containerPort: 80, hostPort: 0 }] }),
    ]);
    const svc = createService(kit, 'api', v1, { desired: b.desired, min: b.min, max: b.max });
    runUntil(kit, () => svc.deployments[0]!.rolloutState === 'COMPLETED', 300);
    const id = deploy(kit, svc, v2);
    assert.equal(svc.deployments.length, 2);
    assert.equal(svc.deployments[1]!.status, 'ACTIVE');
    const minHealthy = Math.ceil((b.desired * b.min) / 100);
    const maxTotal = Math.floor((b.desired * b.max) / 100);
    const trace: string[] = [];
    const check = () => {
      const c = counts(kit, svc, id);
      trace.push(`${c.old}/${c.mine}/${c.healthy}`);
      assert.ok(c.total <= maxTotal, `total ${c.total} > ${maxTotal}: ${trace.join(' ')}`);
      assert.ok(c.healthy >= minHealthy, `healthy ${c.healthy} < ${minHealthy}: ${trace.join(' ')}`);
    };
    check();
    runUntil(kit, () => svc.deployments[0]!.rolloutState === 'COMPLETED', 600, check);
    assert.equal(svc.deployments.length, 1);
    assert.equal(svc.deployments[0]!.id, id);
    assert.equal(svc.deployments[0]!.runningCount, b.desired);
    assert.ok(liveTasks(kit, svc).every((t) => t.taskDefinitionArn === v2.taskDefinitionArn));
    assert.ok(
      trace.some((t) => t.startsWith('0/')),
      'old tasks all gone',
    );
    const stoppedOld = allTasks(kit, svc).filter((t) => t.taskDefinitionArn === v1.taskDefinitionArn);
    assert.equal(stoppedOld.length, b.desired);
    for (const t of stoppedOld) {
      assert.equal(t.stopCode, 'ServiceSchedulerInitiated');
      assert.match(t.stoppedReason!, /^Scaling activity initiated by \(deployment ecs-svc\/\d{19}\)$/);
    }
    assert.ok(messages(svc).some((m) => /has stopped \d+ running tasks: \(task [0-9a-f]{32}\)/.test(m)));
    kit.engine.stop();
  });
}

test('load balancer: targets register, turn healthy, then drain before stopping', () => {
  const kit = makeKit();
  addInstances(kit, 2);
  const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
  const v1 = registerTaskDef(kit, 'app', [web('app:1')]);
  const v2 = registerTaskDef(kit, 'app', [web('app:2')]);
  const svc = createService(kit, 'web', v1, { desired: 1, targetGroupArn: tg });
  const t = kit.world.settings.timings;
  // RUNNING alone is not enough: the target must become healthy first.
  kit.clock.advance((t.imagePullSeconds + t.startSeconds) * 1000);
  const [task] = liveTasks(kit, svc);
  assert.equal(task!.lastStatus, 'RUNNING');
  assert.equal(svc.deployments[0]!.rolloutState, 'IN_PROGRESS');
  assert.ok(messages(svc).includes(`(service web) registered 1 targets in (target-group ${tg})`));
  kit.clock.advance(t.targetHealthySeconds * 1000);
  assert.equal(svc.deployments[0]!.rolloutState, 'COMPLETED');
  deploy(kit, svc, v2);
  runUntil(kit, () => task!.lastStatus === 'DEACTIVATING', 120);
  assert.ok(messages(svc).includes(`(service web) deregistered 1 targets in (target-group ${tg})`));
  assert.ok(messages(svc).includes('(service web) has begun draining connections on 1 tasks.'));
  runUntil(kit, () => svc.deployments.length === 1 && svc.deployments[0]!.rolloutState === 'COMPLETED', 120);
  assert.equal(task!.lastStatus, 'STOPPED');
  kit.engine.stop();
});

test('scaling up and down, and deleting a service', () => {
  const kit = makeKit();
  addInstances(kit, 2);
  const td = registerTaskDef(kit, 'app', [web('app:1')]);
  const svc = createService(kit, 'web', td, { desired: 2 });
  runUntil(kit, () => svc.deployments[0]!.runningCount === 2, 60);
  svc.desiredCount = 5;
  kit.engine.serviceChanged(kit.account, 'us-east-1', svc);
  runUntil(kit, () => svc.deployments[0]!.runningCount === 5, 60);
  svc.desiredCount = 1;
  kit.engine.serviceChanged(kit.account, 'us-east-1', svc);
  assert.equal(svc.deployments[0]!.desiredCount, 1);
  runUntil(kit, () => liveTasks(kit, svc).length === 1, 60);
  svc.desiredCount = 0;
  svc.status = 'DRAINING';
  kit.engine.serviceChanged(kit.account, 'us-east-1', svc);
  runUntil(kit, () => svc.status === 'INACTIVE', 60);
  assert.equal(liveTasks(kit, svc).length, 0);
  kit.engine.stop();
});

test('RunTask places on EC2 and reports resource failures', () => {
  const kit = makeKit();
  assert.throws(
    () =>
      kit.engine.runTasks(
        kit.account,
        'us-east-1',
        kit.cluster,
        registerTaskDef(kit, 'job', [web('job:1')]),
        {
          count: 1,
          launchType: 'EC2',
        },
      ),
    /No Container Instances were found in your cluster/,
  );
  addInstances(kit, 1, 1024, 1024);
  const big = registerTaskDef(kit, 'job', [web('job:1', { cpu: 256, memory: 2048 })]);
  const r1 = kit.engine.runTasks(kit.account, 'us-east-1', kit.cluster, big, { count: 1, launchType: 'EC2' });
  assert.deepEqual(r1.tasks, []);
  assert.equal(r1.failures[0]!.reason, 'RESOURCE:MEMORY');
  const cpu = registerTaskDef(kit, 'job', [web('job:1', { cpu: 2048, memory: 128 })]);
  assert.equal(
    kit.engine.runTasks(kit.account, 'us-east-1', kit.cluster, cpu, { count: 1, launchType: 'EC2' })
      .failures[0]!.reason,
    'RESOURCE:CPU',
  );
  const port = registerTaskDef(kit, 'job', [
    web('job:1', { cpu: 10, memory: 10, portMappings: [{ containerPort: 80, hostPort: 8080 }] }),
  ]);
  const r2 = kit.engine.runTasks(kit.account, 'us-east-1', kit.cluster, port, {
    count: 2,
    launchType: 'EC2',
  });
  assert.equal(r2.tasks.length, 1);
  assert.deepEqual(r2.tasks[0]!.hostPorts, [8080]);
  assert.equal(r2.failures[0]!.reason, 'RESOURCE:PORTS');
  assert.equal(r2.tasks[0]!.group, 'family:job');
  kit.engine.stop();
});
