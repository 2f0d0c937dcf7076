import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addInstances,
  createService,
  deploy,
  liveTasks,
  makeKit,
  messages,
  registerTaskDef,
  runUntil,
  web,
} from '../../../test/kits/sandbox-ecs.js';

const fixedPort = (image: string) => web(image, { portMappings: [{ containerPort: 80, hostPort: 80 }] });

// The blue/green capacity rule: N instances, one fixed host port each.
for (const { instances, desired, completes } of [
  { instances: 3, desired: 2, completes: true },
  { instances: 4, desired: 3, completes: true },
  { instances: 3, desired: 3, completes: false },
]) {
  test(`fixed host port: ${instances} instances, desired ${desired} ${completes ? 'rolls' : 'stalls'}`, () => {
    const kit = makeKit();
    const cis = addInstances(kit, instances);
    const v1 = registerTaskDef(kit, 'app', [fixedPort('app:1')]);
    const v2 = registerTaskDef(kit, 'app', [fixedPort('app:2')]);
    const svc = createService(kit, 'web', v1, { desired, min: 100, max: 200 });
    runUntil(kit, () => svc.deployments[0]!.rolloutState === 'COMPLETED', 300);
    // Spread: one task per instance.
    const used = new Set(liveTasks(kit, svc).map((t) => t.containerInstanceArn));
    assert.equal(used.size, desired);
    const id = deploy(kit, svc, v2);
    const done = () => svc.deployments.length === 1 && svc.deployments[0]!.rolloutState === 'COMPLETED';
    if (completes) {
      runUntil(kit, done, 900);
      assert.equal(svc.deployments[0]!.id, id);
      return kit.engine.stop();
    }
    kit.clock.advance(900_000);
    assert.equal(svc.deployments[0]!.rolloutState, 'IN_PROGRESS');
    assert.equal(svc.deployments.length, 2);
    const unable = messages(svc).filter((m) => m.includes('was unable to place a task'));
    assert.ok(unable.length >= 1);
    assert.match(
      unable[0]!,
      /^\(service web\) was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance [0-9a-f]{32}\) is already using a port required by your task\. For more information, see the Troubleshooting section\.$/,
    );
    // Rate-limited: at most once per unablePlaceEventSeconds.
    assert.ok(unable.length <= 900 / kit.world.settings.timings.unablePlaceEventSeconds + 1);
    assert.ok(cis.length === instances);
    // One more instance unblocks the rollout.
    addInstances(kit, 1);
    runUntil(kit, done, 900);
    assert.equal(svc.deployments[0]!.id, id);
    kit.engine.stop();
  });
}

test('dynamic host ports never conflict', () => {
  const kit = makeKit();
  addInstances(kit, 1);
  const td = registerTaskDef(kit, 'app', [
    web('app:1', { portMappings: [{ containerPort: 80, hostPort: 0 }] }),
  ]);
  const svc = createService(kit, 'web', td, { desired: 4 });
  runUntil(kit, () => svc.deployments[0]!.rolloutState === 'COMPLETED', 300);
  kit.engine.stop();
});

test('no container instances, then capacity arrives', () => {
  const kit = makeKit();
  const td = registerTaskDef(kit, 'app', [web('app:1', { memory: 3000 })]);
  const svc = createService(kit, 'web', td, { desired: 2 });
  assert.match(messages(svc).at(-1)!, /No Container Instances were found in your cluster/);
  addInstances(kit, 1, 4096, 4096);
  kit.clock.advance(120_000);
  assert.equal(liveTasks(kit, svc).length, 1);
  assert.ok(messages(svc).some((m) => m.includes('has insufficient memory available.')));
  addInstances(kit, 1, 4096, 4096);
  runUntil(kit, () => svc.deployments[0]!.rolloutState === 'COMPLETED', 300);
  kit.engine.stop();
});
