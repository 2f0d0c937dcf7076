import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { SlipwayError } from '../core/errors.js';
import { startSandbox, type SandboxHandle } from './index.js';

async function call(sb: SandboxHandle, method: string, path: string, body?: unknown) {
  const r = await fetch(`${sb.endpoint}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

function ecsOf(sb: SandboxHandle, maxAttempts = 1): ECSClient {
  return new ECSClient({
    endpoint: sb.endpoint,
    region: sb.region,
    credentials: sb.credentials,
    maxAttempts,
  });
}

describe('throttling', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0 });
  });
  after(() => sb.close());

  it('DescribeServices throttles after its burst of 100 and recovers at 20 per second', async () => {
    await call(sb, 'POST', '/_sandbox/clusters', { name: 'busy' });
    const ecs = ecsOf(sb);
    const CALLS = 200;
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: CALLS }, () =>
        ecs.send(new DescribeServicesCommand({ cluster: 'busy', services: ['x'] })),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const throttled = results.filter(
      (r) => r.status === 'rejected' && (r.reason as Error).name === 'ThrottlingException',
    );
    // The burst is 100; tokens refill at 20/s (on the wall clock) while the calls are in flight, so
    // at most 20 × elapsed + 1 more calls pass. A slow machine lets more through, never fewer.
    const refilled = Math.ceil(20 * seconds) + 1;
    assert.ok(
      throttled.length <= CALLS - 100 && throttled.length >= CALLS - 100 - refilled,
      `throttled ${throttled.length} of ${CALLS} in ${seconds.toFixed(2)} s`,
    );
    const sample = throttled[0] as PromiseRejectedResult;
    assert.equal((sample.reason as Error).message, 'Rate exceeded');
    // Another bucket is unaffected.
    await ecs.send(new ListClustersCommand({}));
    await new Promise((r) => setTimeout(r, 300)); // ≥ 6 tokens back
    await ecs.send(new DescribeServicesCommand({ cluster: 'busy', services: ['x'] }));
    const stats = (await call(sb, 'GET', '/_sandbox/stats')).json.actions as Record<
      string,
      { calls: number; throttled: number }
    >;
    assert.equal(stats['ecs:DescribeServices']?.calls, CALLS + 1);
    assert.equal(stats['ecs:DescribeServices']?.throttled, throttled.length);
  });

  it('RegisterTaskDefinition has a burst of 20', async () => {
    const ecs = ecsOf(sb);
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, () =>
        ecs.send(
          new RegisterTaskDefinitionCommand({
            family: 'burst',
            containerDefinitions: [{ name: 'a', image: 'nginx', memory: 64 }],
          }),
        ),
      ),
    );
    const throttled = results.filter((r) => r.status === 'rejected').length;
    assert.ok(throttled >= 4 && throttled <= 5, `throttled ${throttled}`);
  });

  it('can be switched off', async () => {
    await call(sb, 'PUT', '/_sandbox/settings', { throttling: false });
    const ecs = ecsOf(sb);
    const results = await Promise.allSettled(
      Array.from({ length: 150 }, () => ecs.send(new ListClustersCommand({}))),
    );
    assert.equal(results.filter((r) => r.status === 'rejected').length, 0);
  });
});

describe('API faults', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
  });
  after(() => sb.close());

  it('fail the matching action a number of times, then stop', async () => {
    const added = await call(sb, 'POST', '/_sandbox/faults/api', {
      service: 'ecs',
      action: 'ListClusters',
      errorCode: 'ServerException',
      message: 'injected',
      httpStatus: 500,
      count: 2,
    });
    assert.equal(added.status, 200);
    const ecs = ecsOf(sb);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        ecs.send(new ListClustersCommand({})),
        (e: Error) => e.name === 'ServerException' && e.message === 'injected',
      );
    }
    await ecs.send(new ListClustersCommand({}));
    await ecs.send(new CreateClusterCommand({ clusterName: 'unaffected' }));
  });

  it('throttle for a while on the sandbox clock', async () => {
    await call(sb, 'POST', '/_sandbox/faults/api', { action: 'DescribeClusters', durationSeconds: 30 });
    const ecs = ecsOf(sb);
    await assert.rejects(
      ecs.send(new DescribeClustersCommand({})),
      (e: Error) => e.name === 'ThrottlingException',
    );
    await call(sb, 'POST', '/_sandbox/time', { advanceSeconds: 31 });
    await ecs.send(new DescribeClustersCommand({}));
  });

  it('fail a share of the matching calls, deterministically', async () => {
    await call(sb, 'POST', '/_sandbox/faults/api', { action: 'ListClusters', ratio: 0.5, count: 3 });
    const ecs = ecsOf(sb);
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      outcomes.push(
        await ecs.send(new ListClustersCommand({})).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      );
    }
    // Every other call, three times (count counts the failures), then none.
    const T = 'ThrottlingException';
    assert.deepEqual(outcomes, ['ok', T, 'ok', T, 'ok', T, 'ok', 'ok']);
    const stats = (await call(sb, 'GET', '/_sandbox/stats')).json.actions as Record<
      string,
      { calls: number; throttled: number }
    >;
    assert.equal(stats['ecs:ListClusters']?.throttled, 3);
    // A third fails calls 3, 6, 9, ...
    await call(sb, 'POST', '/_sandbox/faults/api', { action: 'DescribeClusters', ratio: 1 / 3 });
    const thirds: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      thirds.push(
        await ecs.send(new DescribeClustersCommand({})).then(
          () => true,
          () => false,
        ),
      );
    }
    assert.deepEqual(thirds, [true, true, false, true, true, false]);
    await call(sb, 'DELETE', '/_sandbox/faults');
    for (const ratio of [0, 1.5, -1, 'half']) {
      const bad = await call(sb, 'POST', '/_sandbox/faults/api', { ratio });
      assert.equal(bad.status, 400, `ratio ${String(ratio)}`);
      assert.match((bad.json.error as { message: string }).message, /ratio/);
    }
    assert.deepEqual((await call(sb, 'GET', '/_sandbox/faults')).json, { images: [], api: [] });
  });

  it('the SDK retries through a short throttle', async () => {
    await call(sb, 'POST', '/_sandbox/faults/api', { action: 'ListClusters', count: 1 });
    await ecsOf(sb, 3).send(new ListClustersCommand({}));
    await call(sb, 'DELETE', '/_sandbox/faults');
    assert.deepEqual((await call(sb, 'GET', '/_sandbox/faults')).json, { images: [], api: [] });
  });
});

describe('admin API', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
  });
  after(() => sb.close());

  it('validates bodies and names the problem', async () => {
    const bad = await call(sb, 'POST', '/_sandbox/accounts', { id: '12', name: '' });
    assert.equal(bad.status, 400);
    const err = bad.json.error as { code: string; message: string };
    assert.equal(err.code, 'INVALID_INPUT');
    assert.match(err.message, /id/);
    assert.match(err.message, /name/);
    const unknown = await call(sb, 'POST', '/_sandbox/nothing', {});
    assert.equal(unknown.status, 404);
    const notJson = await fetch(`${sb.endpoint}/_sandbox/accounts`, { method: 'POST', body: '{' });
    assert.equal(notJson.status, 400);
    const noAccount = await call(sb, 'POST', '/_sandbox/clusters', { accountId: '999999999999', name: 'x' });
    assert.equal(noAccount.status, 404);
  });

  it('lists routes, changes time and resets the world', async () => {
    const index = await call(sb, 'GET', '/_sandbox');
    assert.ok((index.json.routes as string[]).includes('POST /_sandbox/faults/images'));
    const t0 = Date.parse((await call(sb, 'GET', '/_sandbox/time')).json.now as string);
    const t1 = Date.parse(
      (await call(sb, 'POST', '/_sandbox/time', { advanceSeconds: 3600, scale: 2 })).json.now as string,
    );
    assert.ok(t1 - t0 >= 3_600_000);
    await ecsOf(sb).send(new CreateClusterCommand({ clusterName: 'gone-after-reset' }));
    await call(sb, 'POST', '/_sandbox/reset');
    const list = await ecsOf(sb).send(new ListClustersCommand({}));
    assert.deepEqual(list.clusterArns, []);
  });

  it('answers API requests without credentials as AWS does', async () => {
    const r = await fetch(sb.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { __type: string }).__type, 'MissingAuthenticationTokenException');
  });
});

describe('state file', () => {
  it('keeps the world across a restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'slipway-state-')), 'sandbox.json');
    const sb1 = await startSandbox({ port: 0, stateFile: file, throttling: false });
    await ecsOf(sb1).send(new CreateClusterCommand({ clusterName: 'kept' }));
    await call(sb1, 'POST', '/_sandbox/accounts', { id: '333333333333', name: 'third' });
    await sb1.close();
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).kind, 'slipway-sandbox-state');

    const sb2 = await startSandbox({ port: 0, stateFile: file });
    try {
      const list = await ecsOf(sb2).send(new ListClustersCommand({}));
      assert.deepEqual(list.clusterArns, ['arn:aws:ecs:us-east-1:000000000000:cluster/kept']);
      const accounts = (await call(sb2, 'GET', '/_sandbox/accounts')).json.accounts as { id: string }[];
      assert.ok(accounts.some((a) => a.id === '333333333333'));
    } finally {
      await sb2.close();
    }
  });

  it('refuses a file it did not write, saying what to do', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'slipway-state-')), 'other.json');
    writeFileSync(file, JSON.stringify({ hello: 'world' }));
    await assert.rejects(
      startSandbox({ port: 0, stateFile: file }),
      (e: unknown) =>
        e instanceof SlipwayError && e.code === 'SANDBOX_STATE_INVALID' && /delete/.test(e.message),
    );
    writeFileSync(file, '{not json');
    await assert.rejects(
      startSandbox({ port: 0, stateFile: file }),
      (e: unknown) => e instanceof SlipwayError,
    );
  });

  it('says so when the port is taken', async () => {
    const sb = await startSandbox({ port: 0 });
    try {
      await assert.rejects(
        startSandbox({ port: sb.port }),
        (e: unknown) =>
          e instanceof SlipwayError && e.code === 'SANDBOX_START_FAILED' && /in use/.test(e.message),
      );
    } finally {
      await sb.close();
    }
  });
});
