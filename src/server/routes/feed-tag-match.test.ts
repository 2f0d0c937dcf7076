/**
 * GET /feeds/{id}/tags/match against the embedded sandbox's ECR: every tag with whether a channel
 * rule accepts it and the newest match (what a release would take), a bad rule named by its part,
 * and a repository that does not exist.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { SandboxHandle } from '../../sandbox/index.js';
import { pushImages, startSandboxApi, type SandboxApi } from '../../../test/kits/sandbox-api.js';

const TAGS = ['1.0.0', '1.1.0', '1.2.0', '2.0.0-beta.1', 'latest'];
const URL = '/api/spaces/Default/feeds/Sandbox%20ECR/tags/match';

interface Match {
  items: { tag: string; version: string | null; matches: boolean }[];
  newest: string | null;
  matched: number;
  total: number;
}

describe('GET /feeds/{id}/tags/match', () => {
  let sandbox: SandboxHandle;
  let api: SandboxApi;
  let app: FastifyInstance;
  let key: string;
  const match = async (query: Record<string, string>) =>
    app.inject({
      method: 'GET',
      url: `${URL}?${new URLSearchParams(query).toString()}`,
      headers: { authorization: `Bearer ${key}` },
    });
  const post = async (url: string, payload: unknown) =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${key}` },
      payload: payload as object,
    });

  before(async () => {
    api = await startSandboxApi();
    ({ sandbox, app, key } = api);
    await pushImages(sandbox, 'hello-color', TAGS);
    const feed = await post('/api/spaces/Default/feeds', {
      name: 'Sandbox ECR',
      type: 'ecr',
      region: 'us-east-1',
    });
    assert.equal(feed.statusCode, 201, feed.body);
  });
  after(() => api?.close());

  it('marks each tag, versions newest first, and names the newest match', async () => {
    const res = await match({ image: 'hello-color', versionRange: '[1.1,1.2)' });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<Match>();
    assert.deepEqual(
      body.items.map((i) => [i.tag, i.matches]),
      [
        ['2.0.0-beta.1', false],
        ['1.2.0', false],
        ['1.1.0', true],
        ['1.0.0', false],
        ['latest', false],
      ],
    );
    assert.equal(body.newest, '1.1.0');
    assert.equal(body.matched, 1);
    assert.equal(body.total, 5);
    assert.equal(body.items.find((i) => i.tag === 'latest')?.version, null);
  });

  it('applies the pre-release regex with RE2, and an empty rule accepts every version', async () => {
    const beta = (await match({ image: 'hello-color', preReleaseTag: '^beta' })).json<Match>();
    assert.equal(beta.newest, '2.0.0-beta.1');
    assert.equal(beta.matched, 1);
    const releases = (await match({ image: 'hello-color', preReleaseTag: '^$' })).json<Match>();
    assert.equal(releases.newest, '1.2.0');
    const any = (await match({ image: 'hello-color', versionRange: ' ', preReleaseTag: '' })).json<Match>();
    assert.equal(any.matched, 4);
  });

  it('names each bad part of the rule before reading the feed', async () => {
    const res = await match({ image: 'hello-color', versionRange: '[nope', preReleaseTag: '(a)\\1' });
    assert.equal(res.statusCode, 400, res.body);
    const issues = res.json<{ details: { issues: string[] } }>().details.issues;
    assert.equal(issues.length, 2, issues.join('\n'));
    assert.match(issues[0] ?? '', /^rule\.versionRange: /);
    assert.match(issues[1] ?? '', /^rule\.preReleaseTag: /);
    const unknown = await match({ image: 'hello-color', range: '1.0' });
    assert.equal(unknown.statusCode, 400);
  });

  it('answers FEED_REPOSITORY_NOT_FOUND for a repository the feed does not have', async () => {
    const res = await match({ image: 'no-such-repo' });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json<{ code: string }>().code, 'FEED_REPOSITORY_NOT_FOUND');
  });
});
