/**
 * ECS state of one account in one region, as plain data. Times are sandbox epoch ms. Objects
 * that AWS returns verbatim (task definitions, service configuration) keep the caller's JSON so
 * that every field, known to us or not, passes through unchanged.
 */
import type {
  EcsServiceDeploymentRecord,
  EcsServiceRevision,
  HookInvocation,
  HookScript,
} from './service-deployment-model.js';

export interface EcsCluster {
  clusterName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'INACTIVE';
  createdAt: number;
  tags: { key: string; value: string }[];
  /** Everything else CreateCluster accepted (settings, configuration, capacityProviders, ...). */
  extra: Record<string, unknown>;
}

export interface EcsContainerInstance {
  containerInstanceArn: string;
  ec2InstanceId: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  /** Registered capacity. */
  cpu: number;
  memory: number;
  /** Host ports the instance can offer (default: any). Fixed host ports in use are tracked per task. */
  registeredAt: number;
  attributes: { name: string; value?: string }[];
  /** Tags set with TagResource (optional: absent in older state files). */
  tags?: { key: string; value: string }[];
}

export interface EcsTaskDefinition {
  family: string;
  revision: number;
  taskDefinitionArn: string;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  registeredAt: number;
  registeredBy: string;
  deregisteredAt?: number;
  /** Set by DeleteTaskDefinitions (status DELETE_IN_PROGRESS). */
  deleteRequestedAt?: number;
  /** The RegisterTaskDefinition input minus `tags`, exactly as given (unknown fields included). */
  body: Record<string, unknown>;
  tags: { key: string; value: string }[];
}

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface EcsDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  failedTasks: number;
  /** Maintained by the engine as tasks move (so Describe never scans tasks). */
  runningCount: number;
  pendingCount: number;
  rolloutState: RolloutState;
  rolloutStateReason: string;
  createdAt: number;
  updatedAt: number;
  launchType?: string;
  /** Copied from the service when the deployment was made. */
  networkConfiguration?: unknown;
  platformVersion?: string;
  capacityProviderStrategy?: unknown[];
  /** The service revision this deployment runs (absent in older state files). */
  serviceRevisionArn?: string;
  /** The target groups its tasks register in (blue/green alternates them); default the service's. */
  targetGroupArns?: string[];
}

export interface EcsServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface EcsService {
  serviceName: string;
  serviceArn: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinition: string;
  launchType?: string;
  createdAt: number;
  createdBy: string;
  clientToken?: string;
  /** Canonical JSON of the CreateService request that used `clientToken` (to detect reuse with another request). */
  clientRequest?: string;
  /** minimumHealthyPercent, maximumPercent, deploymentCircuitBreaker, alarms. */
  deploymentConfiguration: {
    minimumHealthyPercent: number;
    maximumPercent: number;
    deploymentCircuitBreaker?: { enable: boolean; rollback: boolean };
    [k: string]: unknown;
  };
  /** Newest first. */
  deployments: EcsDeployment[];
  /** Newest first, at most 100. */
  events: EcsServiceEvent[];
  loadBalancers: {
    targetGroupArn?: string;
    loadBalancerName?: string;
    containerName?: string;
    containerPort?: number;
    /** BLUE_GREEN/LINEAR/CANARY: alternateTargetGroupArn, productionListenerRule, testListenerRule, roleArn. */
    advancedConfiguration?: Record<string, unknown>;
  }[];
  healthCheckGracePeriodSeconds?: number;
  tags: { key: string; value: string }[];
  /** Every other CreateService/UpdateService field, passed through on Describe. */
  extra: Record<string, unknown>;
  /** Engine bookkeeping: sandbox ms of the last "unable to place" event, to rate-limit it. */
  lastUnablePlaceAt?: number;
  /** Engine bookkeeping: earliest sandbox ms to launch again after a failed launch. */
  relaunchNotBefore?: number;
  /** True once the steady-state event was written for the current state. */
  steady?: boolean;
  /** Engine bookkeeping: the newest deployment that COMPLETED (the circuit breaker rolls back to it). */
  lastCompletedDeployment?: { id: string; taskDefinition: string };
  /** The newest service deployment (DescribeServices.currentServiceDeployment). */
  currentServiceDeployment?: string;
  /** Every service deployment of the service, newest first. */
  serviceDeploymentArns?: string[];
}

export type TaskLastStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED';

export interface EcsContainer {
  name: string;
  image: string;
  containerArn: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  healthStatus?: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  essential: boolean;
}

export interface EcsTask {
  taskArn: string;
  taskId: string;
  clusterArn: string;
  taskDefinitionArn: string;
  /** "service:<name>" for service tasks, or the RunTask group. */
  group: string;
  startedBy?: string;
  /** The service deployment that owns the task, if any. */
  deploymentId?: string;
  serviceName?: string;
  launchType: string;
  containerInstanceArn?: string;
  lastStatus: TaskLastStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  cpu?: string;
  memory?: string;
  containers: EcsContainer[];
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  /** Fixed host ports this task holds on its container instance. */
  hostPorts: number[];
  tags: { key: string; value: string }[];
  /** Engine bookkeeping: sandbox ms of the task's next scheduled transition. */
  nextTransitionAt?: number;
  /** Engine bookkeeping: what happens at `nextTransitionAt`. */
  nextTransition?: string;
  overrides?: unknown;
  /** The awsvpc network configuration the task was launched with (RunTask or its deployment). */
  networkConfiguration?: unknown;
  /** Engine bookkeeping while RUNNING: when the container health checks settle, and to what. */
  healthCheckAt?: number;
  healthCheckResult?: 'HEALTHY' | 'UNHEALTHY';
  /** Engine bookkeeping: when the load balancer target turns healthy; true once it has. */
  targetHealthyAt?: number;
  targetHealthy?: boolean;
  /** Engine bookkeeping: when an essential container crashes (image fault). */
  crashAt?: number;
  /** True when the task failed (to start, a crash, health checks): counted in failedTasks. */
  failed?: boolean;
}

/** A RunTask answer remembered by its clientToken. */
export interface EcsRunTaskToken {
  /** Canonical JSON of the request. */
  request: string;
  taskArns: string[];
  failures: { arn?: string; reason: string; detail?: string }[];
  createdAt: number;
}

export interface EcsRegion {
  /** By cluster ARN. */
  clusters: Record<string, EcsCluster>;
  /** By container instance ARN. */
  containerInstances: Record<string, EcsContainerInstance>;
  /** By family, revisions in order (index = revision - 1). */
  taskDefinitions: Record<string, EcsTaskDefinition[]>;
  /** By service ARN. */
  services: Record<string, EcsService>;
  /** By task ARN. Stopped tasks are kept for a while, as ECS does (about an hour). */
  tasks: Record<string, EcsTask>;
  /** CreateService client tokens → service ARN. */
  clientTokens: Record<string, string>;
  /** RunTask client tokens (optional: absent in older state files). */
  runTaskTokens?: Record<string, EcsRunTaskToken>;
  /** Service revisions by ARN (optional: absent in older state files). */
  serviceRevisions?: Record<string, EcsServiceRevision>;
  /** Service deployments by ARN. */
  serviceDeployments?: Record<string, EcsServiceDeploymentRecord>;
  /** Admin API: scripted Lambda hook answers by function ARN. */
  hookScripts?: Record<string, HookScript>;
  /** Lambda hook invocations, oldest first (the newest 200). */
  hookInvocations?: HookInvocation[];
  /** Admin API: CloudWatch alarm states by alarm name (absent = OK). */
  alarmStates?: Record<string, 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'>;
}

export function emptyEcsRegion(): EcsRegion {
  return {
    clusters: {},
    containerInstances: {},
    taskDefinitions: {},
    services: {},
    tasks: {},
    clientTokens: {},
  };
}
