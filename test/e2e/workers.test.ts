/**
 * End to end, through the HTTP API of a whole Slipway and real `slipway worker` child processes:
 * a script step that names a worker pool runs on a worker of that pool (not on the server), its
 * log lines and outputs come back (a later step on the server reads the output), sensitive values
 * stay masked, the worker's key opens no user route, cancel stops the script on the worker, a
 * worker killed mid-script fails its step with the reason, a pool without workers fails the step
 * after the (shortened) wait naming the pool, and the worker stops gracefully on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { deploymentSchema, releaseSchema } from '../../src/server/routes/release-http.js';
import { testScriptIsolation } from '../kits/scripts.js';
import { startWorld, type TaskLogLineView, type World } from '../helpers/slipway-world.js';

const BIN = resolve(import.meta.dirname, '../../src/cli/bin.ts');
const REGION = 'us-east-1';
/** Generous: the deadlines only turn a hang into a failure. */
const DEADLINE_MS = 60_000;
const PASSWORD = 'pa55-e2e-worker-value';
const TOKEN_OUTPUT = 'tok-e2e-s3cret-output';

const CONFIG = `apiVersion: slipway/v1
space: Default
environments:
  - name: Dev
awsAccounts:
  - { name: Sandbox, mode: ambient, region: ${REGION} }
lifecycles:
  - name: Dev only
    phases: [{ name: Development, manualEnvironments: [Dev] }]
projects:
  - name: pooled
    lifecycle: Dev only
    variables:
      - { name: Password, type: sensitive, value: ${PASSWORD} }
    process:
      steps:
        - name: On worker
          roles: [scripts]
          action:
            type: run-script
            syntax: bash
            workerPool: linux
            script: |
              echo "worker=$SLIPWAY_WORKER_NAME pool=$SLIPWAY_WORKER_POOL dir=$(pwd)"
              echo "password=$(get_octopusvariable 'Password')"
              echo "region=$AWS_REGION aws-secret=$AWS_SECRET_ACCESS_KEY"
              set_octopusvariable "Colour" "teal"
              set_octopusvariable "Token" "${TOKEN_OUTPUT}" -sensitive
              echo "token=${TOKEN_OUTPUT}"
              echo "to stderr" >&2
        - name: On server
          action:
            type: run-script
            syntax: bash
            script: |
              echo "colour=#{Octopus.Action[On worker].Output.Colour} worker=\${SLIPWAY_WORKER_NAME:-none}"
              echo "token=#{Octopus.Action[On worker].Output.Token}"
  - name: long
    lifecycle: Dev only
    process:
      steps:
        - name: Long
          action:
            type: run-script
            syntax: bash
            workerPool: linux
            script: |
              echo "long script started"
              sleep 600
              echo "long script ended"
  - name: fragile
    lifecycle: Dev only
    process:
      steps:
        - name: Fragile
          action:
            type: run-script
            syntax: bash
            workerPool: fragile
            script: |
              echo "fragile script started"
              sleep 30
  - name: orphan
    lifecycle: Dev only
    process:
      steps:
        - name: Nobody
          action:
            type: run-script
            syntax: bash
            workerPool: nobody-home
            script: echo "never runs"
ecsTargets:
  - { name: scripts-target, awsAccount: Sandbox, region: ${REGION}, cluster: e2e, roles: [scripts], environments: [Dev] }
`;

/** A `slipway worker` child process. */
interface WorkerProcess {
  child: ChildProcessWithoutNullStreams;
  dataDir: string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Resolves when its stderr matches `pattern` (rejects after the deadline). */
  waitFor(pattern: RegExp): Promise<void>;
}

describe('e2e: workers', () => {
  let world: World;
  let scriptRoot: string;
  const workers: WorkerProcess[] = [];
  const api = (...segments: string[]) => world.client.spacePath(...segments);

  async function startWorker(args: string[]): Promise<WorkerProcess> {
    const dataDir = mkdtempSync(join(world.dir, 'worker-'));
    const flags = (await testScriptIsolation()).mode === 'server-user' ? ['--scripts-as-worker-user'] : [];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', BIN, 'worker', '--server', world.url, '--data-dir', dataDir, ...flags, ...args],
      // Its scripts' private directories go under scriptRoot: proof of where a script ran.
      { stdio: 'pipe', env: { ...process.env, TMPDIR: scriptRoot } },
    );
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (err += chunk));
    child.stdout.resume();
    const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
    const worker: WorkerProcess = {
      child,
      dataDir,
      stderr: () => err,
      exited,
      waitFor: (pattern) =>
        new Promise((ok, fail) => {
          const deadline = Date.now() + DEADLINE_MS;
          const look = () => {
            if (pattern.test(err)) return ok();
            if (child.exitCode !== null || Date.now() > deadline) {
              return fail(new Error(`the worker's output never matched ${pattern}:\n${err}`));
            }
            setTimeout(look, 50);
          };
          look();
        }),
    };
    workers.push(worker);
    return worker;
  }

  async function createToken(pool?: string): Promise<string> {
    const res = await world.request('POST', '/api/worker-tokens', {
      name: `e2e ${pool ?? 'any'}`,
      ...(pool ? { pool } : {}),
    });
    assert.equal(res.status, 201, res.text);
    return z.object({ token: z.string() }).parse(res.json).token;
  }

  async function deploy(project: string, version = '1.0.0'): Promise<string> {
    const release = await world.client.post(api('releases'), { project, version }, releaseSchema);
    const created = await world.client.post(
      api('deployments'),
      { release: release.id, environment: 'Dev' },
      z.object({ items: z.array(deploymentSchema) }),
    );
    const id = created.items[0]?.id;
    assert.ok(id);
    return id;
  }

  async function waitForLine(id: string, pattern: RegExp): Promise<void> {
    const deadline = Date.now() + DEADLINE_MS;
    while (!(await world.log(id)).some((l) => pattern.test(l.message))) {
      if (Date.now() > deadline) throw new Error(`no log line matched ${pattern}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const stepLines = (lines: TaskLogLineView[], step: string) =>
    lines.filter((l) => l.path[0] === step).map((l) => `${l.level}: ${l.message}`);
  const dump = (lines: TaskLogLineView[]) =>
    lines.map((l) => `[${l.path.join(' / ')}] ${l.message}`).join('\n');

  before(async () => {
    world = await startWorld({
      timeScale: 300,
      // The wait for a worker and the lease timeout shortened from 10 minutes and 30 s.
      workers: { waitMs: 2_000, leaseTimeoutMs: 3_000, pollMs: 100 },
    });
    scriptRoot = mkdtempSync(join(tmpdir(), 'slipway-worker-scripts-'));
    // The script user must reach its own directory in here.
    chmodSync(scriptRoot, 0o711);
    await world.apply(CONFIG);
    const token = await createToken('linux');
    const w1 = await startWorker(['--token', token, '--pool', 'linux', '--name', 'w1']);
    await w1.waitFor(/is taking script tasks/);
  });

  after(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await world?.close();
    if (scriptRoot) rmSync(scriptRoot, { recursive: true, force: true });
  });

  it('runs a step on a worker of its pool; lines and outputs come back, secrets stay masked', async () => {
    const id = await deploy('pooled');
    const d = await world.waitForDeployment(id, DEADLINE_MS);
    const lines = await world.log(id);
    assert.equal(d.state, 'success', `ended ${d.state}: ${d.error ?? ''}\n${dump(lines)}`);

    const onWorker = stepLines(lines, 'On worker');
    // The worker's own name and pool, and a private directory under the worker's TMPDIR.
    const where = onWorker.find((l) => l.startsWith('info: worker='));
    assert.ok(where, dump(lines));
    assert.match(where, /^info: worker=w1 pool=linux dir=(.*)$/);
    assert.ok(where.includes(`dir=${join(scriptRoot, 'slipway-script-')}`), where);
    assert.ok(
      onWorker.some((l) => l.includes('Running on worker "w1" (pool "linux")')),
      onWorker.join('\n'),
    );
    assert.ok(onWorker.includes('info: password=********'), onWorker.join('\n'));
    assert.ok(onWorker.includes('info: token=********'), onWorker.join('\n'));
    assert.ok(onWorker.includes('warning: to stderr'), onWorker.join('\n'));
    // The target's AWS credentials reached the worker, masked in the log.
    assert.ok(onWorker.includes(`info: region=${REGION} aws-secret=********`), onWorker.join('\n'));

    const onServer = stepLines(lines, 'On server');
    assert.ok(onServer.includes('info: colour=teal worker=none'), onServer.join('\n'));
    assert.ok(onServer.includes('info: token=********'), onServer.join('\n'));
    const text = JSON.stringify(lines);
    assert.ok(!text.includes(PASSWORD) && !text.includes(TOKEN_OUTPUT), 'no secret in the log');
    assert.ok(!text.includes(world.sandbox.credentials.secretAccessKey), 'no AWS secret in the log');
    // The payload is wiped once the task ended.
    const rows = await world.store.db
      .selectFrom('script_tasks')
      .select(['state', 'payload'])
      .where('deployment_id', '=', id)
      .execute();
    assert.deepEqual(rows, [{ state: 'succeeded', payload: null }]);
  });

  it('lists the worker for administrators, and its key opens no user route', async () => {
    const list = await world.request('GET', '/api/workers?pool=linux');
    assert.equal(list.status, 200, list.text);
    const items = z
      .object({
        items: z.array(
          z.object({ name: z.string(), pool: z.string(), online: z.boolean(), version: z.string() }),
        ),
      })
      .parse(list.json).items;
    assert.deepEqual(
      items.map((w) => [w.name, w.pool, w.online]),
      [['w1', 'linux', true]],
    );

    const identity = z
      .object({ key: z.string() })
      .parse(JSON.parse(readFileSync(join(workers[0]!.dataDir, 'worker.json'), 'utf8')));
    const asWorker = (path: string, method = 'GET') =>
      fetch(world.url + path, { method, headers: { authorization: `Bearer ${identity.key}` } });
    for (const path of [
      '/api/me',
      '/api/workers',
      '/api/spaces/Default/projects',
      `/api/spaces/Default/deployments`,
    ]) {
      const res = await asWorker(path);
      assert.equal(res.status, 401, `${path}: ${await res.text()}`);
    }
    // And an administrator's key is not a worker's.
    const lease = await world.request('POST', '/api/worker/lease', { waitSeconds: 0 });
    assert.equal(lease.status, 401, lease.text);
  });

  it('cancel stops the script on the worker', async () => {
    const id = await deploy('long');
    await waitForLine(id, /long script started/);
    const cancel = await world.request('POST', `/api/spaces/Default/deployments/${id}/cancel`);
    assert.ok(cancel.status < 300, cancel.text);
    const d = await world.waitForDeployment(id, DEADLINE_MS);
    assert.equal(d.state, 'canceled');
    // The worker hears "canceled" in its heartbeat's answer, stops the script and reports it.
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const task = await world.store.db
        .selectFrom('script_tasks')
        .select(['state', 'error'])
        .where('deployment_id', '=', id)
        .executeTakeFirstOrThrow();
      if (task.state !== 'leased') {
        assert.equal(task.state, 'failed');
        assert.match(task.error ?? '', /Canceled: the script was stopped/);
        break;
      }
      assert.ok(Date.now() < deadline, 'the worker never stopped the script');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(!(await world.log(id)).some((l) => l.message.includes('long script ended')));
    await workers[0]!.waitFor(/failed: Canceled: the script was stopped/);
  });

  it('a worker killed mid-script fails its step, naming the worker', async () => {
    const fragile = await startWorker(['--token', await createToken(), '--pool', 'fragile', '--name', 'w2']);
    await fragile.waitFor(/is taking script tasks/);
    const id = await deploy('fragile');
    await waitForLine(id, /fragile script started/);
    fragile.child.kill('SIGKILL');
    const d = await world.waitForDeployment(id, DEADLINE_MS);
    const lines = await world.log(id);
    assert.equal(d.state, 'failed', dump(lines));
    assert.match(d.error ?? '', /The worker "w2" stopped answering while it ran the script/);
    assert.ok(
      stepLines(lines, 'Fragile').some((l) => l.includes('stopped answering')),
      dump(lines),
    );
  });

  it('with no worker of the pool online, the step fails after the wait, naming the pool', async () => {
    const id = await deploy('orphan');
    const d = await world.waitForDeployment(id, DEADLINE_MS);
    const lines = await world.log(id);
    assert.equal(d.state, 'failed', dump(lines));
    assert.match(
      d.error ?? '',
      /No worker of pool "nobody-home" was online for 2 s, so the script did not run/,
    );
    const nobody = stepLines(lines, 'Nobody');
    assert.ok(
      nobody.some((l) => l.startsWith('warning: No worker of pool "nobody-home" is online')),
      nobody.join('\n'),
    );
    assert.ok(!JSON.stringify(lines).includes('never runs'));
  });

  it('stops gracefully on SIGTERM', async () => {
    const w1 = workers[0]!;
    w1.child.kill('SIGTERM');
    assert.equal(await w1.exited, 0, w1.stderr());
    assert.match(w1.stderr(), /Worker stopped\./);
  });
});
