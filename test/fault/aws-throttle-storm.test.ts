/**
 * Promise: a throttling storm — half of all ECS calls refused for two (sandbox) minutes — fails no
 * deployment and costs at most 1.3× the AWS calls of the same deployments on a calm day.
 *
 * 50 deployments on one node (one release to 50 tenants, 10 ECS services in each of 5 AWS
 * accounts, the sandbox's own API limits on), each a rolling update of two tasks that takes about
 * ten sandbox minutes (image pull 8 min, start 1 min, stop 30 s: ECS's common case). The same 50
 * deploy twice at 30× sandbox time: a calm run, then a run whose first two sandbox minutes throttle
 * every other ECS call (`ratio` 0.5), starting with the deployment request, so the storm meets the
 * reads, registrations and UpdateService calls of the deployments that start first, and the start
 * of every watch it overlaps. Calls are the sandbox's counts of every AWS call
 * (`GET /_sandbox/stats`), throttled ones included.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  figure,
  recordSandboxCalls,
  sandboxAdmin,
  sandboxStats,
  startFaultFleet,
  totals,
  type FaultFleet,
} from '../kits/fault-fleet.js';

const ACCOUNTS = 5;
const TENANTS_PER_ACCOUNT = 10;
const DEPLOYMENTS = ACCOUNTS * TENANTS_PER_ACCOUNT;
const TIME_SCALE = 30;
const STORM_SECONDS = 120;
/** The bound on the storm run's calls over the calm run's. */
const MAX_CALL_RATIO = 1.3;

let fleet: FaultFleet;

before(async () => {
  fleet = await startFaultFleet({
    accounts: ACCOUNTS,
    tenantsPerAccount: TENANTS_PER_ACCOUNT,
    timings: { imagePullSeconds: 480, startSeconds: 60, stopSeconds: 30 },
    world: { timeScale: TIME_SCALE },
  });
});
after(async () => fleet?.world.close());

/** Deploys `version` to every tenant (in a storm, or calm); answers what the run cost. */
async function run(version: string, storm: boolean) {
  const { world } = fleet;
  const release = await fleet.release(version);
  await sandboxAdmin(world, 'DELETE', 'stats');
  if (storm) {
    await sandboxAdmin(world, 'POST', 'faults/api', {
      service: 'ecs',
      ratio: 0.5,
      durationSeconds: STORM_SECONDS,
    });
  }
  const recorder = recordSandboxCalls(world);
  const started = performance.now();
  const created = await fleet.deploy(release);
  assert.equal(created.length, DEPLOYMENTS);
  const done = await fleet.waitAll(created.map((d) => d.id));
  const seconds = (performance.now() - started) / 1000;
  recorder.stop();
  assert.deepEqual(
    done.filter((d) => d.state !== 'success').map((d) => `${d.id} ${d.state}: ${d.error ?? ''}`),
    [],
    `${storm ? 'storm' : 'calm'} run: every deployment succeeds`,
  );
  const stormEnd = started + (STORM_SECONDS / TIME_SCALE) * 1000;
  const updatesInStorm = recorder.calls.filter(
    (c) => c.action === 'ecs:UpdateService' && c.outcome === 'ok' && c.at <= stormEnd,
  ).length;
  const stats = await sandboxStats(world);
  return { ecs: totals(stats, 'ecs'), all: totals(stats), seconds, updatesInStorm };
}

it('50 deployments through a throttle storm: none fails, and AWS calls stay within 1.3× of a calm run', async () => {
  const calm = await run('2.0.0', false);
  const storm = await run('3.0.0', true);
  // Every AWS call counts (the storm throttles ECS only).
  const ratio = storm.all.calls / calm.all.calls;
  figure('throttle-storm.call-ratio', ratio.toFixed(2));
  figure('throttle-storm.calm-aws-calls', calm.all.calls);
  figure('throttle-storm.storm-aws-calls', storm.all.calls);
  figure('throttle-storm.storm-throttled', storm.ecs.throttled);
  // A throttled call should cost one more call, no more: no retry storm.
  figure(
    'throttle-storm.extra-calls-per-throttled',
    ((storm.all.calls - calm.all.calls) / storm.ecs.throttled).toFixed(2),
  );
  figure('throttle-storm.update-service-during-storm', `${storm.updatesInStorm}/${DEPLOYMENTS}`);
  figure('throttle-storm.calm-run-s', calm.seconds.toFixed(1));
  figure('throttle-storm.storm-run-s', storm.seconds.toFixed(1));
  assert.ok(storm.ecs.throttled >= 20, `the storm throttled only ${storm.ecs.throttled} calls`);
  assert.ok(
    ratio <= MAX_CALL_RATIO,
    `the storm run made ${storm.all.calls} AWS calls, ${ratio.toFixed(2)}× the calm run's ` +
      `${calm.all.calls} (bound ${MAX_CALL_RATIO}×; ${storm.ecs.throttled} throttled): ` +
      'retries or polling multiply the calls under throttling',
  );
});
