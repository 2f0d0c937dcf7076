/**
 * A whole Slipway in one process for end-to-end tests and benchmarks: the AWS sandbox, a store
 * (PGlite in a temp directory, or a PostgreSQL URL), a node (engine + release service + API)
 * listening on loopback, and an administrator's API client. Configuration goes in through the API
 * exactly as `slipway apply -f` sends it; AWS is seeded with the SDK and the sandbox's admin API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { ApiClient } from '../../src/cli/api-client.js';
import { planApply } from '../../src/cli/config/planner.js';
import { parseConfigText } from '../../src/cli/config/read-file.js';
import { startSlipwayNode, type SlipwayNode, type SlipwayNodeOptions } from '../../src/cli/slipway-node.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { ensureAdministrator } from '../../src/store/api-keys.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createSecretBox, type SecretBox } from '../../src/store/secrets.js';

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
}

/** An AWS account made in the sandbox. */
export interface WorldAccount {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** A running world. */
export interface World {
  sandbox: SandboxHandle;
  store: Store;
  secrets: SecretBox;
  node: SlipwayNode;
  /** The API's base URL. */
  url: string;
  /** The administrator's API key. */
  apiKey: string;
  /** A client as the administrator, in the Default space. */
  client: ApiClient;
  /** The world's temp directory (data dir, scripts). */
  dir: string;
  /** POSTs to the sandbox's admin API (/_sandbox/<path>); throws on an error status. */
  admin(path: string, body: unknown): Promise<unknown>;
  /** Creates an AWS account in the sandbox. */
  createAccount(name: string): Promise<WorldAccount>;
  /** An ECS client as `account` (default: the sandbox's default account). */
  ecs(account?: WorldAccount): ECSClient;
  /** Applies a configuration file's text (YAML) through the API; `env` feeds its `{ env: ... }` secrets. */
  apply(text: string, env?: Record<string, string>): Promise<void>;
  /** Stops everything and removes the temp directory. Safe to call twice. */
  close(): Promise<void>;
}

const accountSchema = z.object({
  id: z.string(),
  accessKeys: z.array(z.object({ accessKeyId: z.string(), secretAccessKey: z.string() })).min(1),
});

/** Starts a world; close it in `after`. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-world-'));
  const closers: (() => Promise<void>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
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
    const store = await openStore({
      dataDir,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    });
    closers.push(() => store.close());
    const { key } = await ensureAdministrator(store, { dataDir });
    if (key === undefined) throw new Error('the world’s store already had an administrator');
    const secrets = createSecretBox({ dataDir, env: {} });
    const { accessKeyId, secretAccessKey } = sandbox.credentials;
    const node = await startSlipwayNode({
      store,
      secrets,
      aws: { endpoint: sandbox.endpoint, credentials: { kind: 'static', accessKeyId, secretAccessKey } },
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.engine ? { engine: options.engine } : {}),
    });
    closers.push(() => node.close(5_000));
    await node.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`;
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
    return {
      sandbox,
      store,
      secrets,
      node,
      url,
      apiKey: key,
      client,
      dir,
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
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
