/**
 * The fixture of the fault suite (test/fault/): AWS in a sandbox in the test process (no
 * throttling, fast rollouts), a throwaway PostgreSQL, and `slipway server` processes started and
 * killed by the test, all on one database and one data directory, as nodes of one installation.
 * AWS starts with an ECR repository holding two tags and a cluster whose services run 1.0.0; each
 * project deploys 1.1.0 to its service with one "Update Amazon ECS Service" step, after an
 * optional script step.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  type DeploymentView,
  type LogLineView,
} from '../../src/cli/ci/schemas.js';
import { planApply } from '../../src/cli/config/planner.js';
import { parseConfigText } from '../../src/cli/config/read-file.js';
import { isFinalState } from '../../src/core/model/release.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { startPostgres, type PostgresHandle } from '../helpers/postgres.js';
import { scriptServerFlags } from './scripts.js';
import { cleanEnv, killStartedProcesses, startServerProcess, type ServerProcess } from './slipway-process.js';
import { waitUntil } from './waits.js';

export const CLUSTER = 'main';
export const REPOSITORY = 'app';
/** Sandbox seconds per real second while nothing in ECS may move by itself: a rollout then takes hours. */
export const FROZEN = 0.001;
/** ... and when rollouts may finish: a rollout with FAST_TIMINGS takes well under a real second. */
export const RUNNING = 100;

/** Sandbox timings (seconds) that make a rollout short. */
const FAST_TIMINGS = {
  provisioningSeconds: 1,
  imagePullSeconds: 2,
  startSeconds: 1,
  targetHealthySeconds: 2,
  deregistrationDelaySeconds: 1,
  stopSeconds: 1,
  relaunchDelaySeconds: 2,
};

/** The image the sandbox's ECS pulls from its own ECR. */
export const image = (tag: string) => `000000000000.dkr.ecr.us-east-1.amazonaws.com/${REPOSITORY}:${tag}`;

/** A project of the configuration: it deploys service `name`. */
export interface ProjectSpec {
  name: string;
  /** A bash script step run before the ECS step. */
  scriptBefore?: string;
}

/** The configuration (as `slipway apply -f` reads it) of `projects`, one environment Staging. */
export function configFor(projects: readonly ProjectSpec[]): string {
  const steps = (p: ProjectSpec) => {
    const script = p.scriptBefore
      ? `
        - name: Prepare
          action:
            type: run-script
            syntax: bash
            script: |
${p.scriptBefore
  .trim()
  .split('\n')
  .map((l) => `              ${l}`)
  .join('\n')}`
      : '';
    return `${script}
        - name: Deploy
          roles: [app]
          action:
            type: ecs-update-service
            service: ${p.name}
            timeoutMinutes: 30
            packages:
              - { name: app, feed: ECR, image: ${REPOSITORY} }
            containers:
              - name: app
                image: app`;
  };
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
${projects
  .map(
    (p) => `  - name: ${p.name}
    lifecycle: Straight
    process:
      steps:${steps(p)}`,
  )
  .join('\n')}
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

const statsSchema = z.object({
  actions: z.record(z.string(), z.object({ calls: z.number(), throttled: z.number(), errors: z.number() })),
});

/** What a service runs, for the assertions. */
export interface ServiceOutcome {
  service: Service;
  /** The image of its container. */
  image: string;
  /** Revisions of its family (the seeded one plus what Slipway registered). */
  revisions: number;
}

export interface FaultCluster {
  sandbox: SandboxHandle;
  postgres: PostgresHandle;
  databaseUrl: string;
  /** A directory every OS user may write (sticky, as /tmp): scripts run as the unprivileged script user. */
  shared: string;
  /**
   * The servers' temporary directory (TMPDIR; sticky, as /tmp), where script steps get their private
   * directories: the test's own, so no other test's server removes or adds anything there.
   */
  serverTmp: string;
  /** The `slipway server` arguments every node gets (database, data directory, --node-timeout 10). */
  serverArgs: string[];
  /** Starts a node; `awsEndpoint` replaces the sandbox's (e.g. a proxy's). */
  startNode(name: string, awsEndpoint?: string): Promise<ServerProcess>;
  /** The administrator's key (after the first node started). */
  apiKey(): string;
  client(node: ServerProcess): ApiClient;
  /** Applies the configuration of `projects` through `client`. */
  apply(client: ApiClient, projects: readonly ProjectSpec[]): Promise<void>;
  /** Creates release 1.1.0 of `project` and deploys it to Staging; answers the deployment's id. */
  deploy(client: ApiClient, project: string): Promise<string>;
  deployment(client: ApiClient, id: string): Promise<DeploymentView>;
  /** Waits (at most `timeoutMs`, default 60 s) until deployment `id` is final; answers it. */
  finalDeployment(client: ApiClient, id: string, timeoutMs?: number): Promise<DeploymentView>;
  /** Every line of the task log. */
  log(client: ApiClient, id: string): Promise<LogLineView[]>;
  /** One query on the store's database (a fresh connection each time). */
  query<R extends object>(text: string, values?: unknown[]): Promise<R[]>;
  /** The sandbox's admin API; throws on an error status. */
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  setTimeScale(scale: number): Promise<void>;
  /** Calls per AWS action since the last reset (`ecs:UpdateService: 2`). */
  calls(): Promise<Record<string, number>>;
  resetCalls(): Promise<void>;
  describeService(service: string): Promise<Service>;
  outcome(service: string): Promise<ServiceOutcome>;
  /** The servers' output, for failure messages. */
  context(): string;
  close(): Promise<void>;
}

/** Starts the sandbox and PostgreSQL and seeds `services` at rest on 1.0.0 (the clock then frozen). */
export async function startFaultCluster(services: readonly string[]): Promise<FaultCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-fault-'));
  const shared = mkdtempSync(join(tmpdir(), 'slipway-fault-shared-'));
  chmodSync(shared, 0o1777);
  const serverTmp = mkdtempSync(join(tmpdir(), 'slipway-fault-tmp-'));
  chmodSync(serverTmp, 0o1777);
  const servers: ServerProcess[] = [];
  let sandbox: SandboxHandle | undefined;
  let postgres: PostgresHandle | undefined;
  const close = async () => {
    await killStartedProcesses();
    await postgres?.stop();
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(shared, { recursive: true, force: true });
    rmSync(serverTmp, { recursive: true, force: true });
  };
  try {
    sandbox = await startSandbox({ port: 0, timeScale: RUNNING, throttling: false });
    postgres = await startPostgres();
    const sb = sandbox;
    const databaseUrl = await postgres.createDatabase();
    const dataDir = join(dir, 'data');
    const admin = async (method: string, path: string, body?: unknown) => {
      const init = body === undefined ? { method } : { method, body: JSON.stringify(body) };
      const res = await fetch(`${sb.endpoint}/_sandbox/${path}`, init);
      const text = await res.text();
      if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as unknown;
    };
    const aws = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
    const ecs = new ECSClient(aws);
    const ecr = new ECRClient(aws);
    await admin('PUT', 'settings', { timings: FAST_TIMINGS });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    for (const tag of ['1.0.0', '1.1.0']) {
      await ecr.send(
        new PutImageCommand({ repositoryName: REPOSITORY, imageTag: tag, imageManifest: manifest(tag) }),
      );
    }
    ecr.destroy();
    await admin('POST', 'clusters', { name: CLUSTER, instances: { count: 4 } });
    for (const service of services) {
      const td = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: service,
          containerDefinitions: [{ name: 'app', image: image('1.0.0'), memory: 64, essential: true }],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: service,
          taskDefinition: td.taskDefinition?.taskDefinitionArn,
          desiredCount: 1,
          deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
        }),
      );
    }
    await admin('POST', 'time', { advanceSeconds: 600 });
    const describeService = async (service: string): Promise<Service> => {
      const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [service] }));
      const svc = out.services?.[0];
      if (!svc) throw new Error(`service ${service} is missing`);
      return svc;
    };
    await waitUntil('the seeded services to be at rest', async () => {
      for (const s of services) {
        const svc = await describeService(s);
        if (svc.deployments?.length !== 1 || svc.runningCount !== 1) return undefined;
      }
      return true;
    });
    // From here on nothing in ECS moves by itself until a test says so.
    await admin('POST', 'time', { scale: FROZEN });
    await admin('DELETE', 'stats');

    const serverArgs = [
      ...['--database-url', databaseUrl, '--data-dir', dataDir, '--port', '0', '--node-timeout', '10'],
      ...(await scriptServerFlags()),
    ];
    const context = () => servers.map((s) => s.output()).join('\n');
    const query = async <R extends object>(text: string, values: unknown[] = []) => {
      const c = new pg.Client({ connectionString: databaseUrl });
      c.on('error', () => {});
      await c.connect();
      try {
        return (await c.query<R>(text, values)).rows;
      } finally {
        await c.end().catch(() => {});
      }
    };
    const log = async (client: ApiClient, id: string) => {
      const lines: LogLineView[] = [];
      let cursor: number | undefined;
      for (;;) {
        const page = await client.get(client.spacePath('deployments', id, 'log'), logPageSchema, {
          query: { after: cursor },
        });
        lines.push(...page.items);
        if (page.items.length === 0 || page.nextAfter === undefined || page.nextAfter === cursor)
          return lines;
        cursor = page.nextAfter;
      }
    };
    const deployment = (client: ApiClient, id: string) =>
      client.get(client.spacePath('deployments', id), deploymentSchema);
    let key: string | undefined;
    const apiKey = () => (key ??= readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim());
    return {
      sandbox: sb,
      postgres,
      databaseUrl,
      shared,
      serverTmp,
      serverArgs,
      async startNode(name, awsEndpoint = sb.endpoint) {
        const env = cleanEnv({
          AWS_ENDPOINT_URL: awsEndpoint,
          AWS_ACCESS_KEY_ID: sb.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: sb.credentials.secretAccessKey,
          AWS_REGION: sb.region,
          TMPDIR: serverTmp,
        });
        const node = await startServerProcess(name, serverArgs, env);
        servers.push(node);
        return node;
      },
      apiKey,
      client: (node) => new ApiClient({ server: node.url, apiKey: apiKey() }),
      async apply(client, projects) {
        const plan = await planApply(
          client,
          parseConfigText(configFor(projects), 'the test configuration'),
          {},
        );
        for (const step of plan.steps) await step.run?.();
      },
      async deploy(client, project) {
        const release = await client.post(
          client.spacePath('releases'),
          { project, version: '1.1.0', packageVersion: '1.1.0' },
          releaseSchema,
        );
        const created = await client.post(
          client.spacePath('deployments'),
          { release: release.id, environment: 'Staging' },
          deploymentsCreatedSchema,
        );
        const [only] = created.items;
        if (!only || created.items.length !== 1) throw new Error(`expected one deployment of ${project}`);
        return only.id;
      },
      deployment,
      finalDeployment: (client, id, timeoutMs = 60_000) =>
        waitUntil(
          `deployment ${id} to end`,
          async () => {
            const d = await deployment(client, id);
            return isFinalState(d.state) ? d : undefined;
          },
          { timeoutMs, context },
        ),
      log,
      query,
      admin,
      async setTimeScale(scale) {
        await admin('POST', 'time', { scale });
      },
      async calls() {
        const stats = statsSchema.parse(await admin('GET', 'stats'));
        return Object.fromEntries(Object.entries(stats.actions).map(([k, v]) => [k, v.calls]));
      },
      async resetCalls() {
        await admin('DELETE', 'stats');
      },
      describeService,
      async outcome(service) {
        const svc = await describeService(service);
        const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition }));
        const revisions = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: service }));
        return {
          service: svc,
          image: td.taskDefinition?.containerDefinitions?.[0]?.image ?? '?',
          // familyPrefix is a prefix: keep the family's own revisions only.
          revisions: (revisions.taskDefinitionArns ?? []).filter((a) =>
            a.includes(`:task-definition/${service}:`),
          ).length,
        };
      },
      context,
      async close() {
        ecs.destroy();
        await close();
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}
