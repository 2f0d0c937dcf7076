/**
 * Deployments and their tasks: state changes guarded by the current state (a canceled deployment
 * never becomes success), per-step progress the engine persists to resume after a crash, output
 * variables, the task log (masked lines in a tree) and interruptions.
 * CONTRACT: signatures fixed; bodies being written.
 */
import type { Kysely } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { Page } from '../core/model/page.js';
import type {
  Deployment,
  DeploymentState,
  Interruption,
  InterruptionAnswer,
  TaskLogLine,
} from '../core/model/release.js';
import type { Actor } from './audit.js';
import type { SecretBox } from './secrets.js';
import type { Database } from './types.js';

function notBuilt(): never {
  throw new SlipwayError('NOT_IMPLEMENTED', 'deployments are not stored yet');
}

/** A deployment to insert (validated and resolved by the caller). */
export interface NewDeployment {
  projectId: string;
  releaseId: string;
  channelId: string;
  environmentId: string;
  tenantId?: string;
  skippedSteps: string[];
  comments: string;
  guidedFailure: boolean;
  /** Prompted values by name; stored encrypted (they may be sensitive). */
  prompted: Record<string, string>;
}

/** What the engine persists per step × target, to resume. */
export interface StepProgress {
  step: number;
  /** '' when the step has no target. */
  targetId: string;
  state: 'running' | 'success' | 'failed' | 'skipped' | 'canceled';
  /** Executor-specific facts (e.g. the task definition registered, the ECS deployment id). */
  progress: Record<string, unknown>;
  /** Output variables the step set. */
  outputs: Record<string, string>;
  /** Output values that are sensitive (stored encrypted; masked in logs). */
  sensitiveOutputs: string[];
}

/** Filters for lists. */
export interface DeploymentFilter {
  projectId?: string;
  environmentId?: string;
  tenantId?: string;
  releaseId?: string;
  states?: DeploymentState[];
}

/** The deployments repository over `db`. */
export function deploymentsRepository(db: Kysely<Database>, secrets: SecretBox) {
  void [db, secrets];
  return {
    /** Inserts deployments in state `queued` in one transaction (one per tenant); audited. */
    async create(spaceId: string, deployments: NewDeployment[], by: Actor): Promise<Deployment[]> {
      void [spaceId, deployments, by];
      return notBuilt();
    },
    async get(spaceId: string, id: string): Promise<Deployment> {
      void [spaceId, id];
      return notBuilt();
    },
    /** Any space (the engine knows only the id). */
    async getById(id: string): Promise<Deployment> {
      void id;
      return notBuilt();
    },
    /** Newest first. */
    async list(spaceId: string, query: unknown, filter?: DeploymentFilter): Promise<Page<Deployment>> {
      void [spaceId, query, filter];
      return notBuilt();
    },
    /**
     * Moves to `to` only from one of `from`; returns the updated deployment, or undefined when the
     * state was not one of `from` (someone else moved it: the caller re-reads).
     */
    async transition(
      id: string,
      from: readonly DeploymentState[],
      to: DeploymentState,
      details?: { error?: string },
    ): Promise<Deployment | undefined> {
      void [id, from, to, details];
      return notBuilt();
    },
    /** Prompted values, decrypted (engine only). */
    async prompted(id: string): Promise<Record<string, string>> {
      void id;
      return notBuilt();
    },
    /** Upserts a step × target's progress (engine). */
    async saveStep(id: string, progress: StepProgress): Promise<void> {
      void [id, progress];
      return notBuilt();
    },
    /** Every step × target progress of a deployment, decrypted outputs included (engine). */
    async steps(id: string): Promise<StepProgress[]> {
      void id;
      return notBuilt();
    },
    /** Appends masked lines; assigns seq. */
    async appendLog(id: string, lines: Omit<TaskLogLine, 'seq'>[]): Promise<void> {
      void [id, lines];
      return notBuilt();
    },
    /** Lines after `afterSeq` (default all), up to `limit` (default 1000). */
    async log(id: string, afterSeq?: number, limit?: number): Promise<TaskLogLine[]> {
      void [id, afterSeq, limit];
      return notBuilt();
    },
    /** Opens an interruption (the deployment waits for it). */
    async interrupt(
      id: string,
      interruption: Omit<Interruption, 'id' | 'deploymentId' | 'createdAt'>,
    ): Promise<Interruption> {
      void [id, interruption];
      return notBuilt();
    },
    /** Open and answered interruptions of a deployment. */
    async interruptions(id: string): Promise<Interruption[]> {
      void id;
      return notBuilt();
    },
    async getInterruption(spaceId: string, interruptionId: string): Promise<Interruption> {
      void [spaceId, interruptionId];
      return notBuilt();
    },
    /** Answers once (CONFLICT when already answered); audited. */
    async answer(
      spaceId: string,
      interruptionId: string,
      answer: InterruptionAnswer,
      notes: string,
      by: Actor,
    ): Promise<Interruption> {
      void [spaceId, interruptionId, answer, notes, by];
      return notBuilt();
    },
    /**
     * For the dashboard: per (project, environment, tenant or none) the latest deployment, in
     * one query.
     */
    async latestPerEnvironment(spaceId: string, projectIds?: readonly string[]): Promise<Deployment[]> {
      void [spaceId, projectIds];
      return notBuilt();
    },
    /** Per environment, whether this release succeeded there (per tenant), for the lifecycle. */
    async releaseProgress(
      releaseId: string,
      tenantId: string | undefined,
    ): Promise<{ succeeded: string[]; attempted: string[] }> {
      void [releaseId, tenantId];
      return notBuilt();
    },
  };
}

/** A deployments repository's type. */
export type DeploymentsRepository = ReturnType<typeof deploymentsRepository>;
