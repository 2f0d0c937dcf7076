/**
 * A script step that names a worker pool, against a real store, with the worker played through the
 * repository: the task carries only the step's needs, events become log lines and outputs, a
 * resumed step re-attaches (outputs again, lines not twice), a silent worker, no worker, cancel.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachBackend } from '../../../test/helpers/postgres.js';
import { openReleaseModel, type ReleaseModel } from '../../../test/kits/store-releases.js';
import { ACTOR, SPACE } from '../../../test/kits/store-resources.js';
import type { SlipwayEvent } from '../../core/events.js';
import { scriptTasksRepository, type ScriptTasksRepository } from '../../store/script-tasks.js';
import { workersRepository } from '../../store/workers.js';
import type { StepContext, StepResult } from '../executor.js';
import { createRunScriptExecutor } from './run-script.js';
import { runOnWorkerPool, type WorkerPoolOptions } from './worker-pool.js';

const SECRET = 'pool-step-s3cret';

interface Recorded {
  lines: string[];
  masks: string[];
  outputs: [string, string, boolean][];
  progress: Record<string, unknown>[];
}

forEachBackend('a script step on a worker pool', (backend) => {
  let m: ReleaseModel;
  let tasks: ScriptTasksRepository;
  let options: WorkerPoolOptions;
  let deploymentId: string;

  function context(over: { previous?: Record<string, unknown>; signal?: AbortSignal } = {}) {
    const rec: Recorded = { lines: [], masks: [], outputs: [], progress: [] };
    const line = (level: string) => (message: string) => rec.lines.push(`${level}: ${message}`);
    const ctx: StepContext = {
      deploymentId,
      step: { index: 0, name: 'Run', group: 0, targetIds: [], condition: 'success', required: false },
      action: { type: 'run-script', syntax: 'bash', script: 'echo hi', workerPool: 'pool-a', packages: [] },
      variables: { values: { Password: SECRET, Colour: 'blue' }, sensitive: [SECRET] },
      previous: over.previous ?? {},
      saveProgress: async (p) => void rec.progress.push(p),
      log: {
        verbose: line('verbose'),
        info: line('info'),
        warning: line('warning'),
        error: line('error'),
        highlight: line('highlight'),
        event: (e: SlipwayEvent) => rec.lines.push(`event: ${e.message}`),
        addSensitive: (values) => void rec.masks.push(...values),
      },
      aws: () => Promise.reject(new Error('no target')),
      signal: over.signal ?? new AbortController().signal,
      setOutput: (name, value, sensitive = false) => void rec.outputs.push([name, value, sensitive]),
      interrupt: () => Promise.reject(new Error('not here')),
    };
    return { ctx, rec };
  }

  const run = (ctx: StepContext, over: Partial<WorkerPoolOptions> = {}) =>
    runOnWorkerPool(
      ctx,
      { syntax: 'bash', script: 'echo hi', workerPool: 'pool-a' },
      { ...options, ...over },
    );

  /** Waits for the step's task to be queued; answers its id. */
  async function queued(): Promise<string> {
    for (;;) {
      const row = await m.store.db
        .selectFrom('script_tasks')
        .select('id')
        .where('deployment_id', '=', deploymentId)
        .where('state', '=', 'queued')
        .executeTakeFirst();
      if (row) return row.id;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('sets up', async () => {
    m = await openReleaseModel(backend);
    tasks = scriptTasksRepository(m.store.db, m.secrets);
    options = { store: m.store, secrets: m.secrets, pollMs: 20, waitMs: 60_000, leaseTimeoutMs: 60_000 };
    const release = await m.releases.create(SPACE, m.newRelease('1.0.0'), ACTOR);
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
    deploymentId = d!.id;
    await m.deployments.transition(deploymentId, ['queued'], 'executing');
    // A worker of pool-a is online (so the step waits without a deadline).
    const { info } = await workersRepository(m.store.db).createToken({ name: 't' }, ACTOR);
    await workersRepository(m.store.db).register(info, { name: 'w1', pool: 'pool-a', version: '0' }, ACTOR);
  });

  it('hands over only the step’s needs and ends with the worker’s events and result', async () => {
    const { ctx, rec } = context();
    const step = run(ctx);
    const id = await queued();
    const task = await tasks.lease({ id: 'Workers-x', name: 'w1', pool: 'pool-a' });
    assert.deepEqual(
      { ...task, id: undefined },
      {
        id: undefined,
        deploymentId,
        step: 'Run',
        target: null,
        syntax: 'bash',
        script: 'echo hi',
        variables: { Password: SECRET, Colour: 'blue' },
        sensitive: [SECRET],
        env: {},
        heartbeatSeconds: 10,
      },
    );
    await tasks.appendEvents(id, 'Workers-x', [
      { kind: 'line', level: 'info', text: 'hello from w1' },
      { kind: 'output', name: 'Token', value: 't0k', sensitive: true },
      { kind: 'mask', value: 'm4sk' },
    ]);
    await tasks.complete(id, 'Workers-x', [{ kind: 'line', level: 'warning', text: 'bye' }], {
      outcome: 'success',
    });
    assert.deepEqual(await step, { outcome: 'success' });
    assert.deepEqual(rec.progress, [{ scriptTaskId: id }]);
    assert.ok(rec.lines.includes('info: Running on worker "w1" (pool "pool-a").'), rec.lines.join('\n'));
    assert.ok(
      rec.lines.includes('info: hello from w1') && rec.lines.includes('warning: bye'),
      rec.lines.join('\n'),
    );
    assert.deepEqual(rec.outputs, [['Token', 't0k', true]]);
    assert.deepEqual(rec.masks, ['m4sk']);
    assert.equal((await tasks.status(id))?.appliedSeq, 2);
  });

  it('re-attaches on resume: outputs again, lines only once', async () => {
    const first = context();
    const controller = new AbortController();
    const abandoned = run({ ...first.ctx, signal: controller.signal });
    const id = await queued();
    await tasks.lease({ id: 'Workers-x', name: 'w1', pool: 'pool-a' });
    await tasks.appendEvents(id, 'Workers-x', [
      { kind: 'line', level: 'info', text: 'before the node died' },
      { kind: 'output', name: 'Colour', value: 'teal', sensitive: false },
    ]);
    // The node lets go once it has applied the batch (the worker carries on).
    while ((await tasks.status(id))?.appliedSeq !== 1) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    assert.deepEqual(await abandoned, { outcome: 'failed', error: 'canceled' });
    assert.equal((await tasks.status(id))?.state, 'leased', 'a leased task is left to its worker');

    await tasks.appendEvents(id, 'Workers-x', [{ kind: 'line', level: 'info', text: 'after' }]);
    await tasks.complete(id, 'Workers-x', [], { outcome: 'failed', error: 'The script exited with code 2' });
    const resumed = context({ previous: { scriptTaskId: id } });
    const result: StepResult = await run(resumed.ctx);
    assert.deepEqual(result, { outcome: 'failed', error: 'The script exited with code 2' });
    assert.deepEqual(resumed.rec.outputs, [['Colour', 'teal', false]]);
    assert.ok(resumed.rec.lines.includes('info: after'), resumed.rec.lines.join('\n'));
    assert.ok(!resumed.rec.lines.includes('info: before the node died'), resumed.rec.lines.join('\n'));
    assert.deepEqual(resumed.rec.progress, [], 'no second task');
  });

  it('fails the step when the worker goes silent, naming it', async () => {
    const { ctx } = context();
    const step = run(ctx, { leaseTimeoutMs: 200 });
    await queued();
    await tasks.lease({ id: 'Workers-x', name: 'w1', pool: 'pool-a' });
    const result = await step;
    assert.equal(result.outcome, 'failed');
    assert.match(
      (result as { error: string }).error,
      /The worker "w1" stopped answering while it ran the script/,
    );
  });

  it('fails after the wait when no worker of the pool is online, naming the pool; withdraws the task', async () => {
    const { ctx, rec } = context();
    const result = await runOnWorkerPool(
      ctx,
      { syntax: 'bash', script: 'echo hi', workerPool: 'empty-pool' },
      { ...options, waitMs: 100 },
    );
    assert.equal(result.outcome, 'failed');
    assert.match((result as { error: string }).error, /^No worker of pool "empty-pool" was online for 0 s/);
    assert.ok(rec.lines.some((l) => l.startsWith('warning: No worker of pool "empty-pool" is online')));
    const id = rec.progress[0]?.['scriptTaskId'] as string;
    assert.equal((await tasks.status(id))?.state, 'canceled');
  });

  it('withdraws a task nobody took when the deployment is canceled', async () => {
    const controller = new AbortController();
    const { ctx } = context({ signal: controller.signal });
    const step = run(ctx);
    const id = await queued();
    controller.abort();
    assert.deepEqual(await step, { outcome: 'failed', error: 'canceled' });
    assert.equal((await tasks.status(id))?.state, 'canceled');
    assert.equal(await tasks.lease({ id: 'Workers-x', name: 'w1', pool: 'pool-a' }), undefined);
  });

  it('refuses a pool name that is not one, and a pool step where the engine has no queue', async () => {
    const { ctx } = context();
    const bad = await runOnWorkerPool(
      ctx,
      { syntax: 'bash', script: 'x', workerPool: 'no spaces!' },
      options,
    );
    assert.match((bad as { error: string }).error, /workerPool "no spaces!" is not a worker pool's name/);
    const executor = createRunScriptExecutor({ isolation: { mode: 'server-user' } });
    const result = await executor.run(ctx);
    assert.match((result as { error: string }).error, /names the worker pool "pool-a", but this engine/);
  });
});
