/**
 * Promise: cancelling a deployment stops its AWS calls within 5 s: once it reports `canceled`, no
 * ECS call of Slipway's reaches AWS.
 *
 * Five deployments (one release to five tenants) are watching rollouts that would take half an
 * hour (image pull 30 sandbox minutes); each is cancelled through the API. The sandbox's call
 * statistics must not move for 6 s after the last one reports `canceled` (longer than the slowest
 * poll interval, 5 s), and every ECS call the sandbox answered after the first cancel request is
 * timed.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  figure,
  recordSandboxCalls,
  sandboxStats,
  startFaultFleet,
  totals,
  type FaultFleet,
} from '../kits/fault-fleet.js';

/** The bound from the cancel request to the last AWS call. */
const MAX_CALLS_AFTER_CANCEL_MS = 5000;
const QUIET_MS = 6000;

let fleet: FaultFleet;

before(async () => {
  fleet = await startFaultFleet({
    tenantsPerAccount: 5,
    timings: { imagePullSeconds: 1800 },
    world: { timeScale: 10 },
  });
});
after(async () => fleet?.world.close());

it('cancel stops AWS calls within 5 s, and none reaches AWS after the deployment says canceled', async () => {
  const { world } = fleet;
  const release = await fleet.release('2.0.0');
  const created = await fleet.deploy(release);
  // Every one of them is watching its rollout.
  for (const d of created) {
    const deadline = Date.now() + 60_000;
    while (!(await world.log(d.id)).some((l) => l.code === 'deploy.service-updated')) {
      assert.ok(Date.now() < deadline, `deployment ${d.id} never updated its service`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await new Promise((r) => setTimeout(r, 1000));
  const calls = recordSandboxCalls(world);
  const cancelAt = performance.now();
  for (const d of created) {
    const res = await world.request('POST', world.client.spacePath('deployments', d.id, 'cancel'));
    assert.equal(res.status, 202, res.text);
  }
  const done = await fleet.waitAll(created.map((d) => d.id));
  const canceledAt = performance.now();
  assert.deepEqual(
    done.map((d) => d.state),
    created.map(() => 'canceled'),
  );
  const before = totals(await sandboxStats(world), 'ecs').calls;
  await new Promise((r) => setTimeout(r, QUIET_MS));
  const afterQuiet = totals(await sandboxStats(world), 'ecs').calls;
  calls.stop();
  const ecs = calls.calls.filter((c) => c.action.startsWith('ecs:'));
  const last = ecs.length === 0 ? cancelAt : Math.max(...ecs.map((c) => c.at));
  const lastAfterCancelMs = Math.max(0, last - cancelAt);
  figure('cancel.last-ecs-call-after-cancel-ms', Math.round(lastAfterCancelMs));
  figure('cancel.ecs-calls-after-cancel', ecs.length);
  figure('cancel.canceled-after-ms', Math.round(canceledAt - cancelAt));
  assert.equal(afterQuiet, before, `${afterQuiet - before} ECS calls reached the sandbox after "canceled"`);
  assert.deepEqual(
    ecs.filter((c) => c.at > canceledAt).map((c) => c.action),
    [],
    'no ECS call after the deployments reported canceled',
  );
  assert.ok(
    lastAfterCancelMs <= MAX_CALLS_AFTER_CANCEL_MS,
    `the last ECS call came ${Math.round(lastAfterCancelMs)} ms after the cancel request (bound ${MAX_CALLS_AFTER_CANCEL_MS} ms)`,
  );
});
