/**
 * The CI commands against a server that speaks the release/deployment API contract: exit codes
 * (success 0, failure 1, refusal 3), `--output json`, promote, the log stream's reconnect with
 * Last-Event-ID, polling when a server has no stream, cancel, and the API key never printed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommandIo } from '../../src/cli/commands/apply.js';
import {
  runReleaseCreate,
  runReleaseDeploy,
  runReleaseList,
  runReleasePromote,
} from '../../src/cli/commands/release.js';
import { runDeploymentCancel, runDeploymentWatch } from '../../src/cli/commands/deployment.js';
import { runCi } from '../../src/cli/ci/connection.js';
import { EXIT, type RunState } from '../../src/cli/exit-codes.js';
import { startFakeApi, type FakeApi } from '../kits/ci-fake-api.js';

const KEY = 'API-SECRETKEY0123456789';

function captured(fake: FakeApi) {
  const out = { stdout: '', stderr: '' };
  const io: CommandIo = {
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    env: { SLIPWAY_SERVER: fake.url, SLIPWAY_API_KEY: KEY },
  };
  return { io, out };
}

/** Runs a command body the way its commander action does: errors become the exit code. */
async function exitOf(io: CommandIo, output: 'text' | 'json', body: () => Promise<number>) {
  const state: RunState = { exitCode: EXIT.OK };
  await runCi(state, io, output, body);
  return state.exitCode;
}

const fast = { pollMs: 10 };

/** Waits for `cond` (checked every 5 ms; fails after 10 s so a broken client cannot hang the suite). */
async function waitUntil(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition not reached');
}

describe('slipway release / deployment (CI commands)', () => {
  let fake: FakeApi;
  before(async () => {
    fake = await startFakeApi();
  });
  after(async () => fake.close());

  it('creates a release, deploys it to Dev, watches and exits 0', async () => {
    const { io, out } = captured(fake);
    const code = await exitOf(io, 'text', () =>
      runReleaseCreate(
        {
          project: 'web',
          version: '1.4.2',
          package: ['web:1.4.2'],
          deployTo: ['Dev'],
          wait: true,
          output: 'text',
        },
        io,
        fast,
      ),
    );
    assert.equal(code, EXIT.OK, out.stderr);
    assert.match(out.stdout, /^Releases-\d+ 1\.4\.2$/m);
    assert.match(out.stdout, /Deployments-\d+ \(web 1\.4\.2 to Dev\): success/);
    assert.match(out.stderr, /Deploy \/ hello-dev: Updating service to web:1\.4\.2/);
    assert.match(out.stderr, /Deploy \/ hello-dev: Rollout completed/);
    assert.ok(!out.stdout.includes(KEY) && !out.stderr.includes(KEY));
    assert.ok(fake.authorizations.every((a) => a === `Bearer ${KEY}`));
  });

  it('exits 1 when a watched deployment fails, naming the error', async () => {
    const { io, out } = captured(fake);
    const code = await exitOf(io, 'text', () =>
      runReleaseCreate(
        { project: 'web', version: '1.5.0-bad', deployTo: ['Dev'], wait: true, output: 'text' },
        io,
        fast,
      ),
    );
    assert.equal(code, EXIT.FAILED);
    assert.match(out.stdout, /: failed: Step Deploy failed on hello-dev/);
    assert.match(out.stderr, /error: Tasks failed to start/);
  });

  it('without --wait only queues and exits 0', async () => {
    const { io, out } = captured(fake);
    const code = await exitOf(io, 'text', () =>
      runReleaseCreate({ project: 'web', version: '1.5.1-bad', deployTo: ['Dev'], output: 'text' }, io, fast),
    );
    assert.equal(code, EXIT.OK);
    assert.match(out.stdout, /Deployments-\d+ \(web 1\.5\.1-bad to Dev\): queued/);
  });

  it('exits 3 when the lifecycle refuses, with the server message', async () => {
    const { io, out } = captured(fake);
    await exitOf(io, 'text', () =>
      runReleaseCreate({ project: 'web', version: '2.0.0', output: 'text' }, io, fast),
    );
    const code = await exitOf(io, 'json', () =>
      runReleaseDeploy(
        { project: 'web', version: '2.0.0', to: ['Prod'], wait: true, output: 'json' },
        io,
        fast,
      ),
    );
    assert.equal(code, EXIT.USAGE);
    assert.match(out.stderr, /cannot be deployed to Prod yet: deploy it to Dev first/);
    const doc = JSON.parse(out.stdout.slice(out.stdout.indexOf('{'))) as {
      ok: boolean;
      error: { message: string };
    };
    assert.equal(doc.ok, false);
    assert.match(doc.error.message, /Prod yet/);
  });

  it('exits 3 for an unknown project or release version', async () => {
    const { io, out } = captured(fake);
    assert.equal(
      await exitOf(io, 'text', () =>
        runReleaseDeploy({ project: 'web', version: '9.9.9', to: ['Dev'], output: 'text' }, io),
      ),
      EXIT.USAGE,
    );
    assert.match(out.stderr, /Project web has no release 9\.9\.9/);
    assert.equal(
      await exitOf(io, 'text', () =>
        runReleasePromote({ project: 'nope', from: 'Dev', to: ['Prod'], output: 'text' }, io),
      ),
      EXIT.USAGE,
    );
    assert.match(out.stderr, /There is no project "nope"/);
  });

  it('--output json prints one document with the release and final deployments (tenants "*")', async () => {
    const { io, out } = captured(fake);
    const code = await exitOf(io, 'json', () =>
      runReleaseCreate(
        { project: 'web', version: '1.6.0', deployTo: ['Dev'], tenant: ['*'], wait: true, output: 'json' },
        io,
        fast,
      ),
    );
    assert.equal(code, EXIT.OK, out.stderr);
    const doc = JSON.parse(out.stdout) as {
      ok: boolean;
      release: { version: string };
      deployments: { state: string; tenantId: string }[];
    };
    assert.equal(doc.ok, true);
    assert.equal(doc.release.version, '1.6.0');
    assert.deepEqual(
      doc.deployments.map((d) => [d.tenantId, d.state]),
      [
        ['Tenants-1', 'success'],
        ['Tenants-2', 'success'],
      ],
    );
    // Several deployments: each progress line says which one it is.
    assert.match(out.stderr, /\[Dev Acme\] Deploy \/ hello-dev: Rollout completed/);
    assert.match(out.stderr, /\[Dev Globex\] Deploy \/ hello-dev: Rollout completed/);
  });

  it('promote asks the server to deploy what last succeeded in --from (untenanted, or per tenant)', async () => {
    // The server's rule (POST /deployments/promote): without --tenant, the release the untenanted
    // deployments last ran there (1.4.2; 1.6.0 went to tenants only).
    const { io, out } = captured(fake);
    const code = await exitOf(io, 'json', () =>
      runReleasePromote({ project: 'web', from: 'Dev', to: ['Prod'], wait: true, output: 'json' }, io, fast),
    );
    assert.equal(code, EXIT.OK, out.stderr);
    const doc = JSON.parse(out.stdout) as {
      release: { version: string };
      deployments: { environmentId: string }[];
    };
    assert.equal(doc.release.version, '1.4.2');
    assert.equal(doc.deployments[0]?.environmentId, 'Environments-2');
    assert.match(out.stderr, /^Promoting web 1\.4\.2 from Dev$/m);
    const tenanted = captured(fake);
    assert.equal(
      await exitOf(tenanted.io, 'json', () =>
        runReleasePromote(
          { project: 'web', from: 'Dev', to: ['Prod'], tenant: ['*'], wait: true, output: 'json' },
          tenanted.io,
          fast,
        ),
      ),
      EXIT.OK,
      tenanted.out.stderr,
    );
    const each = JSON.parse(tenanted.out.stdout) as {
      release: { version: string };
      deployments: { tenantId: string; environmentId: string }[];
    };
    assert.equal(each.release.version, '1.6.0');
    assert.deepEqual(
      each.deployments.map((d) => [d.tenantId, d.environmentId]),
      [
        ['Tenants-1', 'Environments-2'],
        ['Tenants-2', 'Environments-2'],
      ],
    );
  });

  it('release list prints the versions, newest first', async () => {
    const { io, out } = captured(fake);
    assert.equal(
      await exitOf(io, 'text', () => runReleaseList({ project: 'web', output: 'text' }, io)),
      EXIT.OK,
    );
    const versions = out.stdout
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0])
      .filter(Boolean);
    assert.deepEqual(versions.slice(0, 2), ['1.6.0', '2.0.0']);
  });

  it('watch reconnects with Last-Event-ID after a dropped stream and prints each line once', async () => {
    fake.dropFirstStream = true;
    try {
      const { io, out } = captured(fake);
      fake.holdQueued = true;
      await exitOf(io, 'json', () =>
        runReleaseCreate({ project: 'web', version: '1.7.0', deployTo: ['Dev'], output: 'json' }, io),
      );
      fake.holdQueued = false;
      const id = (JSON.parse(out.stdout) as { deployments: { id: string }[] }).deployments[0]?.id ?? '';
      // Start it now that the test holds its id: the watch sees every line from the first.
      const { io: io2, out: out2 } = captured(fake);
      const watching = exitOf(io2, 'text', () => runDeploymentWatch([id], { output: 'text' }, io2, fast));
      const dep = fake.deployments.get(id);
      assert.ok(dep);
      dep.state = 'queued';
      const push = (m: string) => {
        dep.log.push({ seq: dep.log.length + 1, path: ['Deploy'], level: 'info', at: '', message: m });
        for (const l of dep.listeners) l();
      };
      // Driven by hand: one line (the fake drops the stream after it), then the rest once the client
      // has come back with Last-Event-ID.
      dep.state = 'executing';
      await waitUntil(() => dep.listeners.size > 0);
      push('one');
      await waitUntil(() => fake.lastEventIds.length > 0);
      push('two');
      push('three');
      dep.state = 'success';
      for (const l of dep.listeners) l();
      assert.equal(await watching, EXIT.OK, out2.stderr);
      for (const m of ['one', 'two', 'three']) {
        assert.equal(out2.stderr.split('\n').filter((l) => l === `Deploy: ${m}`).length, 1, out2.stderr);
      }
      assert.deepEqual(fake.lastEventIds, ['1']);
    } finally {
      fake.dropFirstStream = false;
      fake.holdQueued = false;
    }
  });

  it('watch polls the log when the server has no stream', async () => {
    fake.noStream = true;
    try {
      const { io, out } = captured(fake);
      const code = await exitOf(io, 'text', () =>
        runReleaseCreate(
          { project: 'web', version: '1.8.0-bad', deployTo: ['Dev'], wait: true, output: 'text' },
          io,
          fast,
        ),
      );
      assert.equal(code, EXIT.FAILED);
      assert.match(out.stderr, /Deploy \/ hello-dev: error: Tasks failed to start/);
    } finally {
      fake.noStream = false;
    }
  });

  it('cancel stops a deployment; watching it then exits 1', async () => {
    fake.holdQueued = true;
    try {
      const { io, out } = captured(fake);
      await exitOf(io, 'json', () =>
        runReleaseCreate({ project: 'web', version: '1.9.0', deployTo: ['Dev'], output: 'json' }, io),
      );
      const id = (JSON.parse(out.stdout) as { deployments: { id: string }[] }).deployments[0]?.id ?? '';
      const c = captured(fake);
      assert.equal(
        await exitOf(c.io, 'text', () => runDeploymentCancel(id, { output: 'text' }, c.io)),
        EXIT.OK,
      );
      assert.equal(c.out.stdout, `${id}: canceled\n`);
      const w = captured(fake);
      assert.equal(
        await exitOf(w.io, 'text', () => runDeploymentWatch([id], { output: 'text' }, w.io, fast)),
        EXIT.FAILED,
      );
      assert.match(w.out.stdout, /: canceled: Canceled by admin/);
    } finally {
      fake.holdQueued = false;
    }
  });
});
