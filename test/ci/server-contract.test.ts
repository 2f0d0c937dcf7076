/**
 * The CI commands against the real API and engine (buildServer on a free port, the embedded store,
 * the AWS sandbox as "ambient", the demo's configuration applied): a release of the newest feed tag
 * deployed and watched to success (exit 0), a refusal by the lifecycle (exit 3), promote for every
 * tenant, a broken image that fails (exit 1), `--output json`, and cancel through the real log stream.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ApiClient } from '../../src/cli/api-client.js';
import { runCi } from '../../src/cli/ci/connection.js';
import type { CommandIo } from '../../src/cli/commands/apply.js';
import { runDeploymentCancel, runDeploymentWatch } from '../../src/cli/commands/deployment.js';
import {
  runReleaseCreate,
  runReleaseDeploy,
  runReleaseList,
  runReleasePromote,
} from '../../src/cli/commands/release.js';
import { applyDemoConfig } from '../../src/cli/demo/apply-config.js';
import { seedSandbox } from '../../src/cli/demo/sandbox-world.js';
import { EXIT, type RunState } from '../../src/cli/exit-codes.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { startEngine, type Engine } from '../../src/jobs/engine.js';
import { buildServer } from '../../src/server/app.js';
import { ensureAdministrator } from '../../src/store/api-keys.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createSecretBox } from '../../src/store/secrets.js';

describe('CI commands against the real API', () => {
  let sb: SandboxHandle;
  let store: Store;
  let app: FastifyInstance;
  let dir: string;
  let env: Record<string, string>;
  let key: string;
  let engine: Engine;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-ci-'));
    sb = await startSandbox({ port: 0, timeScale: 60 });
    const accounts = await seedSandbox(sb, ['Acme', 'Globex'], () => {});
    store = await openStore({ dataDir: dir });
    key = (await ensureAdministrator(store, { dataDir: dir })).key ?? '';
    const secrets = createSecretBox({ dataDir: dir, env: {} });
    const { accessKeyId, secretAccessKey } = sb.credentials;
    const aws = {
      endpoint: sb.endpoint,
      credentials: { kind: 'static' as const, accessKeyId, secretAccessKey },
    };
    engine = await startEngine({ store, secrets, aws });
    app = buildServer({ store, secrets, aws, engine });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    env = { SLIPWAY_SERVER: url, SLIPWAY_API_KEY: key };
    await applyDemoConfig(new ApiClient({ server: url, apiKey: key }), accounts);
  });
  after(async () => {
    await app.close();
    await engine.stop(10_000);
    await store.close();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function captured() {
    const out = { stdout: '', stderr: '' };
    const io: CommandIo = { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t), env };
    return { io, out };
  }
  async function exitOf(io: CommandIo, output: 'text' | 'json', body: () => Promise<number>) {
    const state: RunState = { exitCode: EXIT.OK };
    await runCi(state, io, output, body);
    return state.exitCode;
  }

  const fast = { pollMs: 50 };

  it('release create takes the newest tag, deploys to Dev, watches to success: exit 0, one JSON document', async () => {
    const { io, out } = captured();
    const code = await exitOf(io, 'json', () =>
      runReleaseCreate(
        { project: 'hello-color', version: '1.2.0', deployTo: ['Dev'], wait: true, output: 'json' },
        io,
        fast,
      ),
    );
    assert.equal(code, EXIT.OK, out.stderr);
    const doc = JSON.parse(out.stdout) as {
      ok: boolean;
      release: { version: string; packages: { package: string; version: string }[] };
      deployments: { id: string; state: string; tenantId?: string }[];
    };
    assert.equal(doc.ok, true);
    assert.deepEqual(
      doc.release.packages.map((p) => `${p.package}:${p.version}`),
      ['hello-color:1.2.0'],
    );
    assert.deepEqual(
      doc.deployments.map((d) => [d.state, d.tenantId ?? undefined]),
      [['success', undefined]],
    );
    // The step's log, placed under step and target.
    assert.match(out.stderr, /Deploy \/ hello: /);
    assert.ok(!out.stdout.includes(key) && !out.stderr.includes(key), 'the API key is never printed');
  });

  it('release deploy to Prod before Test succeeded is refused: exit 3', async () => {
    const { io, out } = captured();
    const code = await exitOf(io, 'text', () =>
      runReleaseDeploy(
        { project: 'hello-color', version: '1.2.0', to: ['Prod'], wait: true, output: 'text' },
        io,
      ),
    );
    assert.equal(code, EXIT.USAGE);
    assert.match(out.stderr, /error \[LIFECYCLE_REFUSED\]: Prod is not allowed yet/);
  });

  it('release deploy to Dev for every tenant succeeds: exit 0', async () => {
    const { io, out } = captured();
    const code = await exitOf(io, 'text', () =>
      runReleaseDeploy(
        { project: 'hello-color', version: '1.2.0', to: ['Dev'], tenant: ['*'], wait: true, output: 'text' },
        io,
        fast,
      ),
    );
    assert.equal(code, EXIT.OK, out.stderr);
    assert.match(out.stdout, /\(hello-color 1\.2\.0 to Dev for Acme\): success/);
    assert.match(out.stdout, /\(hello-color 1\.2\.0 to Dev for Globex\): success/);
  });

  it('release promote Dev → Test for every tenant succeeds: exit 0', async () => {
    const { io, out } = captured();
    const code = await exitOf(io, 'text', () =>
      runReleasePromote(
        { project: 'hello-color', from: 'Dev', to: ['Test'], tenant: ['*'], wait: true, output: 'text' },
        io,
        fast,
      ),
    );
    assert.equal(code, EXIT.OK, out.stderr);
    assert.match(out.stdout, /\(hello-color 1\.2\.0 to Test for Acme\): success/);
    assert.match(out.stdout, /\(hello-color 1\.2\.0 to Test for Globex\): success/);
    assert.match(out.stderr, /\[Test Acme\] Deploy \/ acme-hello: /);
  });

  it('release promote with nothing successful in --from exits 3', async () => {
    const { io, out } = captured();
    const code = await exitOf(io, 'text', () =>
      runReleasePromote({ project: 'hello-color', from: 'Prod', to: ['Test'], output: 'text' }, io),
    );
    assert.equal(code, EXIT.USAGE);
    // The server's promotion rule and message (the CLI asks POST /deployments/promote).
    assert.match(
      out.stderr,
      /Nothing to promote: project "hello-color" has no successful untenanted deployment in Prod\./,
    );
  });

  it('a release of an image missing from ECR fails in Dev: exit 1 with the reason', async () => {
    const { io, out } = captured();
    const code = await exitOf(io, 'text', () =>
      runReleaseCreate(
        {
          project: 'hello-color',
          version: '1.3.0',
          package: ['hello-color:9.9.9'],
          deployTo: ['Dev'],
          wait: true,
          output: 'text',
        },
        io,
        fast,
      ),
    );
    assert.equal(code, EXIT.FAILED, out.stderr);
    assert.match(
      out.stdout,
      /\(hello-color 1\.3\.0 to Dev\): failed: Step "Deploy" on hello failed: .*tasks failed to start/,
    );
  });

  it('release list shows the releases, newest first', async () => {
    const { io, out } = captured();
    assert.equal(
      await exitOf(io, 'text', () => runReleaseList({ project: 'hello-color', output: 'text' }, io)),
      0,
    );
    assert.match(out.stdout, /^VERSION .*\n1\.3\.0\s+Releases-\S+.*\n1\.2\.0\s+Releases-/);
  });

  it('cancel stops a running deployment; watch then exits 1', async () => {
    // Sandbox time nearly stands still: the rollout cannot finish before the cancel.
    await fetch(`${sb.endpoint}/_sandbox/time`, { method: 'POST', body: JSON.stringify({ scale: 0.001 }) });
    try {
      const { io, out } = captured();
      await exitOf(io, 'json', () =>
        runReleaseDeploy({ project: 'hello-color', version: '1.2.0', to: ['Test'], output: 'json' }, io),
      );
      const id = (JSON.parse(out.stdout) as { deployments: { id: string }[] }).deployments[0]?.id ?? '';
      assert.notEqual(id, '', out.stderr);
      const c = captured();
      assert.equal(
        await exitOf(c.io, 'text', () => runDeploymentCancel(id, { output: 'text' }, c.io)),
        0,
        c.out.stderr,
      );
      assert.match(c.out.stdout, new RegExp(`^${id}: (cancelling|canceled)\\n$`));
      const w = captured();
      const code = await exitOf(w.io, 'json', () => runDeploymentWatch([id], { output: 'json' }, w.io, fast));
      assert.equal(code, EXIT.FAILED, w.out.stderr);
      const doc = JSON.parse(w.out.stdout) as { ok: boolean; deployments: { state: string }[] };
      assert.equal(doc.ok, false);
      assert.equal(doc.deployments[0]?.state, 'canceled');
    } finally {
      await fetch(`${sb.endpoint}/_sandbox/time`, { method: 'POST', body: JSON.stringify({ scale: 60 }) });
    }
  });

  it('an unknown deployment is exit 3 with the server message', async () => {
    const { io, out } = captured();
    const code = await exitOf(io, 'text', () =>
      runDeploymentWatch(['Deployments-nope'], { output: 'text' }, io),
    );
    assert.equal(code, EXIT.USAGE);
    assert.match(out.stderr, /error \[NOT_FOUND\]/);
  });
});
