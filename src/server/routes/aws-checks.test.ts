/**
 * The infrastructure buttons against the embedded sandbox: an AWS account's "Test" (STS
 * GetCallerIdentity with its stored keys; a key AWS does not know is refused in Slipway's words)
 * and an ECS target's "Check" (the cluster described with the target's account; a cluster that is
 * not there named with what to fix).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import type { FastifyInstance } from 'fastify';
import type { SandboxHandle } from '../../sandbox/index.js';
import { startSandboxApi, type SandboxApi } from '../../../test/kits/sandbox-api.js';

const SPACE = '/api/spaces/Default';

describe('AWS account test and ECS target check', () => {
  let sandbox: SandboxHandle;
  let api: SandboxApi;
  let app: FastifyInstance;
  let key: string;
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });

  before(async () => {
    api = await startSandboxApi();
    ({ sandbox, app, key } = api);
    const ecs = new ECSClient({
      region: sandbox.region,
      endpoint: sandbox.endpoint,
      credentials: sandbox.credentials,
    });
    await ecs.send(new CreateClusterCommand({ clusterName: 'demo' }));
    ecs.destroy();
    const created = [
      await call('POST', `${SPACE}/environments`, { name: 'Dev' }),
      await call('POST', `${SPACE}/aws-accounts`, {
        name: 'Main',
        mode: 'keys',
        region: sandbox.region,
        accessKeyId: sandbox.credentials.accessKeyId,
        secretAccessKey: sandbox.credentials.secretAccessKey,
      }),
      await call('POST', `${SPACE}/aws-accounts`, {
        name: 'Broken',
        mode: 'keys',
        accessKeyId: 'AKIAWRONGWRONGWRONG0',
        secretAccessKey: 'not-the-secret',
      }),
      await call('POST', `${SPACE}/ecs-targets`, {
        name: 'Demo cluster',
        awsAccount: 'Main',
        region: sandbox.region,
        cluster: 'demo',
        roles: ['web'],
        environments: ['Dev'],
      }),
      await call('POST', `${SPACE}/ecs-targets`, {
        name: 'Nowhere',
        awsAccount: 'Main',
        region: sandbox.region,
        cluster: 'no-such-cluster',
        roles: ['web'],
        environments: ['Dev'],
      }),
    ];
    for (const res of created) assert.equal(res.statusCode, 201, res.body);
  });
  after(() => api?.close());

  it('tests an account with its stored keys: who they are, by account id and ARN', async () => {
    const res = await call('POST', `${SPACE}/aws-accounts/Main/test`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{ account: string; arn: string; userId: string; region: string }>();
    assert.match(body.account, /^\d{12}$/);
    assert.equal(body.arn, `arn:aws:iam::${body.account}:root`);
    assert.equal(body.region, sandbox.region);
  });

  it('answers a key AWS does not know as AWS_CREDENTIALS, naming the account and what to fix', async () => {
    const res = await call('POST', `${SPACE}/aws-accounts/Broken/test`);
    assert.equal(res.statusCode, 400, res.body);
    const body = res.json<{ code: string; message: string }>();
    assert.equal(body.code, 'AWS_CREDENTIALS');
    assert.match(body.message, /AWS refused the credentials of AWS account "Broken": InvalidClientTokenId/);
    assert.match(body.message, /Check its access key id and secret access key/);
  });

  it('answers 404 for an account that does not exist', async () => {
    const res = await call('POST', `${SPACE}/aws-accounts/Nobody/test`);
    assert.equal(res.statusCode, 404, res.body);
  });

  it('checks a target: the cluster, its status and counts, with the target’s account', async () => {
    const res = await call('POST', `${SPACE}/ecs-targets/Demo%20cluster/check`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<Record<string, unknown>>();
    assert.equal(body.cluster, 'demo');
    assert.equal(body.status, 'ACTIVE');
    assert.equal(body.activeServicesCount, 0);
    assert.equal(body.runningTasksCount, 0);
    assert.match(String(body.clusterArn), /:cluster\/demo$/);
  });

  it('names a cluster that is not there, with the region and account, as CONFIG', async () => {
    const res = await call('POST', `${SPACE}/ecs-targets/Nowhere/check`);
    assert.equal(res.statusCode, 400, res.body);
    const body = res.json<{ code: string; message: string }>();
    assert.equal(body.code, 'CONFIG');
    assert.match(body.message, /"no-such-cluster", which ECS does not find in/);
  });
});
