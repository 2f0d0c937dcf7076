/**
 * AWS::ECS::Service: CreateService / UpdateService through the sandbox's ECS, then wait until the
 * deployment is COMPLETED (running = desired), failing on the circuit breaker or the stabilisation
 * timeout; delete scales to zero, waits for the tasks to stop, deletes and waits for INACTIVE.
 */
import type { ProgressEvent, ResourceProvider, ResourceRequest } from '../contracts.js';
import { callJson, generatedName, inProgress, mergedTags, pastDeadline, success } from './common.js';
import { ecsAction, syncEcsTags } from './ecs-tags.js';
import { circuitBreakerTriggered, handlerFailure, isAwsError, serviceFailure, timedOut } from './messages.js';
import { cfnTags, changedProperties, stringProp, toApiInput } from './props.js';
import { clusterOfService, describeService, rolloutOf } from './service-state.js';
import { removeService } from './service-delete.js';
import { CFN_TIMINGS } from './timings.js';

const TYPE = 'AWS::ECS::Service';

const REPLACE_ON = ['Cluster', 'Role', 'SchedulingStrategy', 'ServiceName', 'LaunchType'];

/** Properties that are not UpdateService fields (replacements, or handled apart). */
const NOT_UPDATED = new Set(['Tags', 'ForceNewDeployment', ...REPLACE_ON]);

/** List properties whose removal means "none" on update. */
const LISTS = new Set([
  'LoadBalancers',
  'PlacementConstraints',
  'PlacementStrategies',
  'ServiceRegistries',
  'CapacityProviderStrategy',
  'VolumeConfigurations',
  'VpcLatticeConfigurations',
]);

function attributesOf(arn: string, name: string): Record<string, unknown> {
  return { ServiceArn: arn, Name: name };
}

function nameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** Waits for the deployment in the context; the shared second half of create and update. */
function stabilise(request: ResourceRequest): ProgressEvent {
  const c = request.context ?? {};
  const arn = String(c.serviceArn ?? request.physicalId ?? '');
  const attributes = attributesOf(arn, nameOf(arn));
  const svc = describeService(request, arn);
  if (!svc || svc.status !== 'ACTIVE') {
    return handlerFailure(`Service ${arn} is no longer ACTIVE.`, 'NotFound', arn);
  }
  const { state, follow } = rolloutOf(svc, String(c.deploymentId ?? ''));
  if (state === 'failed') return circuitBreakerTriggered(arn);
  if (state === 'done') return success(arn, attributes);
  if (pastDeadline(request)) return timedOut(arn);
  return inProgress(CFN_TIMINGS.servicePollSeconds, { ...c, deploymentId: follow }, arn, attributes);
}

/** The PRIMARY deployment of a rendered service (CreateService/UpdateService output). */
function primaryOf(service: Record<string, unknown>): string {
  const deployments = (service.deployments ?? []) as { id: string; status: string }[];
  return deployments.find((d) => d.status === 'PRIMARY')?.id ?? deployments[0]?.id ?? '';
}

function create(request: ResourceRequest): ProgressEvent {
  if (request.context?.step === 'stabilise') return stabilise(request);
  const { Tags, ForceNewDeployment: _force, ...rest } = request.properties;
  const input = toApiInput(rest);
  input.serviceName =
    stringProp(request.properties, 'ServiceName') ?? generatedName(request.stackName, request.logicalId, 255);
  const tags = mergedTags(request.stackTags, cfnTags(Tags));
  if (tags.length > 0) input.tags = tags.map((t) => ({ key: t.Key, value: t.Value }));
  let service: Record<string, unknown>;
  try {
    service = callJson(request, ecsAction('CreateService'), input).service as Record<string, unknown>;
  } catch (e) {
    if (isAwsError(e)) return serviceFailure('Ecs', 'CreateService', e);
    throw e;
  }
  const arn = String(service.serviceArn);
  const context = { step: 'stabilise', serviceArn: arn, deploymentId: primaryOf(service) };
  return inProgress(
    CFN_TIMINGS.servicePollSeconds,
    context,
    arn,
    attributesOf(arn, String(service.serviceName)),
  );
}

/** The DeploymentConfiguration to send: the new one over ECS's defaults, so removed parts reset. */
function deploymentConfiguration(next: unknown, previous: unknown): Record<string, unknown> {
  const given = toApiInput({ C: next ?? {} }).c as Record<string, unknown>;
  const before = toApiInput({ C: previous ?? {} }).c as Record<string, unknown>;
  const out: Record<string, unknown> = { minimumHealthyPercent: 100, maximumPercent: 200, ...given };
  if (out.deploymentCircuitBreaker === undefined && before.deploymentCircuitBreaker !== undefined) {
    out.deploymentCircuitBreaker = { enable: false, rollback: false };
  }
  if (out.alarms === undefined && before.alarms !== undefined) {
    out.alarms = { alarmNames: [], enable: false, rollback: false };
  }
  return out;
}

/** The UpdateService input for what changed; undefined when only tags changed. */
function updateInput(request: ResourceRequest, arn: string): Record<string, unknown> | undefined {
  const before = request.previousProperties ?? {};
  const after = request.properties;
  const changed = changedProperties(before, after).filter((p) => !NOT_UPDATED.has(p));
  const input: Record<string, unknown> = {};
  for (const p of changed) {
    if (p === 'DeploymentConfiguration') {
      input.deploymentConfiguration = deploymentConfiguration(after[p], before[p]);
      continue;
    }
    const value = after[p] ?? (LISTS.has(p) ? [] : undefined);
    // A removed DesiredCount keeps the current count (CloudFormation leaves scaling to others).
    if (value === undefined) continue;
    Object.assign(input, toApiInput({ [p]: value }));
  }
  const force = after.ForceNewDeployment as Record<string, unknown> | undefined;
  const forceBefore = before.ForceNewDeployment as Record<string, unknown> | undefined;
  const enabled = force !== undefined && String(force.EnableForceNewDeployment) === 'true';
  if (enabled && changedProperties({ F: force }, { F: forceBefore }).length > 0)
    input.forceNewDeployment = true;
  if (Object.keys(input).length === 0) return undefined;
  return { ...input, cluster: clusterOfService(request, arn), service: arn };
}

function update(request: ResourceRequest): ProgressEvent {
  if (request.context?.step === 'stabilise') return stabilise(request);
  const arn = request.physicalId ?? '';
  const input = updateInput(request, arn);
  let deploymentId: string | undefined;
  if (input) {
    try {
      const service = callJson(request, ecsAction('UpdateService'), input).service as Record<string, unknown>;
      deploymentId = primaryOf(service);
    } catch (e) {
      if (isAwsError(e)) return serviceFailure('Ecs', 'UpdateService', e, arn);
      throw e;
    }
  }
  const tagFailure = syncEcsTags(
    request,
    arn,
    mergedTags(request.stackTags, cfnTags(request.properties.Tags)),
  );
  if (tagFailure) return tagFailure;
  if (deploymentId === undefined) return success(arn, attributesOf(arn, nameOf(arn)));
  const context = { step: 'stabilise', serviceArn: arn, deploymentId };
  return inProgress(CFN_TIMINGS.servicePollSeconds, context, arn, attributesOf(arn, nameOf(arn)));
}

/** The provider. */
export const serviceProvider: ResourceProvider = {
  type: TYPE,
  replaceOn: REPLACE_ON,
  attributes: ['ServiceArn', 'Name'],
  nameProperty: 'ServiceName',
  systemTags: false,
  iam: false,
  create,
  update,
  delete: removeService,
};
