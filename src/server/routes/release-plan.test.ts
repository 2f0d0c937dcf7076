/**
 * GET /projects/{project}/release-plan against the embedded sandbox's ECR: the channel's rule
 * narrows the tags, the newest allowed is what POST /releases then picks, the version template's
 * preview is the version the release gets, and a rule nothing fits is said per package instead of
 * failing the whole plan.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { SandboxHandle } from '../../sandbox/index.js';
import { pushImages, startSandboxApi, type SandboxApi } from '../../../test/kits/sandbox-api.js';

const TAGS = ['1.0.0', '1.1.0', '1.2.0', '2.0.0-beta.1', 'latest'];
const SPACE = '/api/spaces/Default';

interface Plan {
  channel: { id: string; name: string };
  packages: {
    step: string;
    package: string;
    feedName: string;
    tags: { tag: string }[];
    newest?: string;
    rule?: string;
    problem?: string;
  }[];
  versionTemplate: string;
  version?: string;
  versionProblem?: string;
}

describe('the release plan route', () => {
  let sandbox: SandboxHandle;
  let api: SandboxApi;
  let app: FastifyInstance;
  let key: string;
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
  const created = async (url: string, payload: unknown) => {
    const res = await call('POST', url, payload);
    assert.equal(res.statusCode, 201, res.body);
  };
  const plan = async (query: string): Promise<Plan> => {
    const res = await call('GET', `${SPACE}/projects/web/release-plan${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<Plan>();
  };

  before(async () => {
    api = await startSandboxApi();
    ({ sandbox, app, key } = api);
    await pushImages(sandbox, 'hello-color', TAGS);
    await created(`${SPACE}/environments`, { name: 'Dev' });
    await created(`${SPACE}/feeds`, { name: 'Sandbox ECR', type: 'ecr', region: 'us-east-1' });
    await created(`${SPACE}/lifecycles`, {
      name: 'Simple',
      phases: [{ name: 'Dev', manualEnvironments: ['Dev'] }],
    });
    await created(`${SPACE}/projects`, { name: 'web', lifecycle: 'Simple' });
    const process = await call('GET', `${SPACE}/projects/web/process`);
    const put = await app.inject({
      method: 'PUT',
      url: `${SPACE}/projects/web/process`,
      headers: { authorization: `Bearer ${key}`, 'if-match': process.headers.etag as string },
      payload: {
        steps: [
          {
            name: 'Deploy',
            roles: ['web'],
            action: {
              type: 'ecs-update-service',
              service: 'web',
              containers: [{ name: 'web', image: 'web' }],
              packages: [{ name: 'web', feed: 'Sandbox ECR', image: 'hello-color' }],
            },
          },
        ],
      },
    });
    assert.equal(put.statusCode, 200, put.body);
    await created(`${SPACE}/projects/web/channels`, {
      name: 'Beta',
      rules: [
        {
          packages: [{ step: 'Deploy', package: 'web' }],
          versionRange: '[2.0.0-0,3.0)',
          preReleaseTag: '^beta',
        },
      ],
    });
    await created(`${SPACE}/projects/web/channels`, {
      name: 'Old',
      rules: [{ packages: [{ step: 'Deploy', package: 'web' }], versionRange: '[5.0,6.0)' }],
    });
  });
  after(() => api?.close());

  it('lists the default channel’s tags newest first and previews the version POST /releases then makes', async () => {
    const got = await plan('');
    assert.equal(got.channel.name, 'Default');
    const [web] = got.packages;
    assert.ok(web);
    assert.deepEqual(
      web.tags.map((t) => t.tag),
      ['2.0.0-beta.1', '1.2.0', '1.1.0', '1.0.0'],
    );
    assert.equal(web.newest, '2.0.0-beta.1');
    assert.equal(web.feedName, 'Sandbox ECR');
    assert.equal(got.version, '0.0.1');
    const release = await call('POST', `${SPACE}/releases`, { project: 'web', channel: 'Default' });
    assert.equal(release.statusCode, 201, release.body);
    const body = release.json<{ version: string; packages: { version: string }[] }>();
    assert.equal(body.version, got.version);
    assert.equal(body.packages[0]?.version, web.newest);
    // The next preview follows the releases made since.
    assert.equal((await plan('')).version, '0.0.2');
  });

  it('applies the channel’s rule and uses chosen versions in the template', async () => {
    const beta = await plan('?channel=Beta');
    assert.equal(beta.channel.name, 'Beta');
    assert.deepEqual(
      beta.packages[0]?.tags.map((t) => t.tag),
      ['2.0.0-beta.1'],
    );
    assert.match(
      beta.packages[0]?.rule ?? '',
      /range \[2\.0\.0-0,3\.0\) and pre-release tag matching \^beta/,
    );
    // A template naming the package version previews with the chosen one.
    const project = await call('GET', `${SPACE}/projects/web`);
    const doc = project.json<Record<string, unknown>>();
    const replaced = await app.inject({
      method: 'PUT',
      url: `${SPACE}/projects/web`,
      headers: { authorization: `Bearer ${key}`, 'if-match': project.headers.etag as string },
      payload: { ...doc, versionTemplate: '#{Octopus.Action.Package[web].PackageVersion}' },
    });
    assert.equal(replaced.statusCode, 200, replaced.body);
    assert.equal((await plan('')).version, '2.0.0-beta.1');
    assert.equal((await plan('?package=web:1.1.0')).version, '1.1.0');
    assert.equal((await plan('?package=Deploy/web:1.0.0&package=x:1')).version, '1.0.0');
  });

  it('says per package when no tag fits, and names an unknown channel', async () => {
    const old = await plan('?channel=Old');
    assert.equal(old.packages[0]?.newest, undefined);
    assert.deepEqual(old.packages[0]?.tags, []);
    assert.match(old.packages[0]?.problem ?? '', /No tag of image hello-color fits/);
    const missing = await call('GET', `${SPACE}/projects/web/release-plan?channel=Nope`);
    assert.equal(missing.statusCode, 404);
    assert.match(missing.json<{ message: string }>().message, /no channel "Nope"/);
    const bad = await call('GET', `${SPACE}/projects/web/release-plan?other=1`);
    assert.equal(bad.statusCode, 400);
  });
});
