/**
 * The deployment engine: a pg-boss queue on the store (PGlite or PostgreSQL), workers that run many
 * deployments at once, each step persisted so a job picked up again after a node died resumes
 * (an ECS update re-attaches to its rollout), cancel, guided failure and manual intervention.
 * CONTRACT: signatures fixed; bodies being written.
 */
import type { AmbientAws } from '../aws/account-credentials.js';
import { SlipwayError } from '../core/errors.js';
import type { Store } from '../store/database.js';
import type { SecretBox } from '../store/secrets.js';
import type { StepExecutor } from './executor.js';

/** What the engine needs. */
export interface EngineOptions {
  store: Store;
  secrets: SecretBox;
  /** AWS where accounts/targets say "ambient". Default: the SDK chain. */
  aws?: AmbientAws;
  /** Deployments run at once on this node. Default 50. */
  concurrency?: number;
  /** Step types; default: every built-in executor. */
  executors?: readonly StepExecutor[];
  /** Run workers (false: only enqueue, e.g. an API-only node or tests). Default true. */
  work?: boolean;
  /** The clock. Default Date.now. */
  now?: () => number;
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
  /** Resolves when the deployment reaches a final state (tests, the CLI's in-process demo). */
  waitFor(deploymentId: string, timeoutMs?: number): Promise<void>;
  /** Stops taking work, waits for running steps to reach a safe point (or abandons them at `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/** Starts the engine (creates the queue's schema on first use). */
export async function startEngine(options: EngineOptions): Promise<Engine> {
  void options;
  throw new SlipwayError('NOT_IMPLEMENTED', 'the deployment engine is not built yet');
}
