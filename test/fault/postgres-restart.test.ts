/**
 * Promise: when PostgreSQL restarts in the middle of 20 deployments, each of them ends, `success`
 * or `failed` with a reason that names the database, none stays queued or running, and the server
 * keeps serving (ready again) once the database is back.
 *
 * One `slipway server` process on a throwaway PostgreSQL, AWS in a sandbox. 20 deployments are
 * requested while the sandbox's clock stands still; as soon as the first runs the clock goes on
 * and PostgreSQL is stopped (fast shutdown: every connection ends) for 5 s, then started again on
 * the same port and data directory: deployments are queued, starting, rolling out or finishing
 * (their rollouts complete during the outage) when it goes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeploymentView } from '../../src/cli/ci/schemas.js';
import { image, startFaultCluster, type FaultCluster } from '../kits/fault-cluster.js';
import type { ServerProcess } from '../kits/slipway-process.js';
import { figure, seconds, waitUntil } from '../kits/waits.js';
import { postgresUnavailableReason } from '../helpers/postgres.js';

const SERVICES = Array.from({ length: 20 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);
/** How long PostgreSQL stays down. */
const OUTAGE_MS = 5_000;
/** Sandbox seconds per real second from the outage on: a rollout takes about 2 s. */
const ROLLING = 5;
/** A wait limit, not a promise of the issue: every deployment must end well within it. */
const ALL_FINAL_LIMIT_MS = 180_000;

const skip = postgresUnavailableReason();

describe('PostgreSQL restarted during 20 deployments', skip ? { skip } : {}, () => {
  let cluster: FaultCluster | undefined;
  let node: ServerProcess;
  let finals: DeploymentView[];
  let readyDuringOutage: number;
  let calls: Record<string, number>;

  const readyz = async (url: string) => {
    try {
      return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) })).status;
    } catch {
      return 0;
    }
  };

  after(async () => {
    await cluster?.close();
  });

  before(
    async () => {
      cluster = await startFaultCluster(SERVICES);
      const c = cluster;
      node = await c.startNode('node');
      const client = c.client(node);
      await c.apply(
        client,
        SERVICES.map((name) => ({ name })),
      );
      const ids: string[] = [];
      for (const service of SERVICES) ids.push(await c.deploy(client, service));
      await waitUntil(
        'the first deployment to run',
        async () => ((await c.deployment(client, ids[0]!)).state === 'executing' ? true : undefined),
        { context: c.context },
      );
      const before = await Promise.all(ids.map((id) => c.deployment(client, id)));
      const count = (state: string) => before.filter((d) => d.state === state).length;
      figure(
        'postgres-restart.states-when-it-stopped',
        `executing ${count('executing')}, queued ${count('queued')}, success ${count('success')}`,
      );

      await c.setTimeScale(ROLLING);
      await c.postgres.down('fast');
      const downAt = Date.now();
      readyDuringOutage = await readyz(node.url);
      await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - downAt)));
      await c.postgres.up();
      const upAt = Date.now();
      await waitUntil(
        'the server to be ready again',
        async () => ((await readyz(node.url)) === 200 ? true : undefined),
        {
          timeoutMs: 60_000,
          context: c.context,
        },
      );
      figure('postgres-restart.ready-after-database-back', seconds(Date.now() - upAt));
      finals = await waitUntil(
        'every deployment to end',
        async () => {
          const all = await Promise.all(ids.map((id) => c.deployment(client, id)));
          return all.every((d) => ['success', 'failed', 'canceled', 'timed-out'].includes(d.state))
            ? all
            : undefined;
        },
        {
          timeoutMs: ALL_FINAL_LIMIT_MS,
          intervalMs: 500,
          context: () => c.context().slice(-30_000),
        },
      );
      figure('postgres-restart.all-ended-after-database-back', seconds(Date.now() - upAt));
      const resumed = await Promise.all(
        ids.map(async (id) => (await c.log(client, id)).some((l) => l.message.startsWith('Resuming '))),
      );
      figure('postgres-restart.resumed-runs', `${resumed.filter(Boolean).length} of ${ids.length}`);
      const failed = finals.filter((d) => d.state !== 'success');
      figure(
        'postgres-restart.outcomes',
        `${finals.length - failed.length} success, ${failed.length} failed`,
      );
      for (const d of failed) figure('postgres-restart.failure', JSON.stringify(d.error));
      calls = await c.calls();
      figure(
        'postgres-restart.aws-mutations',
        `RegisterTaskDefinition ${calls['ecs:RegisterTaskDefinition'] ?? 0}, UpdateService ${calls['ecs:UpdateService'] ?? 0} for ${SERVICES.length} services`,
      );
    },
    { timeout: 400_000 },
  );

  it('the outage was real: readiness answered 503 while the database was down', () => {
    assert.equal(readyDuringOutage, 503);
  });

  it('every deployment ended: success, or failed with a reason naming the database', async () => {
    for (const d of finals) {
      if (d.state === 'success') continue;
      assert.equal(d.state, 'failed', JSON.stringify(d));
      assert.match(d.error ?? '', /database|PostgreSQL|store/i, JSON.stringify(d));
    }
    for (const service of SERVICES) {
      const o = await cluster!.outcome(service);
      const d = finals[SERVICES.indexOf(service)]!;
      if (d.state === 'success') assert.equal(o.image, image('1.1.0'), service);
    }
  });

  it('no service was updated twice', () => {
    assert.ok((calls['ecs:UpdateService'] ?? 0) <= SERVICES.length, JSON.stringify(calls));
    // A step whose RegisterTaskDefinition answered just as the database went away cannot save the
    // revision it got, and registers again when it resumes: an extra revision, never a second
    // UpdateService. At most one extra per service (docs/reliability.md).
    const registered = calls['ecs:RegisterTaskDefinition'] ?? 0;
    assert.ok(registered <= 2 * SERVICES.length, JSON.stringify(calls));
    console.log(`figure: postgres-restart.extra-registrations ${registered - SERVICES.length}`);
  });

  it('the server kept serving: still running, ready, and answering the API', async () => {
    assert.ok(node.running(), node.output());
    assert.equal(await readyz(node.url), 200);
    const list = await fetch(`${node.url}/api/spaces/Default/deployments`, {
      headers: { authorization: `Bearer ${cluster!.apiKey()}` },
    });
    assert.equal(list.status, 200, await list.text());
  });
});
