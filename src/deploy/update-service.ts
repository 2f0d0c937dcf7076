/**
 * UpdateService, and finding OUR deployment in its answer.
 */
import {
  UpdateServiceCommand,
  type DeploymentConfiguration,
  type DeploymentEarlySuccessCriteria,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import { describeAwsError } from '../aws/errors.js';
import { isSlipwayError, SlipwayError } from '../core/errors.js';
import { ourServiceDeploymentArn } from './service-deployments.js';
import type { EarlySuccess } from '../core/rollout/strategy.js';
import { describeService } from './snapshot.js';

export interface UpdateInput {
  cluster: string;
  service: string;
  taskDefinitionArn: string;
  desiredCount?: number;
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  /** ROLLING's early success criteria to set (false: turn them off). Default: kept. */
  earlySuccess?: EarlySuccess | false;
  forceNewDeployment: boolean;
}

/** ECS's shape of `early` (false: disabled). */
export function earlySuccessCriteria(early: EarlySuccess | false): DeploymentEarlySuccessCriteria {
  return early === false
    ? { enable: false }
    : { enable: true, healthyPercent: early.healthyPercent, sourceServiceRevisionCleanup: early.cleanup };
}

/** Whether the service's configuration (after our update) has early success criteria on. */
export function earlySuccessOn(
  config: DeploymentConfiguration | undefined,
  early?: EarlySuccess | false,
): boolean {
  if (early !== undefined) return early !== false;
  return config?.earlySuccessCriteria?.enable === true;
}

/**
 * The deployment configuration to send: the service's own, with min/max replaced. Sent in full so
 * that the circuit breaker and alarms are never dropped.
 */
export function deploymentConfigurationFor(
  current: DeploymentConfiguration | undefined,
  min: number | undefined,
  max: number | undefined,
  early?: EarlySuccess | false,
): DeploymentConfiguration | undefined {
  if (min === undefined && max === undefined && early === undefined) return undefined;
  return {
    ...current,
    ...(min !== undefined ? { minimumHealthyPercent: min } : {}),
    ...(max !== undefined ? { maximumPercent: max } : {}),
    ...(early !== undefined ? { earlySuccessCriteria: earlySuccessCriteria(early) } : {}),
  };
}

/** Sends UpdateService with the service's deployment configuration kept whole; returns the service it answers. */
async function sendUpdate(ecs: ECSClient, input: UpdateInput, before: Service): Promise<Service | undefined> {
  const deploymentConfiguration = deploymentConfigurationFor(
    before.deploymentConfiguration,
    input.minimumHealthyPercent,
    input.maximumPercent,
    input.earlySuccess,
  );
  try {
    const res = await ecs.send(
      new UpdateServiceCommand({
        cluster: input.cluster,
        service: input.service,
        taskDefinition: input.taskDefinitionArn,
        ...(input.desiredCount !== undefined ? { desiredCount: input.desiredCount } : {}),
        ...(deploymentConfiguration ? { deploymentConfiguration } : {}),
        ...(input.forceNewDeployment ? { forceNewDeployment: true } : {}),
      }),
    );
    return res.service;
  } catch (e) {
    // ECS's refusal (a value it does not accept) is the user's to fix, not a bug of ours: say it plainly.
    if (isSlipwayError(e) || (e as { $fault?: unknown }).$fault !== 'client') throw e;
    throw new SlipwayError(
      'AWS_CALL_FAILED',
      `UpdateService of ${input.service} was refused: ${describeAwsError(e)}. The service was not changed.`,
      { cause: e, data: { cluster: input.cluster, service: input.service } },
    );
  }
}

/** Updates the service and returns our deployment id (the PRIMARY on our revision) and the service. */
export async function updateService(
  ecs: ECSClient,
  input: UpdateInput,
  before: Service,
): Promise<{ deploymentId: string; service: Service }> {
  let service = await sendUpdate(ecs, input, before);
  let ours = ourDeployment(service, input.taskDefinitionArn);
  if (!ours) {
    // Not in the answer (should not happen): the service as it is now tells.
    service = await describeService(ecs, input.cluster, input.service);
    ours = ourDeployment(service, input.taskDefinitionArn);
  }
  if (!ours || !service)
    throw new SlipwayError(
      'AWS_CALL_FAILED',
      `UpdateService of ${input.service} returned no PRIMARY deployment on ${input.taskDefinitionArn}.`,
    );
  return { deploymentId: ours, service };
}

function ourDeployment(s: Service | undefined, arn: string): string | undefined {
  return s?.deployments?.find((d) => d.status === 'PRIMARY' && d.taskDefinition === arn)?.id;
}

/**
 * Updates a BLUE_GREEN, LINEAR or CANARY service and returns our service deployment's ARN (the
 * resume key): the answer's `currentServiceDeployment`, else the newest ongoing one listed.
 */
export async function updateStrategyService(
  ecs: ECSClient,
  input: UpdateInput,
  before: Service,
): Promise<{ serviceDeploymentArn: string }> {
  const service =
    (await sendUpdate(ecs, input, before)) ?? (await describeService(ecs, input.cluster, input.service));
  const arn = await ourServiceDeploymentArn(ecs, input.cluster, service);
  if (!arn)
    throw new SlipwayError(
      'AWS_CALL_FAILED',
      `UpdateService of ${input.service} made no service deployment that ECS lists (no currentServiceDeployment, nothing ongoing in ListServiceDeployments). Check the service's events in the console.`,
    );
  return { serviceDeploymentArn: arn };
}
