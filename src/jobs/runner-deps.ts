/**
 * What the deployment runner works with: the store calls it makes, the pure planning functions,
 * the inputs it loads, the AWS clients per target, and the signals that stop it. The engine
 * provides the real ones; tests replace parts.
 */
import type { EventSink } from '../core/events.js';
import type { AwsClients } from '../aws/clients.js';
import type {
  DeploymentFacts,
  EvaluationInput,
  PlannedStep,
  ProcessStep,
  StepVariables,
  TargetInfo,
} from '../core/deployments/index.js';
import type { Deployment, DeploymentState, Interruption, TaskLogLine } from '../core/model/release.js';
import type { ScopedVariable } from '../core/variables/types.js';
import type { StepProgress } from '../store/deployment-steps.js';
import type { StepExecutor } from './executor.js';

/** The deployment store calls the runner makes (the deployments repository has them all). */
export interface RunnerStore {
  getById(id: string): Promise<Deployment>;
  transition(
    id: string,
    from: readonly DeploymentState[],
    to: DeploymentState,
    details?: { error?: string },
  ): Promise<Deployment | undefined>;
  prompted(id: string): Promise<Record<string, string>>;
  saveStep(id: string, progress: StepProgress): Promise<void>;
  steps(id: string): Promise<StepProgress[]>;
  appendLog(id: string, lines: Omit<TaskLogLine, 'seq'>[]): Promise<void>;
  interrupt(
    id: string,
    interruption: Omit<Interruption, 'id' | 'deploymentId' | 'createdAt'>,
  ): Promise<Interruption>;
  interruptions(id: string): Promise<Interruption[]>;
  /** See InterruptionStore.settleInterruption. Default: not offered. */
  settleInterruption?(
    id: string,
    interruptionId: string,
    answer: 'proceed' | 'abort',
    notes: string,
  ): Promise<void>;
}

/** The pure planning functions (core/deployments). */
export interface Planner {
  planDeployment(facts: DeploymentFacts): PlannedStep[];
  stepVariables(input: EvaluationInput): StepVariables;
  /** May answer later: the engine evaluates in a worker thread (evaluation-thread.ts). */
  evaluateAction(
    action: ProcessStep['action'],
    variables: StepVariables,
  ): ProcessStep['action'] | Promise<ProcessStep['action']>;
  conditionAllows(step: PlannedStep, deploymentFailed: boolean, variables: StepVariables): boolean;
}

/** What a deployment's run reads besides the deployment itself. */
export interface DeploymentInputs {
  facts: DeploymentFacts;
  /** The release's frozen variables, decrypted. */
  snapshot: readonly ScopedVariable[];
  /** The tenant's template values, defaults filled in ({} untenanted). */
  tenantValues: Record<string, string>;
  /** Names of tenantValues from sensitive templates (masked). Default none. */
  sensitiveTenantValues?: readonly string[];
}

/** Everything the runner uses. */
export interface RunnerDeps {
  store: RunnerStore;
  planner: Planner;
  executors: ReadonlyMap<string, StepExecutor>;
  load(deployment: Deployment): Promise<DeploymentInputs>;
  /** The clients of a target of this deployment; `emit` receives their retry events (default none). */
  aws(deployment: Deployment, target: TargetInfo, emit?: EventSink): Promise<AwsClients>;
  now: () => number;
  /** How often waits (interruptions) poll the store. */
  pollMs: number;
  /** The names of teams by id, for log lines (default: the ids). */
  teamNames?(spaceId: string, ids: readonly string[]): Promise<string[]>;
}

/** How one run ended. `abandoned`: this node gave the deployment up (stopping, lease lost); another resumes it. */
export type RunOutcome = 'success' | 'failed' | 'canceled' | 'abandoned' | 'skipped';

/** Signals a run listens to. */
export interface RunControl {
  /** Aborted on cancel (the deployment ends canceled). */
  cancel: AbortController;
  /** Aborted when this node lets go (the deployment stays executing; nothing more is written). */
  abandon: AbortController;
}
