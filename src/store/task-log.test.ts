/** The task log's coded lines: code and data stored beside the message, and read back by code. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { openReleaseModel, type ReleaseModel } from '../../test/kits/store-releases.js';
import { ACTOR, SPACE } from '../../test/kits/store-resources.js';
import { appendLog, readLog } from './task-log.js';

forEachBackend('task log codes', (backend) => {
  let m: ReleaseModel;
  let id = '';
  const at = new Date('2026-01-01T00:00:00.000Z');

  it('sets up', async () => {
    m = await openReleaseModel(backend);
    const releaseId = (await m.releases.create(SPACE, m.newRelease('1.0.0'), ACTOR)).id;
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
    id = d!.id;
    await appendLog(m.store.db, id, [
      { path: [], level: 'info', at, message: 'Deploying.' },
      {
        path: ['Deploy', 'Target'],
        level: 'info',
        at,
        message: '[web] PRIMARY web:2 IN_PROGRESS',
        code: 'deploy.deployments',
        data: { service: 'web', deployments: [{ id: 'ecs-svc/1', running: 1 }] },
      },
      { path: ['Deploy', 'Target'], level: 'info', at, message: 'script says hi' },
      {
        path: ['Deploy', 'Target'],
        level: 'highlight',
        at,
        message: '[web] done',
        code: 'deploy.succeeded',
        data: {},
      },
      { path: ['Job'], level: 'info', at, message: 'task ran', code: 'task.stopped', data: { x: 1 } },
    ]);
  });

  it('keeps code and data on coded lines; plain lines have neither', async () => {
    const lines = await readLog(m.store.db, id);
    assert.deepEqual(
      lines.map((l) => [l.seq, l.code, l.data]),
      [
        [1, undefined, undefined],
        [2, 'deploy.deployments', { service: 'web', deployments: [{ id: 'ecs-svc/1', running: 1 }] }],
        [3, undefined, undefined],
        [4, 'deploy.succeeded', {}],
        [5, 'task.stopped', { x: 1 }],
      ],
    );
    assert.ok(!('code' in lines[0]!) && !('data' in lines[0]!));
  });

  it('filters by exact codes and by prefix, after a seq', async () => {
    const codes = async (list: string[], after = 0) =>
      (await readLog(m.store.db, id, after, 1000, { codes: list })).map((l) => l.seq);
    assert.deepEqual(await codes(['deploy.succeeded']), [4]);
    assert.deepEqual(await codes(['deploy.*']), [2, 4]);
    assert.deepEqual(await codes(['deploy.*', 'task.stopped']), [2, 4, 5]);
    assert.deepEqual(await codes(['deploy.*'], 2), [4]);
    assert.deepEqual(await codes(['deploy']), []);
    // `_` and `%` are not wildcards: only `.*` at the end is.
    assert.deepEqual(await codes(['deplo_.*', 'deploy%', '%.*']), []);
    assert.deepEqual(await codes([]), [1, 2, 3, 4, 5]);
  });
});
