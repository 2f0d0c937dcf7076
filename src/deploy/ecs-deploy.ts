/**
 * The ecs-deploy engine as the CLI face uses it: an EcsDeployRequest (built and checked by the
 * CLI from its flags) goes to the service deployer (services.ts) or, for a task definition family
 * without a service, to run-task.ts.
 */
import type { AwsClients } from '../aws/clients.js';
import type { EventSink } from '../core/events.js';
import { applyEdits } from '../core/taskdef/index.js';
import { clockOf, type Clock } from './clock.js';
import { pruneDefinitions } from './hygiene.js';
import { worstOutcome } from './outcome.js';
import { editsOf } from './plan.js';
import { say } from './progress.js';
import type { DeployResult, EcsDeployRequest } from './request.js';
import { deployFamily, type FamilyTarget } from './run-task.js';
import type { BaseRevision, DeployControl, ServiceDeployInput } from './service-input.js';
import { deployServices } from './services.js';

/**
 * Runs one ecs-deploy request to its end. Throws SlipwayError only for bad input or AWS refusals
 * (rollout outcomes are in the result), and the signal's reason when `control.signal` aborts.
 */
export async function runEcsDeploy(
  request: EcsDeployRequest,
  clients: AwsClients,
  emit: EventSink,
  control: DeployControl = {},
): Promise<DeployResult> {
  const { target } = request;
  if (target.kind === 'family') {
    const result = await deployFamilyAndPrune(request, target, clients, emit, clockOf(control));
    return { outcome: result.outcome, results: [result] };
  }
  const results = await deployServices(serviceInput(request, target.cluster, target.services), clients, {
    ...control,
    progress: emit,
  });
  return { outcome: worstOutcome(results.map((r) => r.outcome)), results };
}

/** The service deployer's input for a request's services. */
function serviceInput(request: EcsDeployRequest, cluster: string, services: string[]): ServiceDeployInput {
  const edits = editsOf(request);
  const base: BaseRevision = request.taskDefinitionFile
    ? { kind: 'given', taskDefinition: request.taskDefinitionFile }
    : request.useLatestTaskDefinition
      ? { kind: 'latest' }
      : { kind: 'current' };
  return {
    cluster,
    services,
    base,
    edit: (td) => applyEdits(td, edits).taskDefinition,
    forceNewDeployment: request.forceNewDeployment,
    copyTaskDefinitionTags: request.copyTaskDefinitionTags,
    enableRollback: request.enableRollback,
    timeoutSeconds: request.timeoutSeconds,
    inactivityTimeoutSeconds: request.inactivityTimeoutSeconds,
    ...(request.desiredCount !== undefined ? { desiredCount: request.desiredCount } : {}),
    ...(request.minimumHealthyPercent !== undefined
      ? { minimumHealthyPercent: request.minimumHealthyPercent }
      : {}),
    ...(request.maximumPercent !== undefined ? { maximumPercent: request.maximumPercent } : {}),
    ...(request.earlySuccess !== undefined ? { earlySuccess: request.earlySuccess } : {}),
    ...(request.maxDefinitions !== undefined ? { maxDefinitions: request.maxDefinitions } : {}),
    ...(request.repeatedStopThreshold !== undefined
      ? { repeatedStopThreshold: request.repeatedStopThreshold }
      : {}),
    ...(request.unablePlaceGraceSeconds !== undefined
      ? { unablePlaceGraceSeconds: request.unablePlaceGraceSeconds }
      : {}),
    ...(request.skipDeploymentsCheck !== undefined
      ? { skipDeploymentsCheck: request.skipDeploymentsCheck }
      : {}),
    ...(request.dryRun ? { preview: 'dry-run' } : request.diffOnly ? { preview: 'diff' } : {}),
  };
}

async function deployFamilyAndPrune(
  request: EcsDeployRequest,
  target: FamilyTarget,
  clients: AwsClients,
  emit: EventSink,
  clock: Clock,
) {
  const result = await deployFamily(request, target, clients, emit, clock);
  if (
    request.maxDefinitions === undefined ||
    (result.outcome !== 'succeeded' && result.outcome !== 'no-change')
  )
    return result;
  if (target.cluster) {
    await pruneDefinitions({
      ecs: clients.ecs,
      cluster: target.cluster,
      family: target.family,
      keep: request.maxDefinitions,
      protect: result.taskDefinitionArn ? [result.taskDefinitionArn] : [],
      emit,
    });
  } else {
    // Without a cluster we cannot see which revisions running tasks and services use.
    say(
      emit,
      'deploy.definitions-deregistered',
      { family: target.family },
      'not pruning old revisions: give -c so that revisions in use can be found',
      {},
      'warn',
    );
  }
  return result;
}
