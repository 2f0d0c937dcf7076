/**
 * The stopped tasks of a failed deployment as the failure events carry them (`stoppedTasks` of
 * `deploy.failed` / `deploy.timeout`, read by the rollout view): each task with why it stopped in
 * one line (stop code, reason, the containers' exit codes). Routine stops (scaling, a user) are left out.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { stopReasonOf } from '../core/rollout/judge.js';
import type { StoppedTaskSnapshot } from '../core/rollout/types.js';
import { stoppedTasksOf } from './snapshot.js';

/** A stopped task of the watched deployment, with its reason in one line. */
export interface StoppedTaskReason {
  taskArn: string;
  taskDefinitionArn: string;
  reason: string;
}

/** The failed ones of `tasks`, with their reasons (routine stops left out). */
export function stoppedTaskReasons(tasks: Iterable<StoppedTaskSnapshot>): StoppedTaskReason[] {
  return [...tasks].flatMap((task) => {
    const reason = stopReasonOf(task);
    return reason === undefined
      ? []
      : [{ taskArn: task.taskArn, taskDefinitionArn: task.taskDefinitionArn, reason }];
  });
}

/**
 * The stopped tasks ECS started for `deploymentId` (read now: ECS forgets them after a while), or,
 * when reading fails, those `cache` already holds: evidence only, never an error.
 */
export async function deploymentStoppedTasks(
  ecs: ECSClient,
  cluster: string,
  deploymentId: string,
  cache: Map<string, StoppedTaskSnapshot>,
): Promise<StoppedTaskReason[]> {
  try {
    return stoppedTaskReasons(await stoppedTasksOf(ecs, cluster, deploymentId, cache));
  } catch {
    return stoppedTaskReasons(cache.values());
  }
}
