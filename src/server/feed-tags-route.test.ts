/**
 * GET /feeds/{id}/tags against the embedded sandbox: an ECR feed on the server's ambient AWS (what
 * `slipway server --sandbox` sets up), an ECR feed through an AWS account with stored keys, and a
 * Docker registry feed whose password is a stored secret.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { FastifyInstance } from 'fastify';
import type { SandboxHandle } from '../sandbox/index.js';
import { pushImages, startSandboxApi, type SandboxApi } from '../../test/kits/sandbox-api.js';

const TAGS = ['1.0.0', '1.2.0', '2.0.0-beta.1', '2.0.0', '2.1.0', 'latest', 'main-abc123'];
const SPACE = '/api/spaces/Default';

describe('feed tags through the API', () => {
  let sandbox: SandboxHandle;
  let api: SandboxApi;
  let app: FastifyInstance;
  let key: string;
  let token: string;
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });

  before(async () => {
    api = await startSandboxApi();
    ({ sandbox, app, key } = api);
    await pushImages(sandbox, 'hello-color', TAGS);
    const ecr = new ECRClient({
      region: sandbox.region,
      endpoint: sandbox.endpoint,
      credentials: sandbox.credentials,
    });
    const auth = await ecr.send(new GetAuthorizationTokenCommand({}));
    token = Buffer.from(auth.authorizationData![0]!.authorizationToken!, 'base64').toString().split(':')[1]!;
    ecr.destroy();
  });
  after(() => api?.close());

  it('lists versions newest first from ECR on the ambient AWS, within a channel rule', async () => {
    const created = await call('POST', `${SPACE}/feeds`, {
      name: 'Sandbox ECR',
      type: 'ecr',
      region: 'us-east-1',
    });
    assert.equal(created.statusCode, 201, created.body);
    const all = await call('GET', `${SPACE}/feeds/Sandbox%20ECR/tags?image=hello-color`);
    assert.equal(all.statusCode, 200, all.body);
    const body = all.json<{ items: { tag: string }[]; otherTags: string[] }>();
    assert.deepEqual(
      body.items.map((t) => t.tag),
      ['2.1.0', '2.0.0', '2.0.0-beta.1', '1.2.0', '1.0.0'],
    );
    assert.deepEqual(body.otherTags.sort(), ['latest', 'main-abc123']);
    const ruled = await call(
      'GET',
      `${SPACE}/feeds/Sandbox%20ECR/tags?image=hello-color&versionRange=${encodeURIComponent('[1.0,2.0)')}`,
    );
    assert.deepEqual(
      ruled.json<{ items: { tag: string }[] }>().items.map((t) => t.tag),
      // NuGet ranges: 2.0.0-beta.1 sorts below 2.0.0, so it is inside [1.0,2.0).
      ['2.0.0-beta.1', '1.2.0', '1.0.0'],
    );
  });

  it('uses an AWS account with stored keys, and a registry password that is stored encrypted', async () => {
    const account = await call('POST', `${SPACE}/aws-accounts`, {
      name: 'Sandbox keys',
      mode: 'keys',
      accessKeyId: sandbox.credentials.accessKeyId,
      secretAccessKey: sandbox.credentials.secretAccessKey,
    });
    assert.equal(account.statusCode, 201, account.body);
    assert.ok(!account.body.includes(sandbox.credentials.secretAccessKey));
    await call('POST', `${SPACE}/feeds`, {
      name: 'Keyed ECR',
      type: 'ecr',
      region: 'us-east-1',
      awsAccount: 'Sandbox keys',
    });
    const viaAccount = await call(
      'GET',
      `${SPACE}/feeds/Keyed%20ECR/tags?image=hello-color&preReleaseTag=%5E%24`,
    );
    assert.equal(viaAccount.statusCode, 200, viaAccount.body);
    assert.equal(viaAccount.json<{ items: { tag: string }[] }>().items.length, 4);

    await call('POST', `${SPACE}/feeds`, {
      name: 'Registry',
      type: 'docker',
      url: sandbox.endpoint,
      username: 'AWS',
      password: token,
    });
    const viaRegistry = await call('GET', `${SPACE}/feeds/Registry/tags?image=hello-color&limit=1`);
    assert.equal(viaRegistry.statusCode, 200, viaRegistry.body);
    assert.deepEqual(
      viaRegistry.json<{ items: { tag: string }[] }>().items.map((t) => t.tag),
      ['2.1.0'],
    );
  });

  it('answers 400 FEED_UNREACHABLE naming the registry when it cannot be read, as documented', async () => {
    await call('POST', `${SPACE}/feeds`, { name: 'Nowhere', type: 'docker', url: 'http://127.0.0.1:1' });
    const res = await call('GET', `${SPACE}/feeds/Nowhere/tags?image=x`);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json<{ code: string }>().code, 'FEED_UNREACHABLE');
    const doc = (await call('GET', '/api/openapi.json')).json<{
      paths: Record<string, { get: { responses: Record<string, unknown> } }>;
    }>();
    const responses = doc.paths['/api/spaces/{space}/feeds/{id}/tags']?.get.responses ?? {};
    assert.ok('400' in responses && !('502' in responses), Object.keys(responses).join(', '));
  });

  it('names a bad query and an invalid rule', async () => {
    const missing = await call('GET', `${SPACE}/feeds/Registry/tags`);
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json<{ message: string }>().message, /image/);
    const badRange = await call('GET', `${SPACE}/feeds/Registry/tags?image=x&versionRange=%5Bnope`);
    assert.equal(badRange.statusCode, 400, badRange.body);
  });
});
