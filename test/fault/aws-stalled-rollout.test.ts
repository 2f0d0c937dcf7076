/**
 * Promise: a deployment that makes no progress for the server's stall limit is flagged — one
 * warning line (`deployment.stalled`) in its task log and `stalledSince` in the API — and the flag
 * goes as soon as it progresses again.
 *
 * An ECS rollout frozen by the sandbox clock (scale 0.001 right after UpdateService): Slipway keeps
 * polling, sees nothing change and writes nothing. The node's limit is 3 s here (`--stall-after`
 * is in minutes, default 30). The clock then runs again and the rollout finishes.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { z } from 'zod';
import { figure, sandboxAdmin, startFaultFleet, type FaultFleet } from '../kits/fault-fleet.js';

const STALL_AFTER_MS = 3000;

let fleet: FaultFleet;

before(async () => {
  fleet = await startFaultFleet({
    tenantsPerAccount: 1,
    world: { timeScale: 30, stallAfterMs: STALL_AFTER_MS },
  });
});
after(async () => fleet?.world.close());

const viewSchema = z.object({ state: z.string(), stalledSince: z.iso.datetime().optional() });

async function view(id: string) {
  const res = await fleet.world.request('GET', fleet.world.client.spacePath('deployments', id));
  assert.equal(res.status, 200, res.text);
  return viewSchema.parse(res.json);
}

async function until<T>(what: string, look: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await look();
    if (found !== undefined) return found;
    assert.ok(Date.now() < deadline, `${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('a rollout frozen past the stall limit is flagged once, and the flag clears when it moves again', async () => {
  const { world } = fleet;
  const [deployment] = await fleet.deploy(await fleet.release('2.0.0'));
  const id = deployment!.id;
  await until('UpdateService', async () =>
    (await world.log(id)).some((l) => l.code === 'deploy.service-updated') ? true : undefined,
  );
  await sandboxAdmin(world, 'POST', 'time', { scale: 0.001 });
  const frozenAt = performance.now();
  const stalledSince = await until('stalledSince', async () => (await view(id)).stalledSince);
  const flaggedAfter = performance.now() - frozenAt;
  const stalledLines = async () => (await world.log(id)).filter((l) => l.code === 'deployment.stalled');
  const [warning] = await stalledLines();
  assert.ok(warning, 'a deployment.stalled line');
  assert.equal(warning.level, 'warning');
  assert.deepEqual(warning.path, []);
  assert.equal(warning.data?.['stalledSince'], stalledSince);
  assert.match(warning.message, /^No progress for [\d.]+ minutes: nothing was logged or saved since /);
  // Since when: the last progress (its line was stored a batch later), and the limit before the warning.
  const lines = await world.log(id);
  const lastProgress = lines.filter((l) => l.code !== 'deployment.stalled').at(-1)!;
  assert.ok(Date.parse(stalledSince) >= Date.parse(lastProgress.at), `${stalledSince} ≥ ${lastProgress.at}`);
  assert.ok(Date.parse(warning.at) - Date.parse(stalledSince) >= STALL_AFTER_MS);
  // Still frozen, still one warning.
  await new Promise((r) => setTimeout(r, 2 * STALL_AFTER_MS));
  assert.equal((await stalledLines()).length, 1);
  assert.equal((await view(id)).state, 'executing');

  await sandboxAdmin(world, 'POST', 'time', { scale: 60 });
  const resumedAt = performance.now();
  await until('the flag to clear', async () =>
    (await view(id)).stalledSince === undefined ? true : undefined,
  );
  const clearedAfter = performance.now() - resumedAt;
  const [done] = await fleet.waitAll([id]);
  assert.equal(done!.state, 'success', done!.error ?? '');
  assert.equal((await view(id)).stalledSince, undefined);
  assert.equal((await stalledLines()).length, 1);
  figure('stall.flagged-after-freeze-ms', Math.round(flaggedAfter));
  figure('stall.cleared-after-resume-ms', Math.round(clearedAfter));
});
