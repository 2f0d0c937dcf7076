/**
 * The ecs-deploy engine: plan, register, update, watch, roll back, clean up. CONTRACT STUB:
 * the signature is fixed; the body is being written (issue 3).
 */
import type { AwsClients } from '../aws/clients.js';
import { SlipwayError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { DeployResult, EcsDeployRequest } from './request.js';

/** Optional hooks, for tests. */
export interface DeployHooks {
  /** Wall-clock ms (default Date.now). */
  now?: () => number;
  /** Waits ms (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
}

/** Runs one ecs-deploy request to its end. Throws SlipwayError only for bad input or AWS refusals; rollout outcomes are in the result. */
export async function runEcsDeploy(
  _request: EcsDeployRequest,
  _clients: AwsClients,
  _emit: EventSink,
  _hooks: DeployHooks = {},
): Promise<DeployResult> {
  throw new SlipwayError('NOT_IMPLEMENTED', 'runEcsDeploy is being written');
}
