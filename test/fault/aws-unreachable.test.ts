/**
 * Promise: AWS unreachable for 60 s causes no false failure: a deployment watching its rollout
 * and one starting meanwhile both wait for the network and succeed.
 *
 * Slipway reaches the sandbox through a TCP proxy that the test cuts for 60 real seconds (the
 * outage must be long on Slipway's own clock — its retries, backoff and poll pauses run on it — so
 * it cannot be compressed; the sandbox runs 10× meanwhile). Two ways an endpoint is unreachable,
 * cut at the same time in two worlds: `blackhole` (packets dropped: calls in flight and new
 * connections hang, then go through when the network is back) and `refuse` (connections refused
 * and reset at once, as when nothing listens). In each, deployment A is watching its rollout when
 * the network goes; deployment B is requested right after, so its first calls (reads, the
 * registration, UpdateService) meet the outage.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { figure, recordSandboxCalls, startFaultFleet, type FaultFleet } from '../kits/fault-fleet.js';
import { startTcpProxy, type ProxyMode, type TcpProxy } from '../kits/tcp-proxy.js';

const OUTAGE_MS = 60_000;
const MODES = ['blackhole', 'refuse'] as const satisfies readonly ProxyMode[];

interface Cut {
  mode: ProxyMode;
  fleet: FaultFleet;
  proxy: TcpProxy;
}

const cuts: Cut[] = [];

before(async () => {
  await Promise.all(
    MODES.map(async (mode) => {
      let proxy: TcpProxy | undefined;
      const fleet = await startFaultFleet({
        tenantsPerAccount: 2,
        world: {
          timeScale: 10,
          awsEndpoint: async (endpoint) => (proxy = await startTcpProxy(endpoint)).url,
        },
      });
      cuts.push({ mode, fleet, proxy: proxy! });
    }),
  );
});
after(async () => {
  for (const c of cuts) {
    await c.proxy.setMode('up');
    await c.fleet.world.close();
    await c.proxy.close();
  }
});

/** Waits until deployment `id` has written a line with `code` to its task log. */
async function waitForCode(fleet: FaultFleet, id: string, code: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await fleet.world.log(id)).some((l) => l.code === code)) {
    if (Date.now() > deadline) throw new Error(`deployment ${id} wrote no ${code} within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function outage({ mode, fleet, proxy }: Cut) {
  const [a, b] = fleet.tenants;
  const release = await fleet.release('2.0.0');
  const [first] = await fleet.deploy(release, [a!.name]);
  await waitForCode(fleet, first!.id, 'deploy.service-updated');
  const calls = recordSandboxCalls(fleet.world);
  await proxy.setMode(mode);
  const cutAt = performance.now();
  const [second] = await fleet.deploy(release, [b!.name]);
  await new Promise((r) => setTimeout(r, OUTAGE_MS - (performance.now() - cutAt)));
  await proxy.setMode('up');
  const backAt = performance.now();
  const [doneA, doneB] = await fleet.waitAll([first!.id, second!.id], 120_000);
  const finished = (performance.now() - backAt) / 1000;
  calls.stop();
  const during = calls.calls.filter((c) => c.at > cutAt + 1000 && c.at < backAt).length;
  const update = calls.calls.find((c) => c.action === 'ecs:UpdateService' && c.outcome === 'ok');
  figure(`unreachable.${mode}.both-succeeded-after-s`, finished.toFixed(1));
  const notices = (await fleet.world.log(second!.id)).filter((l) => l.code === 'aws.retry');
  return { doneA: doneA!, doneB: doneB!, during, update, backAt, notices };
}

it('AWS unreachable for 60 s: the deployment watching and the one starting both wait and succeed', async () => {
  const results = await Promise.all(cuts.map(outage));
  cuts.forEach((cut, i) => {
    const { doneA, doneB, during, update, backAt, notices } = results[i]!;
    assert.equal(doneA.state, 'success', `${cut.mode}, A (watching): ${doneA.error ?? ''}`);
    assert.equal(doneB.state, 'success', `${cut.mode}, B (starting): ${doneB.error ?? ''}`);
    assert.equal(during, 0, `${cut.mode}: the sandbox got ${during} calls during the outage`);
    assert.ok(update && update.at >= backAt, `${cut.mode}: B's UpdateService went out after the outage`);
    if (cut.mode === 'refuse') {
      // Refused connections are retried at once: B's log says why it waits, a line every 15 s at most.
      assert.ok(notices.length >= 1, 'refuse: B logged that AWS did not answer');
      assert.ok(notices.length <= 6, `refuse: ${notices.length} retry lines for a 60 s outage`);
      assert.match(notices[0]!.message, /AWS did not answer .*; retrying/);
    }
  });
});
