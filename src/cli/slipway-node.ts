/**
 * One Slipway node: the deployment engine, the release service and the HTTP API over one store,
 * wired the same way for `slipway server`, `slipway demo`, the end-to-end tests and the benchmarks.
 * The engine tells the release service when a deployment ends (automatic deployments into the next
 * phase); the release service queues on the engine.
 */
import type { AmbientAws } from '../aws/account-credentials.js';
import type { EngineHandle, EngineInternals } from '../jobs/engine.js';
import type { ScriptIsolation } from '../jobs/executors/script-isolation.js';
import type { WorkerPoolOptions } from '../jobs/executors/worker-pool.js';
import type { ReleaseService } from '../releases/service.js';
import type { buildServer } from '../server/app.js';
import type { ServerDeps } from '../server/deps.js';
import type { Store } from '../store/database.js';
import type { SecretBox } from '../store/secrets.js';

/** What a node runs on. */
export interface SlipwayNodeOptions {
  store: Store;
  secrets: SecretBox;
  /** AWS where accounts and targets say "ambient". Default: the SDK's chain and AWS's endpoints. */
  aws?: AmbientAws;
  /** Deployments this node runs at once. Default 50. */
  concurrency?: number;
  /** Run deployments (false: an API-only node; deployments wait for another node). Default true. */
  work?: boolean;
  /** fastify's request log (pino JSON on stdout, or `logStream`). Default false. */
  logger?: boolean;
  logStream?: NodeJS.WritableStream;
  /** Who script steps run as. Default: resolved by the engine (the `slipway-script` user; refused unless root). */
  scripts?: ScriptIsolation | Promise<ScriptIsolation>;
  /** How script steps that name a worker pool wait (docs/workers.md); defaults suit production. */
  workers?: Pick<WorkerPoolOptions, 'waitMs' | 'leaseTimeoutMs' | 'pollMs'>;
  /** A running deployment without progress for this long is flagged stalled. Default 30 minutes. */
  stallAfterMs?: number;
  /** Where the built web UI is. Default web/dist in the package (API only when it is not built). */
  webRoot?: string;
  /** Trust a reverse proxy's X-Forwarded-Proto/-For (ServerDeps.trustProxy). Default false. */
  trustProxy?: boolean;
  /** Engine timings (lease timeout, polls); defaults suit production. */
  engine?: Pick<EngineInternals, 'leaseStaleMs' | 'heartbeatMs' | 'pollMs' | 'nodeId'>;
}

/** A started node; `app` is built but not listening. */
export interface SlipwayNode {
  engine: EngineHandle;
  releases: ReleaseService;
  app: ReturnType<typeof buildServer>;
  /** Closes the API (requests in flight finish), then stops the engine (steps reach a safe point). */
  close(engineTimeoutMs?: number): Promise<void>;
}

/** Starts the engine and builds the API over `store`. Loaded on use, like every server part. */
export async function startSlipwayNode(options: SlipwayNodeOptions): Promise<SlipwayNode> {
  const [server, { createEngine }, { releaseService, describeAutomaticRefusal }, { builtInExecutors }] =
    await Promise.all([
      import('../server/app.js'),
      import('../jobs/engine.js'),
      import('../releases/service.js'),
      import('../jobs/executors/index.js'),
    ]);
  const { store, secrets } = options;
  const aws = options.aws ? { aws: options.aws } : {};
  const late: { releases?: ReleaseService } = {};
  const engine = await createEngine(
    {
      store,
      secrets,
      ...aws,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.work !== undefined ? { work: options.work } : {}),
      ...(options.scripts !== undefined ? { scripts: options.scripts } : {}),
      // Script steps that name a worker pool queue their scripts in this store.
      executors: builtInExecutors(options.scripts, { store, secrets, ...options.workers }),
      ...(options.stallAfterMs !== undefined ? { stallAfterMs: options.stallAfterMs } : {}),
      onFinished: async (id) => {
        await late.releases?.afterDeployment(id);
      },
    },
    options.engine ?? {},
  );
  const releases = releaseService({
    store,
    secrets,
    ...aws,
    engine,
    // The server's log: an automatic deployment the rules refused is left to a person.
    onAutomaticRefused: (refusal) => process.stderr.write(`slipway: ${describeAutomaticRefusal(refusal)}\n`),
  });
  late.releases = releases;
  const deps: ServerDeps = {
    store,
    secrets,
    releases,
    engine,
    ...aws,
    // What script steps can use here, for /healthz.
    ...(options.scripts !== undefined ? { scripts: await options.scripts } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.logStream ? { logStream: options.logStream } : {}),
    ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  };
  const app = server.buildServer(deps);
  return {
    engine,
    releases,
    app,
    async close(engineTimeoutMs) {
      await app.close();
      await engine.stop(engineTimeoutMs);
    },
  };
}
