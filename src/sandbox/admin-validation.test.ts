/** Admin calls validate their whole body first, answer 400 in our words, and apply nothing when refused. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { startSandbox, type SandboxHandle } from './index.js';
import { emptyWorld } from './world.js';

async function call(sb: SandboxHandle, method: string, path: string, body?: unknown) {
  const r = await fetch(`${sb.endpoint}${path}`, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

function messageOf(r: { json: Record<string, unknown> }): string {
  return (r.json.error as { message: string }).message;
}

describe('admin calls are validated and atomic', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
  });
  after(() => sb.close());

  it('a time scale of 1e308 is refused, and the clock keeps working', async () => {
    const before = await call(sb, 'GET', '/_sandbox/time');
    // Written by hand: 1e308 is a finite JSON number that made the clock's time Infinity.
    const r = await call(sb, 'POST', '/_sandbox/time', '{"scale":1e308}');
    assert.equal(r.status, 400);
    assert.match(messageOf(r), /scale must be at most 100000/);
    assert.match(messageOf(r), /Nothing was changed/);
    const after = await call(sb, 'GET', '/_sandbox/time');
    assert.equal(after.status, 200);
    assert.equal(after.json.scale, before.json.scale);
    assert.ok(!Number.isNaN(Date.parse(after.json.now as string)));
    const health = await call(sb, 'GET', '/_sandbox/health');
    assert.equal(health.status, 200);
  });

  it('one bad field leaves the other fields of the call unapplied', async () => {
    const t0 = Date.parse((await call(sb, 'GET', '/_sandbox/time')).json.now as string);
    const r = await call(sb, 'POST', '/_sandbox/time', { scale: 50, advanceSeconds: -5 });
    assert.equal(r.status, 400);
    assert.match(messageOf(r), /advanceSeconds must be at least 0/);
    const after = await call(sb, 'GET', '/_sandbox/time');
    assert.equal(after.json.scale, 1);
    assert.ok(Date.parse(after.json.now as string) - t0 < 3_600_000);

    const settings = await call(sb, 'PUT', '/_sandbox/settings', {
      strictPulls: true,
      timings: { stopSeconds: 1e308 },
    });
    assert.equal(settings.status, 400);
    assert.match(messageOf(settings), /timings\.stopSeconds must be at most 31536000/);
    const now = await call(sb, 'GET', '/_sandbox/settings');
    assert.equal(now.json.strictPulls, false);
    assert.equal((now.json.timings as { stopSeconds: number }).stopSeconds, 2);
  });

  it('the clock cannot be moved past the year 9999', async () => {
    // A world saved a day before the end of 9999 resumes at that time.
    const file = join(mkdtempSync(join(tmpdir(), 'slipway-admin-')), 'state.json');
    writeFileSync(file, JSON.stringify({ ...emptyWorld(), savedAt: Date.UTC(9999, 11, 30) }));
    const late = await startSandbox({ port: 0, stateFile: file });
    try {
      const r = await call(late, 'POST', '/_sandbox/time', { advanceSeconds: 2 * 24 * 3600 });
      assert.equal(r.status, 400);
      assert.match(messageOf(r), /past 9999-12-31T23:59:59.999Z/);
      const time = await call(late, 'GET', '/_sandbox/time');
      assert.equal(time.status, 200);
      assert.ok(Date.parse(time.json.now as string) < Date.UTC(9999, 11, 31));
    } finally {
      await late.close();
    }
  });

  it('refuses an error code that cannot be sent as a header, and API calls keep working', async () => {
    const r = await call(sb, 'POST', '/_sandbox/faults/api', {
      service: 'ecs',
      errorCode: 'Bad\r\nX-Injected: 1',
    });
    assert.equal(r.status, 400);
    assert.match(messageOf(r), /errorCode must be an error code/);
    assert.deepEqual((await call(sb, 'GET', '/_sandbox/faults')).json.api, []);
    const ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    assert.ok(Array.isArray((await ecs.send(new ListClustersCommand({}))).clusterArns));
  });

  it('names every problem of a body in its own words', async () => {
    const r = await call(sb, 'POST', '/_sandbox/clusters', {
      region: 'moon-base',
      name: 'no spaces',
      instances: { count: 0, cpu: 2.5 },
      colour: 'red',
    });
    assert.equal(r.status, 400);
    const m = messageOf(r);
    assert.match(m, /region must be a region name such as us-east-1/);
    assert.match(m, /name must be up to 255 letters/);
    assert.match(m, /instances\.count must be at least 1/);
    assert.match(m, /instances\.cpu must be a whole number/);
    assert.match(m, /unknown field colour/);
    const missing = await call(sb, 'POST', '/_sandbox/roles', {});
    assert.match(messageOf(missing), /roleName is required/);
  });

  it('a route without a body refuses one instead of ignoring it', async () => {
    await call(sb, 'POST', '/_sandbox/accounts', { id: '444444444444', name: 'kept' });
    const r = await call(sb, 'POST', '/_sandbox/reset', { keep: ['444444444444'] });
    assert.equal(r.status, 400);
    assert.match(messageOf(r), /POST \/_sandbox\/reset takes no body/);
    const accounts = (await call(sb, 'GET', '/_sandbox/accounts')).json.accounts as { id: string }[];
    assert.ok(
      accounts.some((a) => a.id === '444444444444'),
      'nothing was reset',
    );
  });
});
