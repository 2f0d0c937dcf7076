/** Script tasks: encrypted payload and events, one lease per task, heartbeats, cancel, expiry, completion. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { openReleaseModel, type ReleaseModel } from '../../test/kits/store-releases.js';
import { ACTOR, code, SPACE } from '../../test/kits/store-resources.js';
import type { ScriptTaskPayload } from '../core/workers/protocol.js';
import { scriptTasksRepository, type ScriptTasksRepository } from './script-tasks.js';
import { rotateMasterKey, secretBoxFromKey } from './secrets.js';

const SECRET = 'script-task-s3cret';
const payload = (over: Partial<ScriptTaskPayload> = {}): ScriptTaskPayload => ({
  syntax: 'bash',
  script: `echo ${SECRET}`,
  variables: { Password: SECRET, Colour: 'blue' },
  sensitive: [SECRET],
  env: { AWS_SECRET_ACCESS_KEY: 'aws-secret-in-payload' },
  ...over,
});
const w1 = { id: 'Workers-1', name: 'w1', pool: 'linux' };
const w2 = { id: 'Workers-2', name: 'w2', pool: 'linux' };

forEachBackend('script tasks', (backend) => {
  let m: ReleaseModel;
  let tasks: ScriptTasksRepository;
  let releaseId: string;

  const deployment = async (state: 'queued' | 'executing' = 'executing') => {
    const [d] = await m.deployments.create(
      SPACE,
      [
        {
          projectId: m.project.id,
          releaseId,
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
    if (state === 'executing') await m.deployments.transition(d!.id, ['queued'], 'executing');
    return d!.id;
  };
  const rawText = async () =>
    JSON.stringify(await m.store.db.selectFrom('script_tasks').selectAll().execute()) +
    JSON.stringify(await m.store.db.selectFrom('script_task_events').selectAll().execute());

  it('sets up', async () => {
    m = await openReleaseModel(backend);
    tasks = scriptTasksRepository(m.store.db, m.secrets);
    releaseId = (await m.releases.create(SPACE, m.newRelease('1.0.0'), ACTOR)).id;
  });

  it('stores the payload encrypted and gives it to one worker of the pool', async () => {
    const deploymentId = await deployment();
    const id = await tasks.create({
      deploymentId,
      step: 'Run',
      pool: 'linux',
      payload: payload(),
      leaseTimeoutMs: 30_000,
    });
    assert.ok(!(await rawText()).includes(SECRET));
    assert.ok(!(await rawText()).includes('aws-secret-in-payload'));
    assert.equal(await tasks.lease({ ...w1, pool: 'windows' }), undefined);
    const [a, b] = await Promise.all([tasks.lease(w1), tasks.lease(w2)]);
    const leased = a ?? b;
    assert.ok(leased, 'one worker leased it');
    assert.ok(a === undefined || b === undefined, 'only one worker leased it');
    assert.deepEqual(
      { ...leased, id: undefined },
      { ...payload(), id: undefined, deploymentId, step: 'Run', target: null, heartbeatSeconds: 5 },
    );
    const status = await tasks.status(id);
    assert.equal(status?.state, 'leased');
    assert.equal(status?.workerName, a ? 'w1' : 'w2');
    assert.ok(status.silentMs !== null && status.silentMs >= 0);
  });

  it('takes the oldest task first, and none of a deployment that is not executing', async () => {
    const waiting = await deployment('queued');
    await tasks.create({
      deploymentId: waiting,
      step: 'Skip me',
      pool: 'fifo',
      payload: payload(),
      leaseTimeoutMs: 30_000,
    });
    const d = await deployment();
    const first = await tasks.create({
      deploymentId: d,
      step: 'First',
      pool: 'fifo',
      payload: payload(),
      leaseTimeoutMs: 30_000,
    });
    // Creation times order the queue: two tasks made in the same millisecond would tie.
    await new Promise((r) => setTimeout(r, 5));
    const second = await tasks.create({
      deploymentId: d,
      step: 'Second',
      pool: 'fifo',
      payload: payload(),
      leaseTimeoutMs: 30_000,
    });
    const pool = { ...w1, pool: 'fifo' };
    assert.equal((await tasks.lease(pool))?.id, first);
    assert.equal((await tasks.lease(pool))?.id, second);
    assert.equal(await tasks.lease(pool), undefined);
  });

  it('stores event batches encrypted, in order, and answers canceled once the deployment is', async () => {
    const deploymentId = await deployment();
    const id = await tasks.create({
      deploymentId,
      step: 'Run',
      pool: 'events',
      payload: payload(),
      leaseTimeoutMs: 30_000,
    });
    const worker = { ...w1, pool: 'events' };
    assert.ok(await tasks.lease(worker));
    assert.equal(
      await tasks.appendEvents(id, worker.id, [
        { kind: 'output', name: 'Token', value: SECRET, sensitive: true },
        { kind: 'line', level: 'info', text: 'one' },
      ]),
      'running',
    );
    // An empty batch is a heartbeat: no batch stored.
    assert.equal(await tasks.appendEvents(id, worker.id, []), 'running');
    assert.equal(await tasks.appendEvents(id, worker.id, [{ kind: 'mask', value: 'm' }]), 'running');
    assert.ok(!(await rawText()).includes(SECRET));
    const batches = await tasks.eventsAfter(id, 0);
    assert.deepEqual(
      batches.map((b) => [b.seq, b.events.length]),
      [
        [1, 2],
        [2, 1],
      ],
    );
    assert.deepEqual(
      (await tasks.eventsAfter(id, 1)).map((b) => b.seq),
      [2],
    );
    await tasks.markApplied(id, 2);
    await tasks.markApplied(id, 1); // never backwards
    assert.equal((await tasks.status(id))?.appliedSeq, 2);

    await assert.rejects(tasks.appendEvents(id, w2.id, []), code('NOT_FOUND'));
    await m.deployments.transition(deploymentId, ['executing'], 'cancelling');
    assert.equal(await tasks.appendEvents(id, worker.id, []), 'canceled');
  });

  it('completes once (a repeated completion is harmless) and wipes the payload', async () => {
    const deploymentId = await deployment();
    const id = await tasks.create({
      deploymentId,
      step: 'Run',
      pool: 'done',
      payload: payload(),
      leaseTimeoutMs: 30_000,
    });
    const worker = { ...w1, pool: 'done' };
    assert.ok(await tasks.lease(worker));
    const result = { outcome: 'failed' as const, error: 'The script exited with code 3' };
    await tasks.complete(id, worker.id, [{ kind: 'line', level: 'warning', text: 'last words' }], result);
    await tasks.complete(id, worker.id, [{ kind: 'line', level: 'warning', text: 'last words' }], result);
    const status = await tasks.status(id);
    assert.equal(status?.state, 'failed');
    assert.equal(status?.error, result.error);
    assert.equal(status?.eventsSeq, 1);
    const row = await m.store.db
      .selectFrom('script_tasks')
      .select('payload')
      .where('id', '=', id)
      .executeTakeFirst();
    assert.equal(row?.payload, null);
    // Another outcome after the end: the task is no longer the worker's.
    await assert.rejects(
      tasks.complete(id, worker.id, [], { outcome: 'success' }),
      code('WORKER_TASK_LOST', /failed/),
    );
    await assert.rejects(tasks.appendEvents(id, worker.id, []), code('WORKER_TASK_LOST'));
  });

  it('expires a silent lease, but not one that heartbeats', async () => {
    const deploymentId = await deployment();
    const id = await tasks.create({
      deploymentId,
      step: 'Run',
      pool: 'expiry',
      payload: payload(),
      leaseTimeoutMs: 30_000,
    });
    const worker = { ...w1, pool: 'expiry' };
    assert.ok(await tasks.lease(worker));
    assert.equal(await tasks.expireLease(id, 60_000, 'silent'), false);
    await m.store.db
      .updateTable('script_tasks')
      .set({ heartbeat_at: sql<Date>`now() - interval '2 minutes'` })
      .where('id', '=', id)
      .execute();
    assert.ok(((await tasks.status(id))?.silentMs ?? 0) >= 119_000);
    assert.equal(await tasks.expireLease(id, 60_000, 'The worker w1 stopped answering'), true);
    assert.equal((await tasks.status(id))?.error, 'The worker w1 stopped answering');
    await assert.rejects(
      tasks.appendEvents(id, worker.id, []),
      code('WORKER_TASK_LOST', /stopped answering/),
    );
  });

  it('cancels only queued tasks, fails a removed worker’s tasks, and sweeps old ones', async () => {
    const deploymentId = await deployment();
    const queued = await tasks.create({
      deploymentId,
      step: 'A',
      pool: 'misc',
      payload: payload(),
      leaseTimeoutMs: 30_000,
    });
    assert.equal(await tasks.cancelQueued(queued, 'canceled'), true);
    assert.equal(await tasks.cancelQueued(queued, 'canceled'), false);
    const leased = await tasks.create({
      deploymentId,
      step: 'B',
      pool: 'misc',
      payload: payload(),
      leaseTimeoutMs: 30_000,
    });
    const worker = { ...w2, pool: 'misc' };
    assert.equal((await tasks.lease(worker))?.id, leased);
    assert.equal(await tasks.cancelQueued(leased, 'canceled'), false);
    // Released (its worker never got it), then leased again.
    assert.equal(await tasks.release(leased, w1.id), false);
    assert.equal(await tasks.release(leased, worker.id), true);
    assert.equal((await tasks.status(leased))?.state, 'queued');
    assert.equal((await tasks.lease(worker))?.id, leased);
    await tasks.appendEvents(leased, worker.id, [{ kind: 'line', level: 'info', text: 'started' }]);
    assert.equal(await tasks.release(leased, worker.id), false, 'a task that sent events is not released');
    assert.equal(await tasks.failWorkerTasks(worker.id, 'The worker was removed'), 1);
    assert.equal((await tasks.status(leased))?.state, 'failed');
    assert.equal(await tasks.sweep(), 0);
    await m.store.db
      .updateTable('script_tasks')
      .set({ finished_at: sql<Date>`now() - interval '2 days'` })
      .where('id', 'in', [queued, leased])
      .execute();
    assert.equal(await tasks.sweep(), 2);
    assert.equal(await tasks.status(queued), undefined);
  });

  it('re-encrypts payloads and events when the master key rotates', async () => {
    const deploymentId = await deployment();
    const id = await tasks.create({
      deploymentId,
      step: 'Run',
      pool: 'rotate',
      payload: payload(),
      leaseTimeoutMs: 30_000,
    });
    const worker = { ...w1, pool: 'rotate' };
    const newBox = secretBoxFromKey(Buffer.alloc(32, 7));
    // Leased under the old key, read back under the new one.
    const old = scriptTasksRepository(m.store.db, m.secrets);
    await m.store.db.updateTable('script_tasks').set({ state: 'queued' }).where('id', '=', id).execute();
    await old.create({
      deploymentId,
      step: 'Other',
      pool: 'rotate-other',
      payload: payload(),
      leaseTimeoutMs: 30_000,
    });
    const leasedBefore = await old.lease(worker);
    assert.equal(leasedBefore?.id, id);
    await old.appendEvents(id, worker.id, [{ kind: 'line', level: 'info', text: 'before rotation' }]);
    await rotateMasterKey(m.store, m.secrets, newBox);
    const rotated = scriptTasksRepository(m.store.db, newBox);
    assert.deepEqual(
      (await rotated.eventsAfter(id, 0)).map((b) => b.events),
      [[{ kind: 'line', level: 'info', text: 'before rotation' }]],
    );
    const other = await rotated.lease({ ...worker, pool: 'rotate-other' });
    assert.equal(other?.variables['Password'], SECRET);
  });
});
