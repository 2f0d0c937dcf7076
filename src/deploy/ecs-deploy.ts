/**
 * The ecs-deploy engine: plan, register, update, watch, roll back, clean up. This file checks the
 * request's shape and dispatches: services (services.ts) or a task definition family (run-task.ts).
 */
import type { AwsClients } from '../aws/clients.js';
import { SlipwayError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { pruneDefinitions } from './hygiene.js';
import { worstOutcome } from './outcome.js';
import { say } from './progress.js';
import type { DeployResult, EcsDeployRequest } from './request.js';
import { deployFamily } from './run-task.js';
import { deployServices } from './services.js';

/** Optional hooks, for tests. */
export interface DeployHooks {
  /** Wall-clock ms (default Date.now). */
  now?: () => number;
  /** Waits ms (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs one ecs-deploy request to its end. Throws SlipwayError only for bad input or AWS refusals; rollout outcomes are in the result. */
export async function runEcsDeploy(
  request: EcsDeployRequest,
  clients: AwsClients,
  emit: EventSink,
  hooks: DeployHooks = {},
): Promise<DeployResult> {
  const h = { now: hooks.now ?? Date.now, sleep: hooks.sleep ?? defaultSleep };
  const hasServices = request.services.length > 0;
  if (hasServices && request.family !== undefined)
    throw new SlipwayError(
      'ECS_DEPLOY_BOTH_TARGETS',
      'Give either services (-n) or a task definition family (-d), not both.',
    );
  if (!hasServices && request.family === undefined)
    throw new SlipwayError(
      'ECS_DEPLOY_NO_TARGET',
      'Give a service (-n) or a task definition family (-d) to deploy.',
    );
  if (hasServices && !request.cluster)
    throw new SlipwayError('ECS_DEPLOY_NO_CLUSTER', 'A cluster (-c) is required with -n.');
  if (request.runTask && request.family === undefined)
    throw new SlipwayError('USAGE', '--run-task needs a task definition family (-d).');

  if (request.family !== undefined) {
    const result = await deployFamily(request, request.family, clients, emit, h);
    if (
      request.maxDefinitions !== undefined &&
      (result.outcome === 'succeeded' || result.outcome === 'no-change')
    ) {
      if (request.cluster) {
        await pruneDefinitions({
          ecs: clients.ecs,
          cluster: request.cluster,
          family: request.family,
          keep: request.maxDefinitions,
          protect: result.taskDefinitionArn ? [result.taskDefinitionArn] : [],
          emit,
        });
      } else {
        // Without a cluster we cannot see which revisions running tasks and services use.
        say(
          emit,
          'deploy.definitions-deregistered',
          { family: request.family },
          'not pruning old revisions: give -c so that revisions in use can be found',
          {},
          'warn',
        );
      }
    }
    return { outcome: result.outcome, results: [result] };
  }
  const results = await deployServices(request, clients, emit, h);
  return { outcome: worstOutcome(results.map((r) => r.outcome)), results };
}
