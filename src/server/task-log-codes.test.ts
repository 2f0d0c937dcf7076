/** The task log API keeps each line's event code and data, and selects lines by code (`?code=`). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startReleaseFixture, type ReleaseFixture } from '../../test/kits/releases.js';
import { deploymentsRepository } from '../store/deployments.js';

interface Line {
  seq: number;
  message: string;
  code?: string;
  data?: Record<string, unknown>;
}

describe('task log codes', () => {
  let f: ReleaseFixture;
  let url = '';
  before(async () => {
    f = await startReleaseFixture();
    const release = await f.service.createRelease(
      'Spaces-1',
      { project: 'web', version: '1.0.0' },
      { actor: 't' },
    );
    const [d] = await f.service.deploy(
      'Spaces-1',
      { release: release.id, environment: 'Dev' },
      { actor: 't' },
    );
    url = `/api/spaces/Default/deployments/${d!.id}/log`;
    const at = new Date();
    await deploymentsRepository(f.api.store.db, f.api.deps.secrets).appendLog(d!.id, [
      { path: [], level: 'info', at, message: 'Deploying.' },
      {
        path: ['Deploy', 'Target'],
        level: 'info',
        at,
        message: '[web] PRIMARY web:2 IN_PROGRESS',
        code: 'deploy.deployments',
        data: { service: 'web', deployments: [{ id: 'ecs-svc/1', running: 1 }] },
      },
      {
        path: ['Deploy', 'Target'],
        level: 'highlight',
        at,
        message: '[web] done',
        code: 'deploy.succeeded',
        data: {},
      },
      { path: ['Deploy', 'Target'], level: 'info', at, message: 'plain' },
    ]);
    await f.finish(d!.id, 'success');
  });
  after(async () => {
    await f.api.close();
  });

  const get = (query: string) => f.as('admin', { method: 'GET', url: `${url}${query}` });

  it('returns code and data on coded lines, neither on plain ones', async () => {
    const res = await get('');
    assert.equal(res.statusCode, 200, res.body);
    const items = res.json<{ items: Line[] }>().items;
    assert.deepEqual(
      items.map((l) => [l.message, l.code, l.data]),
      [
        ['Deploying.', undefined, undefined],
        [
          '[web] PRIMARY web:2 IN_PROGRESS',
          'deploy.deployments',
          { service: 'web', deployments: [{ id: 'ecs-svc/1', running: 1 }] },
        ],
        ['[web] done', 'deploy.succeeded', {}],
        ['plain', undefined, undefined],
      ],
    );
  });

  it('?code= selects lines by exact code or prefix; nextAfter follows the last one returned', async () => {
    const page = (await get('?code=deploy.*')).json<{ items: Line[]; nextAfter: number }>();
    assert.deepEqual(
      page.items.map((l) => l.code),
      ['deploy.deployments', 'deploy.succeeded'],
    );
    assert.equal(page.nextAfter, page.items.at(-1)!.seq);
    const exact = (await get('?code=deploy.succeeded,task.log')).json<{ items: Line[] }>();
    assert.deepEqual(
      exact.items.map((l) => l.code),
      ['deploy.succeeded'],
    );
    const bad = await get('?code=Not%20a%20code');
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.body, /code/);
  });

  it('the stream sends only the selected lines, with their code and data', async () => {
    const res = await get('/stream?code=deploy.deployments');
    assert.equal(res.statusCode, 200);
    const lines = res.body
      .split('\n\n')
      .filter((block) => block.startsWith('id: '))
      .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as Line);
    assert.deepEqual(
      lines.map((l) => [l.code, l.data]),
      [['deploy.deployments', { service: 'web', deployments: [{ id: 'ecs-svc/1', running: 1 }] }]],
    );
    assert.match(res.body, /event: end/);
  });
});
