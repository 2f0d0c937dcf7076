/**
 * A step type's executor: what the engine hands it (the evaluated action, the variables, the
 * target's AWS, a log, cancel, persisted progress to resume from) and what it returns. New step
 * types (Deploy via CloudFormation) are one more executor registered with the engine.
 */
import type { AwsClients } from '../aws/clients.js';
import type { PlannedStep, ProcessStep, StepVariables, TargetInfo } from '../core/deployments/index.js';
import type { SlipwayEvent } from '../core/events.js';
import type { InterruptionAnswer, TaskLogLine } from '../core/model/release.js';

/** Where a step writes its log (already placed under the step and target; every line is masked). */
export interface StepLog {
  verbose(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  highlight(message: string): void;
  /**
   * Writes a typed event as one line at its level (debug → verbose, warn → warning; or `level`),
   * keeping its code and data (masked like the message) so the API can filter and draw from them.
   */
  event(event: SlipwayEvent, level?: TaskLogLine['level']): void;
  /** Adds values to mask from now on (a script's sensitive outputs). */
  addSensitive(values: readonly string[]): void;
}

/** What one run of a step on one target gets. */
export interface StepContext {
  deploymentId: string;
  step: PlannedStep;
  target?: TargetInfo;
  /** The action with every property evaluated. */
  action: ProcessStep['action'];
  variables: StepVariables;
  /** What an earlier attempt saved (a node died or guided failure retried); {} on the first attempt. */
  previous: Record<string, unknown>;
  /** Persists progress now; call it right after each change in AWS you must not repeat. */
  saveProgress(progress: Record<string, unknown>): Promise<void>;
  log: StepLog;
  /** The target's AWS clients (its account, region and assumed role; the process-wide rate limiter). */
  aws(): Promise<AwsClients>;
  /** Aborted when the deployment is canceled: stop AWS calls and return promptly. */
  signal: AbortSignal;
  /** Sets an output variable `Octopus.Action[<step>].Output.<name>` for later steps. */
  setOutput(name: string, value: string, sensitive?: boolean): void;
  /**
   * Pauses for a person (manual intervention) and resolves with their answer. Survives restarts:
   * pass `resume` (the id `opened` gave, saved with saveProgress) and a resumed step waits for that
   * interruption, answered or not; without it, an open question of this step is reused, and an
   * answered one never is (a retried step asks again).
   */
  interrupt(request: InterruptRequest): Promise<InterruptOutcome>;
  /**
   * Records the answer a question got outside Slipway (a PAUSE hook continued in ECS's console), so
   * it does not stay open; one already answered is left as it is. Default: not offered.
   */
  settleInterruption?(interruptionId: string, answer: 'proceed' | 'abort', notes: string): Promise<void>;
  /** The names of teams by id, for log lines a person reads (unknown ids stay ids). Default: the ids. */
  teamNames?(ids: readonly string[]): Promise<string[]>;
  /**
   * Another step of this deployment's process (by name, ignoring case) with its action evaluated
   * with that step's variables on this target; undefined when there is no such step (the run-task
   * step builds what an Update step will register). Default: not offered.
   */
  stepOf?(name: string): Promise<OtherStep | undefined>;
}

/** Another step's evaluated action and variable values (StepContext.stepOf). */
export interface OtherStep {
  action: ProcessStep['action'];
  values: Record<string, string>;
}

/** A question for a person. */
export interface InterruptRequest {
  title: string;
  instructions: string;
  responsibleTeamIds: string[];
  /** An interruption this attempt opened before the node died. Default none. */
  resume?: string;
  /** Called with the interruption's id before waiting (save it to resume with). Default none. */
  opened?: (interruptionId: string) => Promise<void>;
  /** Stop waiting when this aborts (rejects with its reason); the question stays open. Default: the step's signal only. */
  signal?: AbortSignal;
}

/** A person's answer. */
export interface InterruptOutcome {
  interruptionId: string;
  answer: InterruptionAnswer;
  /** Who answered (a user's name), when known. */
  answeredBy?: string;
  notes?: string;
}

/** How a step × target ended. */
export type StepResult = { outcome: 'success' } | { outcome: 'failed'; error: string };

/** One step type. */
export interface StepExecutor {
  /** The action type it runs, e.g. `ecs-update-service`. */
  type: string;
  /**
   * true: once per matching target (ECS steps); false: once per deployment (approvals);
   * 'with-roles': once per matching target when the step has roles, else once (scripts).
   */
  perTarget: boolean | 'with-roles';
  /** Called once when the engine starts, before any step runs (clean up after a crash). Default none. */
  start?(): Promise<void>;
  run(context: StepContext): Promise<StepResult>;
}
