/**
 * Snapshots of ECS state as the rollout judge sees them. Plain data, no SDK types: src/deploy
 * converts the SDK's shapes into these at the boundary.
 */

/** One deployment of a service. */
export interface DeploymentSnapshot {
  id: string;
  /** PRIMARY | ACTIVE | INACTIVE. */
  status: string;
  taskDefinitionArn: string;
  desired: number;
  pending: number;
  running: number;
  failed: number;
  /** IN_PROGRESS | COMPLETED | FAILED; undefined when ECS does not report one. */
  rolloutState?: string;
  rolloutStateReason?: string;
  /** Epoch ms, when ECS reports it. */
  createdAt?: number;
}

/** One service event (ECS keeps the newest 100, newest first). */
export interface ServiceEventSnapshot {
  id: string;
  /** Epoch ms. */
  createdAt: number;
  message: string;
}

/** A service as DescribeServices shows it. */
export interface ServiceSnapshot {
  name: string;
  /** ACTIVE | DRAINING | INACTIVE. */
  status: string;
  taskDefinitionArn: string;
  desiredCount: number;
  deployments: DeploymentSnapshot[];
  /** Newest first. */
  events: ServiceEventSnapshot[];
  circuitBreaker: { enable: boolean; rollback: boolean };
}

/** A stopped task of the revision we watch. */
export interface StoppedTaskSnapshot {
  taskArn: string;
  taskDefinitionArn: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: { name: string; exitCode?: number; reason?: string }[];
}

/** `family:revision` of a task definition ARN (or the text itself when it is not an ARN). */
export function shortTaskDefinition(arn: string): string {
  const i = arn.lastIndexOf('/');
  return i >= 0 ? arn.slice(i + 1) : arn;
}

/** Family and revision of a task definition ARN or `family:revision`. */
export function parseTaskDefinitionRef(arn: string): { family: string; revision?: number } {
  const short = shortTaskDefinition(arn);
  const i = short.lastIndexOf(':');
  if (i < 0) return { family: short };
  const rev = Number(short.slice(i + 1));
  return Number.isInteger(rev) ? { family: short.slice(0, i), revision: rev } : { family: short };
}
