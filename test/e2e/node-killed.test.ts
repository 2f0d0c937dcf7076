/**
 * "kill -9 and another process resumes" (docs/engine.md), end to end: two `slipway server`
 * processes on one PostgreSQL and one data directory, AWS in a sandbox in this process. Node 1
 * starts two deployments and is SIGKILLed while one is in its ECS rollout (after UpdateService)
 * and the other is in a script step before its ECS step; node 2 resumes both once node 1's lease is
 * older than --node-timeout. Each service gets exactly one RegisterTaskDefinition and one
 * UpdateService over the whole run, and both deployments end `success`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import pg from 'pg';
import { z } from 'zod';
import { ApiClient } from '../../src/cli/api-client.js';
import {
  deploymentSchema,
  deploymentsCreatedSchema,
  logPageSchema,
  releaseSchema,
} from '../../src/cli/ci/schemas.js';
import { planApply } from '../../src/cli/config/planner.js';
import { parseConfigText } from '../../src/cli/config/read-file.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { postgresUnavailableReason, startPostgres, type PostgresHandle } from '../helpers/postgres.js';

const BIN = resolve(import.meta.dirname, '../../src/cli/bin.ts');
const CLUSTER = 'main';
const REPOSITORY = 'app';
/** Sandbox seconds per real second while nothing may finish by itself: a rollout then takes hours. */
const FROZEN = 0.001;
/** ... and once node 2 has taken over: a rollout takes well under a second. */
const RUNNING = 300;
/** How long any one wait may take before the test fails (and the children are killed). */
const WAIT_MS = 45_000;

/** The image the sandbox's ECS pulls from its own ECR. */
const image = (tag: string) => `000000000000.dkr.ecr.us-east-1.amazonaws.com/${REPOSITORY}:${tag}`;

// `web` is deployed by one ECS step; `worker` first runs a script that, on its first run, waits
// until the server running it is gone (so it is mid-step when node 1 dies, and leaves no orphan:
// an isolated script, which cannot see the server's process, is killed with it).
function config(marker: string): string {
  const ecsStep = (service: string) => `
        - name: Deploy
          roles: [app]
          action:
            type: ecs-update-service
            service: ${service}
            timeoutMinutes: 10
            packages:
              - { name: app, feed: ECR, image: ${REPOSITORY} }
            containers:
              - name: app
                image: app
                environment:
                  - { name: SERVICE, value: ${service} }`;
  return `apiVersion: slipway/v1
space: Default
environments:
  - name: Staging
awsAccounts:
  - name: Ambient
    mode: ambient
    region: us-east-1
feeds:
  - name: ECR
    type: ecr
    region: us-east-1
    awsAccount: Ambient
lifecycles:
  - name: Straight
    phases:
      - name: Staging
        manualEnvironments: [Staging]
projects:
  - name: web
    lifecycle: Straight
    process:
      steps:${ecsStep('web')}
  - name: worker
    lifecycle: Straight
    process:
      steps:
        - name: Prepare
          action:
            type: run-script
            syntax: bash
            script: |
              if [ -e '${marker}' ]; then
                echo "Prepare: second run, the first was cut short"
              else
                echo "Prepare: first run, waiting for server process $PPID to go away"
                echo $$ > '${marker}'
                while kill -0 $PPID 2>/dev/null; do sleep 0.1; done
              fi${ecsStep('worker')}
ecsTargets:
  - name: main
    awsAccount: Ambient
    region: us-east-1
    cluster: ${CLUSTER}
    roles: [app]
    environments: [Staging]
    tenantedParticipation: untenanted
`;
}

/** A `slipway server` child process. */
interface ServerProcess {
  url: string;
  /** The tail of its stderr and stdout, for failure messages. */
  output(): string;
  /** SIGKILL, then wait for it to be gone. Safe to call twice. */
  kill(): Promise<void>;
}

/** Every server started, killed in `after` whatever happened. */
const started: Pick<ServerProcess, 'kill'>[] = [];

function startServer(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'server', ...args], { env, stdio: 'pipe' });
  let err = '';
  let out = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-20_000)));
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out = (out + c).slice(-20_000)));
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  const server: Omit<ServerProcess, 'url'> = {
    output: () => `--- ${name} stderr ---\n${err}\n--- ${name} stdout (tail) ---\n${out.slice(-4_000)}`,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  started.push(server);
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      void server
        .kill()
        .then(() => fail(new Error(`${name} printed no URL within ${WAIT_MS} ms\n${server.output()}`)));
    }, WAIT_MS);
    child.stderr.on('data', () => {
      const url = /listening on (http:\/\/\S+)/.exec(err)?.[1];
      if (url) {
        clearTimeout(timer);
        ok({ ...server, url });
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`${name} exited before listening\n${server.output()}`));
    });
  });
}

/** Polls `probe` every 200 ms until it answers something; fails after WAIT_MS, saying what it waited for. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  context: () => string,
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}.\n${context()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// A small image manifest per tag, as `docker push` would leave.
function manifest(tag: string): string {
  const d = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 7, digest: d(`c ${tag}`) },
    layers: [
      { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 10, digest: d(`l ${tag}`) },
    ],
  });
}

type Admin = (method: string, path: string, body?: unknown) => Promise<unknown>;

/** The sandbox's admin API (docs/sandbox.md); throws on an error status. */
function sandboxAdmin(sb: SandboxHandle): Admin {
  return async (method, path, body) => {
    const init = body === undefined ? { method } : { method, body: JSON.stringify(body) };
    const res = await fetch(`${sb.endpoint}/_sandbox/${path}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
}

/** AWS as the servers find it: an ECR repository with two tags, a cluster, two services at rest on 1.0.0. */
async function seed(sb: SandboxHandle, admin: Admin): Promise<void> {
  const aws = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
  const ecs = new ECSClient(aws);
  const ecr = new ECRClient(aws);
  await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
  for (const tag of ['1.0.0', '1.1.0']) {
    await ecr.send(
      new PutImageCommand({ repositoryName: REPOSITORY, imageTag: tag, imageManifest: manifest(tag) }),
    );
  }
  await admin('POST', 'clusters', { name: CLUSTER, instances: { count: 2 } });
  for (const service of ['web', 'worker']) {
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: service,
        containerDefinitions: [{ name: 'app', image: image('1.0.0'), memory: 128, essential: true }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: service,
        taskDefinition: td.taskDefinition?.taskDefinitionArn,
        desiredCount: 2,
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
      }),
    );
  }
  await admin('POST', 'time', { advanceSeconds: 600 });
  await waitFor(
    'the seeded services to be at rest',
    async () => {
      const out = await ecs.send(
        new DescribeServicesCommand({ cluster: CLUSTER, services: ['web', 'worker'] }),
      );
      const atRest = out.services?.every((s) => s.deployments?.length === 1 && s.runningCount === 2);
      return atRest && out.services?.length === 2 ? true : undefined;
    },
    () => '',
  );
}

/** Every line of a deployment's task log. */
async function readLog(client: ApiClient, id: string): Promise<string[]> {
  const lines: string[] = [];
  let cursor: number | undefined;
  for (;;) {
    const path = client.spacePath('deployments', id, 'log');
    const page = await client.get(path, logPageSchema, { query: { after: cursor } });
    lines.push(...page.items.map((l) => l.message));
    if (page.items.length === 0 || page.nextAfter === undefined || page.nextAfter === cursor) return lines;
    cursor = page.nextAfter;
  }
}

const statsSchema = z.object({
  actions: z.record(z.string(), z.object({ calls: z.number(), throttled: z.number(), errors: z.number() })),
});

/** What one deployment went through, for the assertions. */
interface Outcome {
  state: string;
  log: string[];
  service: Service;
  image: string;
  /** Revisions of the service's family (the seeded one plus what Slipway registered). */
  revisions: number;
}

interface Scenario {
  web: Outcome;
  worker: Outcome;
  /** The ECS deployment node 1 started for web (saved as the step's progress before the kill). */
  webEcsDeployment: string;
  /** Sandbox per-action call counts from the deploy on (seeding excluded). */
  calls: Record<string, number>;
}

const skip = postgresUnavailableReason();

describe('a node killed mid-deployment, resumed by another server process', skip ? { skip } : {}, () => {
  let sandbox: SandboxHandle | undefined;
  let postgres: PostgresHandle | undefined;
  let db: pg.Client | undefined;
  let dir: string | undefined;
  let shared: string | undefined;
  let scenario: Scenario | undefined;

  after(async () => {
    // No orphans: the servers first (a script they started ends with its server).
    await Promise.all(started.map((s) => s.kill()));
    await db?.end().catch(() => {});
    await postgres?.stop();
    await sandbox?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (shared) rmSync(shared, { recursive: true, force: true });
  });

  before(
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'slipway-node-killed-'));
      sandbox = await startSandbox({ port: 0, timeScale: 600, throttling: false });
      const sb = sandbox;
      postgres = await startPostgres();
      const databaseUrl = await postgres.createDatabase();
      db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      const dataDir = join(dir, 'data');
      // The script runs as the unprivileged script user (where the machine allows it): it may write here only.
      shared = mkdtempSync(join(tmpdir(), 'slipway-node-killed-shared-'));
      chmodSync(shared, 0o1777);
      const marker = join(shared, 'worker-script-started');
      const sbAdmin = sandboxAdmin(sb);
      await seed(sb, sbAdmin);
      const ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
      const describeService = async (service: string): Promise<Service> => {
        const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [service] }));
        const svc = out.services?.[0];
        assert.ok(svc, `service ${service} is missing`);
        return svc;
      };
      const seeded = (await describeService('web')).taskDefinition;
      // From here on nothing in ECS moves by itself, so the rollout is still in flight when node 2 comes.
      await sbAdmin('POST', 'time', { scale: FROZEN });
      await sbAdmin('DELETE', 'stats');

      // The servers reach the sandbox through the standard AWS environment ("ambient" account).
      const env: NodeJS.ProcessEnv = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'DATABASE_URL'),
      );
      Object.assign(env, {
        AWS_ENDPOINT_URL: sb.endpoint,
        AWS_ACCESS_KEY_ID: sb.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: sb.credentials.secretAccessKey,
        AWS_REGION: sb.region,
        AWS_EC2_METADATA_DISABLED: 'true',
      });
      const args = [
        '--database-url',
        databaseUrl,
        '--data-dir',
        dataDir,
        '--port',
        '0',
        '--node-timeout',
        '10',
      ];
      const node1 = await startServer('node 1', args, env);
      const servers = [node1];
      const context = () => servers.map((s) => s.output()).join('\n');
      const apiKey = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
      const client1 = new ApiClient({ server: node1.url, apiKey });

      const plan = await planApply(client1, parseConfigText(config(marker), 'the test configuration'), {});
      for (const step of plan.steps) await step.run?.();
      const deploy = async (project: string) => {
        const release = await client1.post(
          client1.spacePath('releases'),
          { project, version: '1.1.0', packageVersion: '1.1.0' },
          releaseSchema,
        );
        const created = await client1.post(
          client1.spacePath('deployments'),
          { release: release.id, environment: 'Staging' },
          deploymentsCreatedSchema,
        );
        assert.equal(created.items.length, 1);
        return created.items[0]!.id;
      };
      const webId = await deploy('web');
      const workerId = await deploy('worker');

      // web: ECS has the new deployment and the step saved its id (what a resumed run re-attaches to).
      await waitFor(
        'node 1 to update web',
        async () => {
          const primary = (await describeService('web')).deployments?.find((d) => d.status === 'PRIMARY');
          return primary && primary.taskDefinition !== seeded ? true : undefined;
        },
        context,
      );
      const webEcsDeployment = await waitFor(
        'node 1 to save the ECS deployment id of web',
        async () => {
          const r = await db!.query<{ id: string | null }>(
            `select progress->>'ecsDeploymentId' as id from deployment_steps where deployment_id = $1`,
            [webId],
          );
          return r.rows[0]?.id ?? undefined;
        },
        context,
      );
      // ... and logged it (log lines are written apart from progress: under load they may trail it).
      await waitFor(
        'node 1 to log the ECS deployment of web',
        async () =>
          (await readLog(client1, webId)).some((l) => l.includes(`: deployment ${webEcsDeployment}`))
            ? true
            : undefined,
        context,
      );
      // worker: inside its script step (and its first line is in the task log).
      await waitFor(
        'node 1 to start the worker script',
        async () =>
          existsSync(marker) && (await readLog(client1, workerId)).some((l) => l.includes('first run'))
            ? true
            : undefined,
        context,
      );

      await node1.kill();
      const node2 = await startServer('node 2', args, env);
      servers.push(node2);
      const client2 = new ApiClient({ server: node2.url, apiKey });
      // Only once node 2 watches the rollout may it end: otherwise node 2 would merely find it done.
      await waitFor(
        'node 2 to re-attach to the web rollout',
        async () =>
          (await readLog(client2, webId)).some((l) => l.includes('already in progress: watching deployment'))
            ? true
            : undefined,
        context,
      );
      await sbAdmin('POST', 'time', { scale: RUNNING });
      const final = async (id: string) =>
        waitFor(
          `deployment ${id} to end`,
          async () => {
            const d = await client2.get(client2.spacePath('deployments', id), deploymentSchema);
            return ['success', 'failed', 'canceled', 'timed-out'].includes(d.state) ? d : undefined;
          },
          context,
        );
      const outcome = async (id: string, service: string): Promise<Outcome> => {
        const d = await final(id);
        const svc = await describeService(service);
        const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition }));
        const revisions = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: service }));
        return {
          state: `${d.state}${d.error ? `: ${d.error}` : ''}`,
          log: await readLog(client2, id),
          service: svc,
          image: td.taskDefinition?.containerDefinitions?.[0]?.image ?? '?',
          revisions: revisions.taskDefinitionArns?.length ?? 0,
        };
      };
      const [web, worker] = [await outcome(webId, 'web'), await outcome(workerId, 'worker')];
      const stats = statsSchema.parse(await sbAdmin('GET', 'stats'));
      const calls = Object.fromEntries(Object.entries(stats.actions).map(([k, v]) => [k, v.calls]));
      scenario = { web, worker, webEcsDeployment, calls };
    },
    { timeout: 100_000 },
  );

  it('the ECS rollout in flight: node 2 re-attaches instead of updating the service again', () => {
    const s = scenario!;
    assert.equal(s.web.state, 'success', s.web.log.join('\n'));
    const log = s.web.log.join('\n');
    // Node 1's lines, then node 2's: the resume re-attached to the ECS deployment node 1 started.
    assert.match(log, /^Deploying /m);
    assert.ok(log.includes(`: deployment ${s.webEcsDeployment}`), log);
    assert.match(log, /^Resuming /m);
    assert.ok(log.includes(`Resuming: an earlier attempt started ECS deployment ${s.webEcsDeployment}`), log);
    assert.ok(log.includes(`watching deployment ${s.webEcsDeployment} instead of starting another`), log);
    assert.match(log, /^Deployment succeeded\.$/m);
    // The rollout node 1 started is the one that completed.
    assert.deepEqual(
      s.web.service.deployments?.map((d) => [d.id, d.status, d.rolloutState]),
      [[s.webEcsDeployment, 'PRIMARY', 'COMPLETED']],
    );
    assert.equal(s.web.image, image('1.1.0'));
    assert.equal(s.web.service.runningCount, 2);
  });

  it('a step before UpdateService: node 2 runs it again and the rest once', () => {
    const s = scenario!;
    assert.equal(s.worker.state, 'success', s.worker.log.join('\n'));
    const log = s.worker.log.join('\n');
    assert.match(log, /^Deploying /m);
    assert.match(log, /Prepare: first run/);
    assert.match(log, /^Resuming /m);
    assert.match(log, /Prepare: second run/);
    assert.match(log, /^Deployment succeeded\.$/m);
    assert.equal(s.worker.service.deployments?.length, 1);
    assert.equal(s.worker.image, image('1.1.0'));
    assert.equal(s.worker.service.runningCount, 2);
  });

  it('each service got exactly one RegisterTaskDefinition and one UpdateService', () => {
    const s = scenario!;
    // Each family holds the seeded revision and exactly one more; each service moved off the seeded
    // one (so had at least one UpdateService), and the sandbox saw two in all (throttling is off, so
    // every call counted is one that took effect).
    assert.equal(s.web.revisions, 2);
    assert.equal(s.worker.revisions, 2);
    assert.equal(s.calls['ecs:RegisterTaskDefinition'], 2, JSON.stringify(s.calls));
    assert.equal(s.calls['ecs:UpdateService'], 2, JSON.stringify(s.calls));
  });
});
