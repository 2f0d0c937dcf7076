/**
 * What `ecs-deploy` asks the deploy engine to do, and what it answers. The CLI builds an
 * EcsDeployRequest from flags (validated there, target rules included: the type admits only a
 * valid target); the engine never reads flags or env.
 */
import type { ImageReference } from '../core/images/reference.js';
import type { EarlySuccess, WaitUntil } from '../core/rollout/strategy.js';
import type { TaskDefinitionEdits, TaskDefinitionJson } from '../core/taskdef/index.js';

/** Defaults (documented in docs/ecs-deploy.md). */
export const DEPLOY_DEFAULTS = {
  /** Overall timeout. The script's 90 s is too short for ordinary rollouts. */
  timeoutSeconds: 900,
  /** Fail if nothing changes (counts, events, deployments) for this long. */
  inactivityTimeoutSeconds: 600,
  /** Without a circuit breaker: this many stopped tasks of our revision with the same reason mean failure. */
  repeatedStopThreshold: 3,
  /** Without a circuit breaker: "unable to place" for longer than this means failure. */
  unablePlaceGraceSeconds: 300,
} as const;

/** How long and how strictly a rollout is watched (every field defaults to DEPLOY_DEFAULTS). */
export interface WatchLimits {
  /** `-t` seconds (default DEPLOY_DEFAULTS.timeoutSeconds). */
  timeoutSeconds?: number;
  /** `--inactivity-timeout` seconds (default DEPLOY_DEFAULTS.inactivityTimeoutSeconds). */
  inactivityTimeoutSeconds?: number;
  /** Without a circuit breaker: stopped tasks of our revision with one reason that mean failure (default DEPLOY_DEFAULTS.repeatedStopThreshold). */
  repeatedStopThreshold?: number;
  /** "Unable to place" for longer than this many seconds means failure (default DEPLOY_DEFAULTS.unablePlaceGraceSeconds). */
  unablePlaceGraceSeconds?: number;
  /** `--skip-deployments-check`: success does not wait for older deployments to drain (default false). */
  skipDeploymentsCheck?: boolean;
  /** `--wait-until`: return once deployed (default) or once a strategy deployment reached an ECS lifecycle stage. */
  waitUntil?: WaitUntil;
}

/** `--run-task` (with a family): register, then run once. */
export interface RunTaskRequest {
  launchType?: string;
  platformVersion?: string;
  /** Parsed `--network-configuration` JSON (awsvpcConfiguration ...). */
  networkConfiguration?: Record<string, unknown>;
  /** Wait until stopped; every essential container must exit 0. */
  waitForSuccess: boolean;
}

/** What ecs-deploy deploys: services of one cluster (`-c` and `-n`), or a family without a service (`-d`). */
export type EcsDeployTarget =
  | {
      kind: 'services';
      cluster: string;
      /** `-n`, repeatable: deployed concurrently (at least one). */
      services: string[];
    }
  | {
      kind: 'family';
      family: string;
      /** `-c`: where --run-task runs the task, and where --max-definitions looks for revisions in use. */
      cluster?: string;
      runTask?: RunTaskRequest;
    };

export interface EcsDeployRequest extends WatchLimits {
  target: EcsDeployTarget;
  /** `-i`, already resolved (tag from env var applied, default tag added). */
  image?: ImageReference;
  /** Edits beyond `-i`: tag-only, per-container edits, exclusive modes. `image` above is copied into `edits.image` by the engine. */
  edits: TaskDefinitionEdits;
  /** `--task-definition-file`: base the new revision on this (already parsed) definition. */
  taskDefinitionFile?: TaskDefinitionJson;
  /** `--use-latest-task-def`: base on the newest ACTIVE revision of the family, not the service's. */
  useLatestTaskDefinition: boolean;
  /** `--copy-task-definition-tags`. */
  copyTaskDefinitionTags: boolean;
  /** `--force-new-deployment`: redeploy (no -i needed); with no edits, keeps the current revision. */
  forceNewDeployment: boolean;
  /** `-D`, `-m`, `-M`. */
  desiredCount?: number;
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  /** `--early-success PERCENT[:blocking|deferred]`, `--no-early-success` (false). */
  earlySuccess?: EarlySuccess | false;
  /** `-t` seconds. */
  timeoutSeconds: number;
  /** `--inactivity-timeout` seconds. */
  inactivityTimeoutSeconds: number;
  /** `--enable-rollback`: on failure, go back to the last successfully deployed revision, wait and verify. */
  enableRollback: boolean;
  /** `--max-definitions N`: after success keep N newest ACTIVE revisions, never deregistering one in use or the rollback target. */
  maxDefinitions?: number;
  /** `--diff`: print the change and stop. `--dry-run`: print the whole plan and stop. */
  diffOnly: boolean;
  dryRun: boolean;
}

/** How one service's (or the task's) deployment ended. */
export type DeployOutcome =
  | 'succeeded'
  /** Nothing to do: the service already runs this exact content (no new revision registered). */
  | 'no-change'
  /** --diff / --dry-run: nothing was changed. */
  | 'previewed'
  /** Our deployment failed; nobody rolled back. */
  | 'failed'
  /** Our deployment failed and ECS's circuit breaker rolled the service back. */
  | 'failed-ecs-rolled-back'
  /** Our deployment failed and our --enable-rollback brought the last good revision back. */
  | 'failed-rolled-back'
  /** Our deployment failed and our rollback failed too. */
  | 'rollback-failed'
  /** The overall timeout passed; ECS may still be rolling. */
  | 'timed-out'
  /** Nothing changed for the inactivity timeout; ECS may still be rolling. */
  | 'inactive'
  /** --run-task: the task stopped with a failure. */
  | 'task-failed';

/**
 * How a run ended: a DeployOutcome, or `paused` (a strategy deployment waits at a PAUSE hook for
 * `slipway ecs-deploy continue|rollback`; ECS goes on waiting until the hook's timeout).
 */
export type RunOutcome = DeployOutcome | 'paused';

export interface ServiceDeployResult {
  /** Service name, or the family for -d. */
  name: string;
  outcome: RunOutcome;
  /** One sentence for a person: what happened and what the service runs now. */
  message: string;
  /** The revision we deployed (or would deploy). */
  taskDefinitionArn?: string;
  /** Our ECS deployment id (a service deployment ARN for strategy deployments), if an UpdateService was made or attached to. */
  deploymentId?: string;
  /** BLUE_GREEN, LINEAR, CANARY: our service deployment, its last stage, and the PAUSE hook it waits at. */
  serviceDeploymentArn?: string;
  stage?: string;
  pausedHookId?: string;
  /** The task definition the service runs at the end. */
  runningTaskDefinitionArn?: string;
}

export interface DeployResult {
  /** The worst outcome over all services (order: rollback-failed > failed > failed-ecs-rolled-back > failed-rolled-back > task-failed > timed-out > inactive > succeeded > no-change > previewed). */
  outcome: RunOutcome;
  results: ServiceDeployResult[];
}
