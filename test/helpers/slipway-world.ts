/**
 * A whole Slipway in one process for end-to-end tests and benchmarks: the AWS sandbox, a store
 * (PGlite in a temp directory, or a PostgreSQL URL), a node (engine + release service + API)
 * listening on loopback, and an administrator's API client. Configuration goes in through the API
 * exactly as `slipway apply -f` sends it; AWS is seeded with the SDK and the sandbox's admin API.
 */
import { testScriptIsolation } from '../kits/scripts.js';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { z } from 'zod';
import { ApiClient } from '../../src/cli/api-client.js';
import { deploymentSchema, type DeploymentView } from '../../src/cli/ci/schemas.js';
import { planApply } from '../../src/cli/config/planner.js';
import { parseConfigText } from '../../src/cli/config/read-file.js';
import { startSlipwayNode, type SlipwayNode, type SlipwayNodeOptions } from '../../src/cli/slipway-node.js';
import { isFinalState } from '../../src/core/model/release.js';
import { logLineSchema } from '../../src/server/routes/release-http.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { ensureAdministrator } from '../../src/store/api-keys.js';
import { openStore, type Store } from '../../src/store/database.js';
import { seedPgliteDataDir } from './postgres.js';
import { createSecretBox, type SecretBox } from '../../src/store/secrets.js';

/** One line of a task log as the API answers it. */
export type TaskLogLineView = z.output<typeof logLineSchema>;

/** How to build the world. */
export interface WorldOptions {
  /** Sandbox seconds per real second. Default 60. */
  timeScale?: number;
  /** Sandbox API throttling. Default true (as AWS). */
  throttling?: boolean;
  /** A PostgreSQL URL; default PGlite in the world's temp directory. */
  databaseUrl?: string;
  /** Deployments the node runs at once. Default 50. */
  concurrency?: number;
  /** Engine timings (e.g. a short lease timeout). */
  engine?: SlipwayNodeOptions['engine'];
  /** How script steps that name a worker pool wait (e.g. a short wait for a worker). */
  workers?: SlipwayNodeOptions['workers'];
  /** The node's stall limit (see SlipwayNodeOptions). Default 30 minutes. */
  stallAfterMs?: number;
  /**
   * Where the node reaches AWS, given the sandbox's endpoint (e.g. a proxy in front of it that a
   * test cuts). Default: the sandbox itself.
   */
  awsEndpoint?: (sandboxEndpoint: string) => Promise<string>;
  /** Where the built web UI is (test/ui/kit.ts passes it). Default: web/dist when built. */
  webRoot?: string;
}

/** An AWS account made in the sandbox. */
export interface WorldAccount {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * An existing ECS service to seed (what an "Update Amazon ECS Service" step updates). Its task
 * definition has an execution role (WORLD_EXECUTION_ROLE, one per account) that may read the
 * secrets Slipway delivers, as a real service that gets them needs.
 */
export interface ServiceSeed {
  /** The account (default: the sandbox's default account). */
  account?: WorldAccount;
  /** The cluster; made with two container instances if absent. */
  cluster: string;
  /** The service's name, also its task definition family. */
  service: string;
  /** The one container's image (a full reference). */
  image: string;
  /** The container's name. Default "app". */
  container?: string;
  /** The container's environment. Default none. */
  environment?: Record<string, string>;
  /** Default 1. */
  desiredCount?: number;
}

/** The seeded services' execution role: ECS tasks may assume it, and it may ssm:GetParameters on /slipway/*. */
export const WORLD_EXECUTION_ROLE = 'slipway-world-execution';

/** What an ECS service runs now (DescribeServices + DescribeTaskDefinition). */
export interface ServiceState {
  taskDefinitionArn: string;
  /** Per container name: its image. */
  images: Record<string, string>;
  /** Per container name: its environment as a record. */
  environment: Record<string, Record<string, string>>;
  /** Per container name: its secrets as a record of name → valueFrom. */
  secrets: Record<string, Record<string, string>>;
  /** The task definition's tags. */
  tags: Record<string, string>;
  runningCount: number;
  desiredCount: number;
}

/** A running world. */
export interface World {
  sandbox: SandboxHandle;
  store: Store;
  secrets: SecretBox;
  /** The running node (a new one after restartNode). */
  readonly node: SlipwayNode;
  /**
   * Stops the node as a server stops (the API closes, the engine's steps reach a safe point), then
   * starts a new one on the same store, listening on the same port: a server restart.
   */
  restartNode(): Promise<void>;
  /** The API's base URL. */
  url: string;
  /** The administrator's API key. */
  apiKey: string;
  /** A client as the administrator, in the Default space. */
  client: ApiClient;
  /** The world's temp directory (data dir, scripts); private to the server's user. */
  dir: string;
  /** A directory the test and script steps (which run as the unprivileged script user) both read and write. */
  shared: string;
  /** POSTs to the sandbox's admin API (/_sandbox/<path>); throws on an error status. */
  admin(path: string, body: unknown): Promise<unknown>;
  /** Creates an AWS account in the sandbox. */
  createAccount(name: string): Promise<WorldAccount>;
  /** An ECS client as `account` (default: the sandbox's default account). */
  ecs(account?: WorldAccount): ECSClient;
  /** Applies a configuration file's text (YAML) through the API; `env` feeds its `{ env: ... }` secrets. */
  apply(text: string, env?: Record<string, string>): Promise<void>;
  /**
   * Pushes image `tags` of `repository` to the ECR of `account` (default: the default account),
   * making the repository if needed, as `docker push` would; answers `<registry>/<repository>`.
   */
  pushImages(repository: string, tags: readonly string[], account?: WorldAccount): Promise<string>;
  /**
   * Makes an existing ECS service (and its cluster if needed) at its first revision, and lets its
   * first rollout finish by advancing sandbox time 600 s.
   */
  createService(seed: ServiceSeed): Promise<void>;
  /** What `service` of `cluster` in `account` (default: the default account) runs now. */
  describeService(cluster: string, service: string, account?: WorldAccount): Promise<ServiceState>;
  /**
   * One raw API request as the administrator (`path` from `/api/...`): the status, the body's text
   * and its JSON (undefined when not JSON). Unlike `client`, an error status does not throw.
   */
  request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string; json: unknown }>;
  /** Polls deployment `id` through the API until it is final; answers it. Fails after `timeoutMs` (default 60 s). */
  waitForDeployment(id: string, timeoutMs?: number): Promise<DeploymentView>;
  /** Every line of a deployment's task log, page after page, through the API. */
  log(deploymentId: string): Promise<TaskLogLineView[]>;
  /** Stops everything and removes the temp directory. Safe to call twice. */
  close(): Promise<void>;
}

// A small image manifest per tag (config and layer digests differ per tag), as `docker push` leaves.
function imageManifest(repository: string, tag: string): string {
  const d = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 7,
      digest: d(`config ${repository}:${tag}`),
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: 10,
        digest: d(`layer ${repository}:${tag}`),
      },
    ],
  });
}

const accountSchema = z.object({
  id: z.string(),
  accessKeys: z.array(z.object({ accessKeyId: z.string(), secretAccessKey: z.string() })).min(1),
});

/** Makes WORLD_EXECUTION_ROLE in the account of `credentials`; answers its ARN. */
async function makeExecutionRole(
  sandbox: SandboxHandle,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<string> {
  const iam = new IAMClient({
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
  });
  try {
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: WORLD_EXECUTION_ROLE,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: WORLD_EXECUTION_ROLE,
        PolicyName: 'read-slipway-secrets',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: 'arn:aws:ssm:*:*:parameter/slipway/*' },
          ],
        }),
      }),
    );
    return created.Role!.Arn!;
  } finally {
    iam.destroy();
  }
}

/** Starts a world; close it in `after`. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-world-'));
  // World-writable, as /tmp is: script steps run as another OS user than the test.
  const shared = mkdtempSync(join(tmpdir(), 'slipway-world-shared-'));
  chmodSync(shared, 0o1777);
  const closers: (() => Promise<void>)[] = [
    async () => rmSync(dir, { recursive: true, force: true }),
    async () => rmSync(shared, { recursive: true, force: true }),
  ];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    const sandbox = await startSandbox({
      port: 0,
      timeScale: options.timeScale ?? 60,
      throttling: options.throttling ?? true,
    });
    closers.push(() => sandbox.close());
    const dataDir = join(dir, 'data');
    if (!options.databaseUrl) await seedPgliteDataDir(dataDir);
    const store = await openStore({
      dataDir,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    });
    closers.push(() => store.close());
    const { key } = await ensureAdministrator(store, { dataDir });
    if (key === undefined) throw new Error('the world’s store already had an administrator');
    const secrets = createSecretBox({ dataDir, env: {} });
    const { accessKeyId, secretAccessKey } = sandbox.credentials;
    const awsEndpoint = options.awsEndpoint ? await options.awsEndpoint(sandbox.endpoint) : sandbox.endpoint;
    const startNode = () =>
      startSlipwayNode({
        store,
        secrets,
        aws: {
          endpoint: awsEndpoint,
          credentials: { kind: 'static', accessKeyId, secretAccessKey },
        },
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        ...(options.engine ? { engine: options.engine } : {}),
        ...(options.workers ? { workers: options.workers } : {}),
        ...(options.stallAfterMs !== undefined ? { stallAfterMs: options.stallAfterMs } : {}),
        ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}),
        scripts: testScriptIsolation(),
      });
    let node = await startNode();
    closers.push(() => node.close(5_000));
    await node.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (node.app.server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}`;
    const client = new ApiClient({ server: url, apiKey: key });

    const admin = async (path: string, body: unknown): Promise<unknown> => {
      const res = await fetch(`${sandbox.endpoint}/_sandbox/${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`sandbox admin ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as unknown;
    };
    // Per account id: its execution role's ARN, made on first use.
    const executionRoles = new Map<string, Promise<string>>();
    const executionRole = (account: WorldAccount | undefined): Promise<string> => {
      const id = account?.accountId ?? sandbox.accountId;
      let made = executionRoles.get(id);
      if (!made) {
        made = makeExecutionRole(sandbox, account ?? sandbox.credentials);
        executionRoles.set(id, made);
        // A failed attempt is not remembered: the next seed tries again.
        made.catch(() => executionRoles.delete(id));
      }
      return made;
    };
    return {
      sandbox,
      store,
      secrets,
      get node() {
        return node;
      },
      async restartNode() {
        await node.close(5_000);
        node = await startNode();
        await node.app.listen({ port, host: '127.0.0.1' });
      },
      url,
      apiKey: key,
      client,
      dir,
      shared,
      admin,
      async createAccount(name) {
        const a = accountSchema.parse(await admin('accounts', { name }));
        const k = a.accessKeys[0]!;
        return { accountId: a.id, accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey };
      },
      ecs(account) {
        const credentials = account ?? sandbox.credentials;
        return new ECSClient({
          endpoint: sandbox.endpoint,
          region: sandbox.region,
          credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
        });
      },
      async apply(text, env = {}) {
        const plan = await planApply(client, parseConfigText(text, 'the test configuration'), env);
        for (const step of plan.steps) await step.run?.();
      },
      async pushImages(repository, tags, account) {
        const credentials = account ?? sandbox.credentials;
        const ecr = new ECRClient({
          endpoint: sandbox.endpoint,
          region: sandbox.region,
          credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
        });
        try {
          const found = await ecr
            .send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }))
            .catch((e: unknown) => {
              if ((e as { name?: string }).name === 'RepositoryNotFoundException') return undefined;
              throw e;
            });
          if (!found) await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
          for (const tag of tags) {
            await ecr.send(
              new PutImageCommand({
                repositoryName: repository,
                imageTag: tag,
                imageManifest: imageManifest(repository, tag),
              }),
            );
          }
        } finally {
          ecr.destroy();
        }
        const accountId = account?.accountId ?? sandbox.accountId;
        return `${accountId}.dkr.ecr.${sandbox.region}.amazonaws.com/${repository}`;
      },
      async createService(seed) {
        await admin('clusters', {
          accountId: seed.account?.accountId ?? sandbox.accountId,
          region: sandbox.region,
          name: seed.cluster,
          instances: { count: 2 },
        });
        const credentials = seed.account ?? sandbox.credentials;
        const ecs = new ECSClient({
          endpoint: sandbox.endpoint,
          region: sandbox.region,
          credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
        });
        try {
          const td = await ecs.send(
            new RegisterTaskDefinitionCommand({
              family: seed.service,
              executionRoleArn: await executionRole(seed.account),
              containerDefinitions: [
                {
                  name: seed.container ?? 'app',
                  image: seed.image,
                  memory: 128,
                  essential: true,
                  environment: Object.entries(seed.environment ?? {}).map(([name, value]) => ({
                    name,
                    value,
                  })),
                },
              ],
            }),
          );
          await ecs.send(
            new CreateServiceCommand({
              cluster: seed.cluster,
              serviceName: seed.service,
              taskDefinition: td.taskDefinition?.taskDefinitionArn,
              desiredCount: seed.desiredCount ?? 1,
              deploymentConfiguration: {
                minimumHealthyPercent: 100,
                maximumPercent: 200,
                deploymentCircuitBreaker: { enable: true, rollback: true },
              },
            }),
          );
        } finally {
          ecs.destroy();
        }
        // The first rollout finishes at once: tests start from services at rest.
        await admin('time', { advanceSeconds: 600 });
      },
      async describeService(cluster, service, account) {
        const credentials = account ?? sandbox.credentials;
        const ecs = new ECSClient({
          endpoint: sandbox.endpoint,
          region: sandbox.region,
          credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
        });
        try {
          const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
          const svc = out.services?.[0];
          if (!svc?.taskDefinition) throw new Error(`no service ${service} in cluster ${cluster}`);
          const td = await ecs.send(
            new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition, include: ['TAGS'] }),
          );
          const containers = td.taskDefinition?.containerDefinitions ?? [];
          return {
            taskDefinitionArn: svc.taskDefinition,
            images: Object.fromEntries(containers.map((c) => [c.name ?? '', c.image ?? ''])),
            environment: Object.fromEntries(
              containers.map((c) => [
                c.name ?? '',
                Object.fromEntries((c.environment ?? []).map((e) => [e.name ?? '', e.value ?? ''])),
              ]),
            ),
            secrets: Object.fromEntries(
              containers.map((c) => [
                c.name ?? '',
                Object.fromEntries((c.secrets ?? []).map((e) => [e.name ?? '', e.valueFrom ?? ''])),
              ]),
            ),
            tags: Object.fromEntries((td.tags ?? []).map((t) => [t.key ?? '', t.value ?? ''])),
            runningCount: svc.runningCount ?? 0,
            desiredCount: svc.desiredCount ?? 0,
          };
        } finally {
          ecs.destroy();
        }
      },
      async request(method, path, body) {
        const res = await fetch(url + path, {
          method,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        const text = await res.text();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        return { status: res.status, text, json };
      },
      async log(deploymentId) {
        const lines: TaskLogLineView[] = [];
        let after: number | undefined;
        for (;;) {
          const page = await client.get(
            client.spacePath('deployments', deploymentId, 'log'),
            z.object({ items: z.array(logLineSchema), nextAfter: z.number().optional() }),
            { query: { after } },
          );
          lines.push(...page.items);
          if (page.items.length === 0 || page.nextAfter === undefined) return lines;
          after = page.nextAfter;
        }
      },
      async waitForDeployment(id, timeoutMs = 60_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const d = await client.get(client.spacePath('deployments', id), deploymentSchema);
          if (isFinalState(d.state)) return d;
          if (Date.now() > deadline) {
            throw new Error(`deployment ${id} is still ${d.state} after ${timeoutMs} ms`);
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
