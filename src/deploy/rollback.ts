/**
 * Our rollback (--enable-rollback): UpdateService back to the last successfully deployed revision,
 * then watch that deployment to its end like any other.
 */
import type { ECSClient, Service } from '@aws-sdk/client-ecs';
import type { EventSink } from '../core/events.js';
import type { ServiceSnapshot } from '../core/rollout/types.js';
import { shortTaskDefinition } from '../core/rollout/types.js';
import { say } from './progress.js';
import { updateService } from './update-service.js';
import { watchItem, type WatchItem } from './watch.js';

export interface RollbackInput {
  ecs: ECSClient;
  cluster: string;
  service: string;
  /** The revision to go back to. */
  target: string;
  /** Why we roll back (for the message). */
  reason: string;
  /** The latest snapshot: its events were shown already. */
  snapshot: ServiceSnapshot | undefined;
  before: Service;
  emit: EventSink;
  now: number;
}

/** Starts the rollback; returns the watch item of the rollback deployment. */
export async function startRollback(input: RollbackInput): Promise<WatchItem> {
  const { service, target } = input;
  say(
    input.emit,
    'deploy.rollback-started',
    { service, cluster: input.cluster },
    `rolling back to ${shortTaskDefinition(target)} (the last successfully deployed revision): ${input.reason}`,
    { taskDefinitionArn: target, reason: input.reason },
  );
  const { deploymentId } = await updateService(
    input.ecs,
    { cluster: input.cluster, service, taskDefinitionArn: target, forceNewDeployment: false },
    input.before,
  );
  return watchItem(service, deploymentId, target, input.now, input.snapshot?.events ?? []);
}
