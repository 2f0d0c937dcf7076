/** The engine's leases and the probe for queued deployments whose job was never sent, on both backends. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql } from 'kysely';
import type PgBoss from 'pg-boss';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { openReleaseModel, type ReleaseModel } from '../../test/kits/store-releases.js';
import { ACTOR, SPACE } from '../../test/kits/store-resources.js';
// Only to install pg-boss's real schema for the probe (tests may reach up the layers).
import { DEPLOYMENT_QUEUE, openQueue } from '../jobs/queue.js';
import {
  claimLease,
  deleteStaleLease,
  expireLease,
  queuedWithoutJob,
  releaseLease,
  renewLeases,
  staleLeases,
} from './leases.js';

const HOUR = 3_600_000;

forEachBackend('engine leases', (backend) => {
  let m: ReleaseModel;
  let boss: PgBoss | undefined;
  const a = { nodeId: 'node-a', staleMs: HOUR };
  const b = { nodeId: 'node-b', staleMs: HOUR };
  const holderOf = async (deploymentId: string) => {
    const { rows } = await sql<{ node_id: string; job_id: string | null }>`
      select node_id, job_id from engine_leases where deployment_id = ${deploymentId}`.execute(m.store.db);
    return rows[0];
  };

  before(async () => {
    m = await openReleaseModel(backend);
  });
  after(async () => {
    await boss?.stop({ graceful: false, close: false });
  });

  it('gives a free lease to the first node, keeps it from a live other node, renews it for its holder', async () => {
    const db = m.store.db;
    assert.equal(await claimLease(db, a, 'D-1', 'job-1'), true);
    assert.equal(await claimLease(db, b, 'D-1', 'job-2'), false);
    assert.deepEqual(await holderOf('D-1'), { node_id: 'node-a', job_id: 'job-1' });
    assert.equal(await claimLease(db, a, 'D-1', 'job-3'), true);
    assert.deepEqual(await holderOf('D-1'), { node_id: 'node-a', job_id: 'job-3' });
  });

  it('lets another node take an expired lease; the old holder then renews only what it still holds', async () => {
    const db = m.store.db;
    await claimLease(db, a, 'D-2', 'job-1');
    await claimLease(db, a, 'D-3', 'job-1');
    await expireLease(db, 'node-b', 'D-2'); // not b's: changes nothing
    assert.equal(await claimLease(db, b, 'D-2', 'job-2'), false);
    await expireLease(db, 'node-a', 'D-2');
    assert.deepEqual(await staleLeases(db, HOUR), [{ deploymentId: 'D-2', jobId: 'job-1' }]);
    assert.equal(await claimLease(db, b, 'D-2', 'job-2'), true);
    assert.deepEqual(await renewLeases(db, 'node-a', ['D-2', 'D-3']), new Set(['D-3']));
    assert.deepEqual(await renewLeases(db, 'node-a', []), new Set());
    assert.deepEqual(await staleLeases(db, HOUR), []);
  });

  it('releases only its own lease; deletes a leftover only while it is stale', async () => {
    const db = m.store.db;
    await claimLease(db, a, 'D-4', 'job-1');
    await releaseLease(db, 'node-b', 'D-4');
    assert.equal((await holderOf('D-4'))?.node_id, 'node-a');
    await releaseLease(db, 'node-a', 'D-4');
    assert.equal(await holderOf('D-4'), undefined);

    await claimLease(db, a, 'D-5', 'job-1');
    await deleteStaleLease(db, HOUR, 'D-5');
    assert.equal((await holderOf('D-5'))?.node_id, 'node-a', 'a live lease stays');
    await expireLease(db, 'node-a', 'D-5');
    await deleteStaleLease(db, HOUR, 'D-5');
    assert.equal(await holderOf('D-5'), undefined);
  });

  it('finds deployments stored as queued whose pg-boss job was never sent, oldest first', async () => {
    boss = await openQueue(m.store);
    const release = await m.releases.create(SPACE, m.newRelease(), ACTOR);
    const queued = async (minutesAgo: number) => {
      const [d] = await m.deployments.create(
        SPACE,
        [
          {
            projectId: m.project.id,
            releaseId: release.id,
            channelId: m.channel.id,
            environmentId: m.dev.id,
            skippedSteps: [],
            comments: '',
            guidedFailure: false,
            prompted: {},
          },
        ],
        ACTOR,
      );
      await sql`update deployments set created_at = now() - ${minutesAgo} * interval '1 minute'
        where id = ${d!.id}`.execute(m.store.db);
      return d!.id;
    };
    const older = await queued(10);
    const lost = await queued(5);
    const sent = await queued(5);
    await queued(0); // too young: its node may still be sending
    await boss.send(DEPLOYMENT_QUEUE, { deploymentId: sent }, { singletonKey: sent });
    assert.deepEqual(await queuedWithoutJob(m.store.db, DEPLOYMENT_QUEUE, 60_000), [older, lost]);
    assert.deepEqual(await queuedWithoutJob(m.store.db, DEPLOYMENT_QUEUE, 60_000, 1), [older]);
    assert.deepEqual(await queuedWithoutJob(m.store.db, 'another-queue', 60_000), [older, lost, sent]);
  });
});
