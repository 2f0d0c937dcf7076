/**
 * The sandbox's whole world as plain, JSON-serialisable data: accounts, their IAM, and per region
 * the ECS, ECR and Logs state. Nothing here holds timers or sockets, so the world can be saved to
 * the state file and loaded back; the engines re-arm their timers from it (see Sandbox.resume).
 */
import { emptyEcsRegion, type EcsRegion } from './ecs/model.js';
import { emptyEcrRegion, type EcrRegion } from './ecr/model.js';
import { emptyLogsRegion, type LogsRegion } from './logs/model.js';
import type { IamAccount } from './iam/model.js';
import { emptyCfnRegion, type CfnRegion } from './cloudformation/model.js';
import type { SsmRegion } from './ssm/model.js';
import type { SecretsRegion } from './secretsmanager/model.js';
import type { Elbv2Region } from './elbv2/model.js';

export const STATE_KIND = 'slipway-sandbox-state';
export const STATE_VERSION = 1;

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Temporary credentials issued by AssumeRole. */
export interface StsSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  roleArn: string;
  roleId: string;
  sessionName: string;
  /** Sandbox epoch ms. */
  expiresAt: number;
}

export interface RegionState {
  ecs: EcsRegion;
  ecr: EcrRegion;
  logs: LogsRegion;
  /** Absent in state files written before CloudFormation (cfnOf creates it). */
  cloudformation?: CfnRegion;
  /** SSM Parameter Store; absent in state files written before it (ssmOf creates it). */
  ssm?: SsmRegion;
  /** Secrets Manager; absent in older state files (secretsOf creates it). */
  secretsmanager?: SecretsRegion;
  /** Elastic Load Balancing v2; absent in older state files (elbv2Of creates it). */
  elbv2?: Elbv2Region;
}

export interface AccountState {
  id: string;
  name: string;
  accessKeys: AccessKey[];
  iam: IamAccount;
  regions: Record<string, RegionState>;
}

/** Durations the simulation uses, in sandbox seconds. */
export interface Timings {
  /** awsvpc/Fargate network attachment before PENDING. */
  provisioningSeconds: number;
  /** Pulling an image. */
  imagePullSeconds: number;
  /** ACTIVATING until RUNNING. */
  startSeconds: number;
  /** Load balancer: health check interval × healthy threshold until a target is healthy. */
  targetHealthySeconds: number;
  /** Load balancer connection draining before a task stops. */
  deregistrationDelaySeconds: number;
  /** Time for containers to stop (the agent's stop timeout is the upper bound). */
  stopSeconds: number;
  /** How long after a task fails to launch before the service scheduler tries again. */
  relaunchDelaySeconds: number;
  /** Minimum gap between two identical "unable to place" service events. */
  unablePlaceEventSeconds: number;
  /** CloudFormation: a stack operation's start and finish (each). */
  cfnStackSeconds: number;
  /** CloudFormation: computing a change set. */
  cfnChangeSetSeconds: number;
  /** CloudFormation: how long a resource may stay in progress (AWS's stabilization limit, ~3 h). */
  cfnStabilizationSeconds: number;
}

/** Makes an image misbehave when a task runs it. */
export interface ImageFault {
  /** The image reference exactly as the container definition names it. */
  image: string;
  /** Exit with this code after `crashAfterSeconds` of running (essential container exited). */
  crashExitCode?: number;
  crashAfterSeconds?: number;
  /** Fail every container health check. */
  failHealthCheck?: boolean;
  /** Extra seconds before the container starts. */
  slowStartSeconds?: number;
  /** Fail to pull with CannotPullContainerError. */
  failPull?: boolean;
}

/** Makes an API action fail or throttle, for a number of calls or until a time. */
export interface ApiFault {
  id: string;
  /** e.g. "ecs", "ecr", "logs", "sts", "iam"; undefined = any. */
  service?: string;
  /** Action name, e.g. "UpdateService"; undefined = any action of the service. */
  action?: string;
  /** Only calls from this account; undefined = any. */
  accountId?: string;
  /** The AWS error code to answer, default ThrottlingException. */
  errorCode: string;
  message: string;
  httpStatus: number;
  /** Calls left to fail; undefined = unlimited until `untilMs`. */
  remaining?: number;
  /**
   * The share of matching calls that fail (0 < ratio ≤ 1), deterministically: the n-th matching
   * call fails when ⌊n × ratio⌋ grows (0.5 fails every other call). Undefined = every call.
   */
  ratio?: number;
  /** Matching calls seen so far (with `ratio`). */
  matched?: number;
  /** Sandbox epoch ms after which the fault is gone; undefined = until removed. */
  untilMs?: number;
}

export interface SandboxSettings {
  /** Enforce the ECS token buckets (on by default). */
  throttling: boolean;
  /** Images of other registries fail to pull unless registered as existing (off by default). */
  strictPulls: boolean;
  /** Images that exist when pulls are strict. */
  knownImages: string[];
  timings: Timings;
  imageFaults: ImageFault[];
  apiFaults: ApiFault[];
}

export interface WorldState {
  kind: typeof STATE_KIND;
  version: typeof STATE_VERSION;
  /** Counter for ids that must be unique across the world. */
  nextId: number;
  accounts: Record<string, AccountState>;
  /** Sessions by access key id. */
  sessions: Record<string, StsSession>;
  /** ECR authorization tokens (the password part) → account, region and expiry (sandbox ms). */
  ecrTokens: Record<string, { accountId: string; region: string; expiresAt: number }>;
  settings: SandboxSettings;
  /** Sandbox time when the state was last saved (ms); the clock resumes from here. */
  savedAt?: number;
}

/** Realistic defaults for a tuned service (fast health checks, short draining). */
export const DEFAULT_TIMINGS: Timings = {
  provisioningSeconds: 5,
  imagePullSeconds: 10,
  startSeconds: 3,
  targetHealthySeconds: 10,
  deregistrationDelaySeconds: 5,
  stopSeconds: 2,
  relaunchDelaySeconds: 10,
  unablePlaceEventSeconds: 60,
  cfnStackSeconds: 1,
  cfnChangeSetSeconds: 1,
  cfnStabilizationSeconds: 3 * 3600,
};

export function defaultSettings(): SandboxSettings {
  return {
    throttling: true,
    strictPulls: false,
    knownImages: [],
    timings: { ...DEFAULT_TIMINGS },
    imageFaults: [],
    apiFaults: [],
  };
}

export function emptyRegion(): RegionState {
  return {
    ecs: emptyEcsRegion(),
    ecr: emptyEcrRegion(),
    logs: emptyLogsRegion(),
    cloudformation: emptyCfnRegion(),
  };
}

export function emptyWorld(): WorldState {
  return {
    kind: STATE_KIND,
    version: STATE_VERSION,
    nextId: 1,
    accounts: {},
    sessions: {},
    ecrTokens: {},
    settings: defaultSettings(),
  };
}

/** The region's state, created on first use (AWS regions are always "there"). */
export function regionOf(account: AccountState, region: string): RegionState {
  let r = account.regions[region];
  if (!r) {
    r = emptyRegion();
    account.regions[region] = r;
  }
  return r;
}
