/**
 * The deployment engine: a pg-boss queue on the store (PGlite or PostgreSQL), workers that run many
 * deployments at once, each step persisted so a job picked up again after a node died resumes
 * (an ECS update re-attaches to its rollout), cancel, guided failure and manual intervention.
 * How it works: docs/engine.md.
 */
import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import { CHAIN_AMBIENT, type AmbientAws } from '../aws/account-credentials.js';
import * as planning from '../core/deployments/index.js';
import { evaluationThreads } from './evaluation-thread.js';
import { messageOf, SlipwayError } from '../core/errors.js';
import { isFinalState } from '../core/model/release.js';
import type { Store } from '../store/database.js';
import { deploymentsRepository } from '../store/deployments.js';
import {
  claimLease,
  deleteStaleLease,
  expireLease,
  queuedWithoutJob,
  releaseLease,
  renewLeases,
  staleLeases,
  type LeaseHolder,
} from '../store/leases.js';
import type { SecretBox } from '../store/secrets.js';
import type { StepExecutor } from './executor.js';
import { builtInExecutors } from './executors/index.js';
import type { ScriptIsolation } from './executors/script-isolation.js';
import { loadDeploymentInputs } from './facts.js';
import { DEPLOYMENT_QUEUE, openQueue, type DeploymentJob } from './queue.js';
import type { RunControl, RunnerDeps } from './runner-deps.js';
import { runDeployment } from './runner.js';
import { stallStore, watchStalls } from './stall-watch.js';
import { sleep, targetClients } from './step-context.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { resourcesRepository } from '../store/resources.js';

/** What the engine needs. */
export interface EngineOptions {
  store: Store;
  secrets: SecretBox;
  /** AWS where accounts/targets say "ambient". Default: the SDK chain. */
  aws?: AmbientAws;
  /** Deployments run at once on this node. Default 50. */
  concurrency?: number;
  /** Step types; default: every built-in executor (scripts run with `scripts`). */
  executors?: readonly StepExecutor[];
  /** Who script steps run as. Default: resolveScriptIsolation() (the `slipway-script` user; refused unless root). */
  scripts?: ScriptIsolation | Promise<ScriptIsolation>;
  /** Run workers (false: only enqueue, e.g. an API-only node or tests). Default true. */
  work?: boolean;
  /** The clock. Default Date.now. */
  now?: () => number;
  /** A running deployment that logs and saves nothing for this long is flagged stalled. Default 30 minutes. */
  stallAfterMs?: number;
  /**
   * Called after a deployment reaches a final state (the release service deploys to the lifecycle's
   * automatic environments from here). Errors are logged, never fail the deployment.
   */
  onFinished?: (deploymentId: string) => Promise<void>;
}

/** A running engine. */
export interface Engine {
  /** Queues deployments (already stored in state `queued`). */
  enqueue(deploymentIds: readonly string[]): Promise<void>;
  /** Asks a deployment to stop: state `cancelling`, AWS calls stop within seconds, then `canceled`. */
  cancel(deploymentId: string): Promise<void>;
  /** The action types this engine has an executor for (default: not told, nothing is refused on save). */
  readonly stepTypes?: readonly string[];
  /** Resolves when the deployment reaches a final state (tests, the CLI's in-process demo). */
  waitFor(deploymentId: string, timeoutMs?: number): Promise<void>;
  /** Stops taking work, waits for running steps to reach a safe point (or abandons them at `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/** Timings and seams beyond EngineOptions (tests; defaults suit production). */
export interface EngineInternals {
  /** Replaces parts of what the runner uses (default: the store's repositories, core planning). */
  deps?: Partial<Pick<RunnerDeps, 'store' | 'planner' | 'load' | 'aws'>>;
  /** Queue poll when idle; also how often waits poll the store. Default 500 ms. */
  pollMs?: number;
  /** How often running deployments check for a cancel made on another node. Default 1000 ms. */
  cancelPollMs?: number;
  /** How often this node renews its leases. Default 5000 ms. */
  heartbeatMs?: number;
  /** A lease not renewed for this long belongs to a dead node. Default 30 000 ms. */
  leaseStaleMs?: number;
  /** How often to look for stale leases. Default leaseStaleMs / 2. */
  recoverEveryMs?: number;
  /** This node's id in leases. Default a random UUID. */
  nodeId?: string;
}

/** An engine plus what tests need to play a dead node. */
export interface EngineHandle extends Engine {
  nodeId: string;
  /** Stops at once as if the process died: no step state, final state, lease or job is written any more. */
  kill(): Promise<void>;
}

/** Waits for `work`, or `ms` at most; no timer is left behind to hold the process open. */
async function atMost(work: Promise<unknown>, ms: number): Promise<void> {
  const done = new AbortController();
  await Promise.race([work, sleep(ms, done.signal).catch(() => {})]);
  done.abort();
}

/** Starts the engine (creates the queue's schema on first use). */
export async function startEngine(options: EngineOptions): Promise<Engine> {
  return createEngine(options);
}

interface Running {
  control: RunControl;
  jobId: string;
  done: Promise<void>;
}

/** startEngine with internal seams (tests). */
export async function createEngine(
  options: EngineOptions,
  internals: EngineInternals = {},
): Promise<EngineHandle> {
  const { store: db } = options;
  const ambient = options.aws ?? CHAIN_AMBIENT;
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 50;
  const pollMs = internals.pollMs ?? 500;
  const leaseStaleMs = internals.leaseStaleMs ?? 30_000;
  const nodeId = internals.nodeId ?? randomUUID();
  const deployments = internals.deps?.store ?? deploymentsRepository(db.db, options.secrets);
  const stalls = watchStalls({
    store: stallStore(db.db, deployments),
    running: () => running.keys(),
    now,
    ...(options.stallAfterMs === undefined ? {} : { stallAfterMs: options.stallAfterMs }),
  });
  const deps: RunnerDeps = {
    store: stalls.track(deployments),
    // Step actions are evaluated in worker threads: an expensive template stalls only its own step.
    planner: internals.deps?.planner ?? {
      ...planning,
      evaluateAction: (a, v) => evaluationThreads.evaluateAction(a, v),
    },
    executors: new Map((options.executors ?? builtInExecutors(options.scripts)).map((e) => [e.type, e])),
    load: internals.deps?.load ?? ((d) => loadDeploymentInputs(db, options.secrets, ambient, d)),
    aws:
      internals.deps?.aws ??
      ((d, target, emit) =>
        targetClients(db, options.secrets, ambient, d.spaceId, target, emit ? { emit } : {})),
    now,
    pollMs,
    teamNames: async (spaceId, ids) => {
      const teams = resourcesRepository(db.db, options.secrets, RESOURCE_KINDS.team);
      return Promise.all(ids.map(async (id) => (await teams.find(spaceId, id))?.name ?? id));
    },
  };
  for (const executor of deps.executors.values()) await executor.start?.();
  const boss = await openQueue(db);
  const running = new Map<string, Running>();
  let killed = false;
  const finished = new Map<string, Set<() => void>>();
  // onFinished calls in flight: stop() waits for them, so none runs on a closed store.
  const afterwards = new Set<Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  let stopping = false;
  let wake: (() => void) | undefined;
  const notify = () => wake?.();

  const report = (what: string, e: unknown) => {
    // The engine has no log of its own beyond the deployment's; stderr reaches the server's log.
    process.stderr.write(`slipway engine: ${what}: ${messageOf(e)}\n`);
  };

  const signalFinished = (id: string) => {
    for (const resolve of finished.get(id) ?? []) resolve();
    finished.delete(id);
    if (options.onFinished) {
      const after = options
        .onFinished(id)
        .catch((e: unknown) => report(`onFinished(${id})`, e))
        .finally(() => afterwards.delete(after));
      afterwards.add(after);
    }
  };

  // Leases: which node runs a deployment (store/leases.ts).
  const holder: LeaseHolder = { nodeId, staleMs: leaseStaleMs };
  const claim = (deploymentId: string, jobId: string) => claimLease(db.db, holder, deploymentId, jobId);
  const release = (deploymentId: string, stale: boolean) =>
    stale ? expireLease(db.db, nodeId, deploymentId) : releaseLease(db.db, nodeId, deploymentId);

  const start = async (job: PgBoss.Job<DeploymentJob>) => {
    const id = job.data.deploymentId;
    if (running.has(id) || !(await claim(id, job.id))) {
      // A duplicate, or a live node runs it: nothing to do.
      await boss.complete(DEPLOYMENT_QUEUE, job.id);
      return;
    }
    const control: RunControl = { cancel: new AbortController(), abandon: new AbortController() };
    const done = (async () => {
      try {
        const outcome = await runDeployment(deps, id, control);
        if (outcome === 'abandoned') {
          if (killed) return;
          // Another node resumes it at once: a stale lease and a failed (retried) job.
          await release(id, true);
          await boss.fail(DEPLOYMENT_QUEUE, job.id, { reason: 'node stopping' });
          return;
        }
        await release(id, false);
        await boss.complete(DEPLOYMENT_QUEUE, job.id);
        if (outcome !== 'skipped') signalFinished(id);
      } catch (e) {
        if (killed) return;
        report(`deployment ${id}`, e);
        // pg-boss retries the job; the lease lets the next run (on any node) take it at once.
        await release(id, true).catch(() => {});
        await boss.fail(DEPLOYMENT_QUEUE, job.id, { error: String(e) }).catch(() => {});
      }
    })().finally(() => {
      running.delete(id);
      notify();
    });
    running.set(id, { control, jobId: job.id, done });
  };

  const loop = async () => {
    while (!stopping) {
      const free = concurrency - running.size;
      let fetched = 0;
      if (free > 0) {
        try {
          const jobs = (await boss.fetch<DeploymentJob>(DEPLOYMENT_QUEUE, { batchSize: free })) ?? [];
          fetched = jobs.length;
          for (const job of jobs) await start(job);
        } catch (e) {
          if (!stopping) report('fetching jobs', e);
        }
      }
      if (stopping) break;
      // A full batch may mean more are waiting: fetch again at once.
      if (fetched > 0 && fetched === free) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  };

  const every = (ms: number, fn: () => Promise<void>) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || stopping) return;
      busy = true;
      fn()
        .catch((e: unknown) => report('background check', e))
        .finally(() => (busy = false));
    }, ms);
    timers.push(timer);
  };

  const heartbeat = async () => {
    const ids = [...running.keys()];
    if (ids.length === 0) return;
    const kept = await renewLeases(db.db, nodeId, ids);
    // Another node took a deployment over (this node looked dead): stop running it here.
    for (const id of ids) if (!kept.has(id)) running.get(id)?.control.abandon.abort();
  };

  const watchCancels = async () => {
    await Promise.all(
      [...running].map(async ([id, r]) => {
        const d = await deployments.getById(id);
        if (d.state === 'cancelling' || d.state === 'canceled') r.control.cancel.abort();
      }),
    );
  };

  const recover = async () => {
    for (const lease of await staleLeases(db.db, leaseStaleMs)) {
      if (running.has(lease.deploymentId)) continue;
      let final: boolean;
      try {
        final = isFinalState((await deployments.getById(lease.deploymentId)).state);
      } catch (e) {
        if (!(e instanceof SlipwayError && e.code === 'NOT_FOUND')) throw e;
        final = true;
      }
      if (final) {
        await deleteStaleLease(db.db, leaseStaleMs, lease.deploymentId);
        continue;
      }
      // The dead node's job stays active until it expires; cancel it so it is not retried later.
      if (lease.jobId) await boss.cancel(DEPLOYMENT_QUEUE, lease.jobId).catch(() => {});
      await send([lease.deploymentId]);
    }
    // A deployment stored as queued whose send never happened (the node died in between) has no
    // job at all: queue it again. A duplicate send is harmless (singleton key, then the lease).
    const lost = await queuedWithoutJob(db.db, DEPLOYMENT_QUEUE, leaseStaleMs);
    if (lost.length > 0) await send(lost);
  };

  const send = async (ids: readonly string[]) => {
    await Promise.all(
      ids.map((deploymentId) =>
        boss.send(DEPLOYMENT_QUEUE, { deploymentId } satisfies DeploymentJob, { singletonKey: deploymentId }),
      ),
    );
    notify();
  };

  let loopDone: Promise<void> = Promise.resolve();
  if (options.work !== false) {
    loopDone = loop();
    every(internals.heartbeatMs ?? 5000, heartbeat);
    every(internals.cancelPollMs ?? 1000, watchCancels);
    every(internals.recoverEveryMs ?? Math.max(250, leaseStaleMs / 2), recover);
    every(stalls.checkEveryMs, stalls.check);
    await recover().catch((e: unknown) => report('recovering deployments', e));
  }

  const halt = async () => {
    stopping = true;
    for (const t of timers) clearInterval(t);
    notify();
    await loopDone;
  };

  return {
    nodeId,
    stepTypes: [...deps.executors.keys()],
    enqueue: send,
    async cancel(deploymentId) {
      const canceled = await deployments.transition(deploymentId, ['queued'], 'canceled', {
        error: 'Canceled before it started.',
      });
      if (canceled) {
        signalFinished(deploymentId);
        return;
      }
      await deployments.transition(deploymentId, ['executing'], 'cancelling');
      running.get(deploymentId)?.control.cancel.abort();
    },
    async waitFor(deploymentId, timeoutMs = 3_600_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (isFinalState((await deployments.getById(deploymentId)).state)) return;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new SlipwayError(
            'PRECONDITION_FAILED',
            `Deployment ${deploymentId} did not finish within ${timeoutMs} ms; it is still running. Wait longer or cancel it.`,
            { data: { deploymentId } },
          );
        }
        // Woken at once when this node finishes it; polled for other nodes.
        await new Promise<void>((resolve) => {
          const set = finished.get(deploymentId) ?? new Set();
          finished.set(deploymentId, set);
          const done = () => {
            clearTimeout(timer);
            set.delete(done);
            resolve();
          };
          const timer = setTimeout(done, Math.min(250, left));
          set.add(done);
        });
      }
    },
    async stop(timeoutMs = 10_000) {
      if (stopping) return;
      await halt();
      // Executors see the signal and return at a safe point; the deployments stay executing.
      for (const r of running.values()) r.control.abandon.abort();
      await atMost(Promise.all([...running.values()].map((r) => r.done)), timeoutMs);
      await atMost(Promise.all([...afterwards]), timeoutMs);
      await boss.stop({ graceful: false, close: false });
    },
    async kill() {
      killed = true;
      await halt();
      for (const r of running.values()) r.control.abandon.abort();
      await boss.stop({ graceful: false, close: false });
    },
  };
}
