/**
 * What the service deployer (services.ts) takes from either face: the services of one cluster, the
 * revision to build on and the change to make to it, the rollout's limits, and the hooks that tell
 * the caller about each change in AWS (the server saves its resume state there) and every event.
 */
import type { EventSink } from '../core/events.js';
import type { TaskDefinitionJson } from '../core/taskdef/index.js';
import type { WatchLimits } from './request.js';
import type { EarlySuccess } from '../core/rollout/strategy.js';
import type { HookSnapshot } from '../core/rollout/service-deployment.js';

/** The revision a service's new revision is built on. */
export type BaseRevision =
  /** The revision the service runs now. */
  | { kind: 'current' }
  /** The newest ACTIVE revision of the service's family (`--use-latest-task-def`). */
  | { kind: 'latest' }
  /** A task definition to describe: an ARN, `family:revision`, or a family (its newest ACTIVE revision). */
  | { kind: 'described'; taskDefinition: string }
  /** A definition given whole (`--task-definition-file`). */
  | { kind: 'given'; taskDefinition: TaskDefinitionJson };

/** Services of one cluster, and what to deploy to them. */
export interface ServiceDeployInput extends WatchLimits {
  cluster: string;
  /** Deployed concurrently, each described once (one DescribeServices per 10). */
  services: readonly string[];
  /** What the new revision is built on (default the service's current revision). */
  base?: BaseRevision;
  /**
   * The change to make to the base (pure; default none). Throwing here fails the deployment
   * before anything changes in AWS.
   */
  edit?: (base: TaskDefinitionJson) => TaskDefinitionJson;
  /** UpdateService with forceNewDeployment, even without a change (default false). */
  forceNewDeployment?: boolean;
  /** Set on the service with the update (default: kept). */
  desiredCount?: number;
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  /**
   * ROLLING: ECS's early success criteria, set on the service with the update; the deployment is
   * then judged by its service deployment, which ends SUCCESSFUL early. `false` turns them off.
   * Default: the service's own setting.
   */
  earlySuccess?: EarlySuccess | false;
  /** Carry the base family's tags onto the new revision (default false). */
  copyTaskDefinitionTags?: boolean;
  /** On failure, go back to the last successfully deployed revision, wait and verify (default false). */
  enableRollback?: boolean;
  /** After success keep this many newest ACTIVE revisions of each family (default: keep all). */
  maxDefinitions?: number;
  /** Show the change ('diff') or the whole plan ('dry-run') and change nothing (default: deploy). */
  preview?: 'diff' | 'dry-run';
  /**
   * A revision an earlier attempt of the same deployment registered (the server's saved progress,
   * e.g. a node killed between RegisterTaskDefinition and UpdateService): a service whose new
   * revision has exactly this one's content is updated to it instead of registering another.
   * Default none.
   */
  registeredRevision?: string;
  /**
   * Strategy deployments: when the caller's signal aborts (a cancel), roll the ECS deployment back
   * with StopServiceDeployment(ROLLBACK) instead of leaving it going (default false).
   */
  stopOnCancel?: boolean;
}

/** A revision the deployer registered (before any service is updated to it). */
export interface RegisteredRevision {
  taskDefinitionArn: string;
  family: string;
  /** The services that will be updated to it. */
  services: string[];
}

/** Our ECS deployment of a service exists: UpdateService was made, or a rollout in flight was attached to. */
export interface UpdatedService {
  service: string;
  cluster: string;
  taskDefinitionArn: string;
  deploymentId: string;
  /** true when an earlier run's rollout of this content was found in flight and is watched instead. */
  attached: boolean;
}

/** A PAUSE hook a strategy deployment waits at, handed to whoever answers it. */
export interface PausedHook {
  service: string;
  cluster: string;
  serviceDeploymentArn: string;
  stage: string;
  hook: HookSnapshot;
  /** Our revision (the deployment's target). */
  taskDefinitionArn: string;
}

/** How a person answers a PAUSE hook: CONTINUE or ROLLBACK, or undefined (answered elsewhere: do nothing). */
export type PauseAnswerer = (
  paused: PausedHook,
  /**
   * Aborts when the hook no longer waits for this answer (answered elsewhere, timed out, or the watch
   * ended); its reason is a HookSettled when ECS shows what became of the hook.
   */
  settled: AbortSignal,
) => Promise<'CONTINUE' | 'ROLLBACK' | undefined>;

/** Why an answerer's signal aborted: the PAUSE hook was settled outside this answerer. */
export class HookSettled extends Error {
  constructor(
    /** The deployment went on past the hook (true), is rolling back or stopped (false), or unknown. */
    readonly continued: boolean | undefined,
    /** What ECS shows, for a person: "the hook is SUCCEEDED", "the deployment is ROLLBACK_IN_PROGRESS". */
    readonly shows: string,
  ) {
    super(`the PAUSE hook was settled elsewhere (${shows})`);
    this.name = 'HookSettled';
  }
}

/** How the deployer waits and when it stops (both faces; tests speed the clock up). */
export interface DeployControl {
  /**
   * Stops the deployer at its next wait or before its next change: it rejects with the signal's
   * reason, and a rollout already started goes on in ECS. Default never.
   */
  signal?: AbortSignal;
  /** Wall-clock ms (default Date.now). */
  now?: () => number;
  /** Waits ms, rejecting when `signal` aborts (default node:timers/promises setTimeout). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Typed hooks, awaited where they are called, so what they save is stored before the deployer goes on. */
export interface DeployHooks extends DeployControl {
  /** Every progress event (default dropped). */
  progress?: EventSink;
  /** After each RegisterTaskDefinition, before UpdateService. */
  registered?: (revision: RegisteredRevision) => Promise<void> | void;
  /** After UpdateService (or attaching to a rollout in flight), before watching. Not called for our rollback. */
  updated?: (update: UpdatedService) => Promise<void> | void;
  /**
   * Strategy deployments: answers a PAUSE hook (the server's manual intervention). Without it the
   * deployer returns a `paused` result (the CLI). Asked once per hook, in the background.
   */
  paused?: PauseAnswerer;
}
