/**
 * Service deployments and service revisions as plain data (state file friendly), plus the
 * admin-scripted Lambda hook answers and alarm states the strategy engine reads.
 */

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

/** The statuses of a deployment that is still going. */
export const ONGOING_STATUSES: readonly ServiceDeploymentStatus[] = [
  'PENDING',
  'IN_PROGRESS',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
];

export const ALL_STATUSES: readonly ServiceDeploymentStatus[] = [
  ...ONGOING_STATUSES,
  'SUCCESSFUL',
  'STOPPED',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
];

export type DeploymentStrategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

export type HookStatus = 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

/** One lifecycle hook at work in the current stage (DescribeServiceDeployments.lifecycleHookDetails). */
export interface HookRun {
  hookId: string;
  /** Index into deploymentConfiguration.lifecycleHooks. */
  hookIndex: number;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  status: HookStatus;
  expiresAt: number;
  timeoutAction: 'ROLLBACK' | 'CONTINUE';
  /** Lambda: when ECS invokes the function (again, after callBackDelay). */
  nextCallAt?: number;
}

export interface EcsServiceRevision {
  serviceRevisionArn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  createdAt: number;
  /** The `ecs-svc/…` deployment that runs this revision's tasks. */
  ecsDeploymentId: string;
  /** The rest of the ServiceRevision shape (launch settings, loadBalancers, containerImages, ...). */
  body: Record<string, unknown>;
}

export interface EcsServiceDeploymentRecord {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  strategy: DeploymentStrategy;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  stoppedAt?: number;
  updatedAt: number;
  status: ServiceDeploymentStatus;
  statusReason?: string;
  lifecycleStage?: string;
  targetRevisionArn: string;
  sourceRevisionArns: string[];
  /** The `ecs-svc/…` ids of the target and of the sources (to find their tasks). */
  targetDeploymentId: string;
  sourceDeploymentIds: string[];
  /** The service's deploymentConfiguration when the deployment was made. */
  deploymentConfiguration: Record<string, unknown>;
  /** Percent of test and production traffic on the target revision. */
  testWeight: number;
  prodWeight: number;
  /** Stage machine: index into the phase list, and whether that phase was entered. */
  phase: number;
  phaseEntered: boolean;
  phaseStartedAt: number;
  /** True once the deployment is rolling back (the phase list is the rollback one). */
  rollingBack?: boolean;
  /** How a rollback ends: ROLLBACK_SUCCESSFUL, or STOPPED after StopServiceDeployment(ABORT). */
  endStatus?: 'ROLLBACK_SUCCESSFUL' | 'STOPPED';
  /** What the rolling scheduler must hold: new tasks (before SCALE_UP) and old tasks (before CLEAN_UP). */
  holdLaunch?: boolean;
  holdOld?: boolean;
  hooks: HookRun[];
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
  circuitBreaker?: { status: string; failureCount: number; threshold: number };
  alarms?: { status: string; alarmNames: string[]; triggeredAlarmNames: string[] };
  /** ROLLING: the `ecs-svc/…` deployment the circuit breaker rolled back with. */
  rollbackDeploymentId?: string;
  /** ROLLING with earlySuccessCriteria: sandbox ms when the criteria were first met (the bake counts from there). */
  earlySuccessMetAt?: number;
}

/** One scripted answer of a Lambda hook. */
export interface HookOutcome {
  hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS' | 'ERROR';
  /** Seconds until ECS calls again after IN_PROGRESS (default 30, as AWS). */
  callBackDelay?: number;
  /** How many invocations answer this (default 1); the last outcome repeats forever. */
  times?: number;
}

export interface HookScript {
  outcomes: HookOutcome[];
  /** Invocations answered so far. */
  used: number;
}

export interface HookInvocation {
  functionArn: string;
  at: number;
  lifecycleStage: string;
  serviceDeploymentArn: string;
  payload: Record<string, unknown>;
  hookStatus: HookOutcome['hookStatus'];
}
