/**
 * What an "ecs-run-task" step runs: the task definition (a given revision, or the revision an
 * "Update Amazon ECS Service" step will register for this release, built by the same pure
 * function that step uses), the launch type and network (copied from a service, then the step's
 * own), and the container overrides. Reads AWS; changes nothing.
 */
import {
  type ContainerOverride,
  type ECSClient,
  type NetworkConfiguration,
  type RunTaskCommandInput,
} from '@aws-sdk/client-ecs';
import { SlipwayError } from '../../core/errors.js';
import type { EcsRunTaskAction } from '../../core/model/kinds/ecs-run-task.js';
import type { TaskDefinitionJson } from '../../core/taskdef/index.js';
import { describeDefinition } from '../../deploy/plan.js';
import { describeService } from '../../deploy/snapshot.js';
import { containersOf } from '../../deploy/task-logs.js';
import type { OtherStep } from '../executor.js';
import type { EcsUpdateServiceAction } from './ecs-update-service.js';
import { editContainers } from './ecs-task-definition.js';

/** Looks up a step of the same deployment by name (StepContext.stepOf). */
export type StepLookup = (name: string) => Promise<OtherStep | undefined>;

/** The definition to run: an existing revision (`arn`), or content to register first. */
export type PlannedDefinition =
  | { kind: 'existing'; arn: string; definition: TaskDefinitionJson }
  | { kind: 'build'; definition: TaskDefinitionJson; service: string; step: string };

/** A service name from a name or a service ARN. */
export function serviceName(service: string): string {
  return service.startsWith('arn:') ? (service.split('/').pop() ?? service) : service;
}

/**
 * The definition of `taskDefinition` (described), or the one the `fromStep` step will register:
 * its template (or its service's current revision) with its containers' settings applied.
 */
export async function planDefinition(
  ecs: ECSClient,
  cluster: string,
  action: EcsRunTaskAction,
  lookup: StepLookup | undefined,
): Promise<PlannedDefinition> {
  if (action.taskDefinition !== undefined) {
    const d = await describeDefinition(ecs, action.taskDefinition, false);
    if (!d.active)
      throw new SlipwayError(
        'INVALID_INPUT',
        `Task definition ${d.arn} is INACTIVE (deregistered): ECS runs no new task of it. Name an ACTIVE revision, or only the family for its newest one.`,
      );
    return { kind: 'existing', arn: d.arn, definition: d.clean };
  }
  const name = action.fromStep ?? '';
  if (!lookup)
    throw new SlipwayError(
      'INVALID_INPUT',
      `fromStep "${name}" needs the engine to look up other steps of the deployment, and this engine does not. Use taskDefinition instead.`,
    );
  const other = await lookup(name);
  if (!other)
    throw new SlipwayError(
      'INVALID_INPUT',
      `fromStep names step "${name}", which is not in this release's process. Fix the name (steps are matched ignoring case).`,
    );
  if (other.action.type !== 'ecs-update-service')
    throw new SlipwayError(
      'INVALID_INPUT',
      `fromStep names step "${name}", a "${other.action.type}" step; it must be an "ecs-update-service" step (whose revision the task runs).`,
    );
  const update = other.action as unknown as EcsUpdateServiceAction;
  const service = serviceName(update.service);
  const baseRef =
    update.templateTaskDefinition ?? (await describeService(ecs, cluster, service)).taskDefinition;
  if (!baseRef)
    throw new SlipwayError('NOT_FOUND', `Service ${service} in cluster ${cluster} has no task definition.`);
  const base = await describeDefinition(ecs, baseRef, false);
  // The same pure edit the Update step makes, with that step's package images.
  const definition = editContainers(
    base.clean,
    update.containers,
    (ref) => other.values[`Octopus.Action.Package[${ref}].Image`],
  );
  return { kind: 'build', definition, service, step: name };
}

/** RunTask's launch type, capacity providers, platform version and network: from `networkFrom`, then the step's. */
export async function planPlacement(
  ecs: ECSClient,
  cluster: string,
  action: EcsRunTaskAction,
  networkFrom: string | undefined,
): Promise<Partial<RunTaskCommandInput>> {
  const out: Partial<RunTaskCommandInput> = {};
  if (networkFrom !== undefined) {
    const s = await describeService(ecs, cluster, serviceName(networkFrom));
    if (s.capacityProviderStrategy?.length) out.capacityProviderStrategy = s.capacityProviderStrategy;
    else if (s.launchType) out.launchType = s.launchType;
    if (s.platformVersion) out.platformVersion = s.platformVersion;
    if (s.networkConfiguration) out.networkConfiguration = s.networkConfiguration;
  }
  if (action.launchType !== undefined) {
    delete out.capacityProviderStrategy;
    out.launchType = action.launchType;
  }
  if (action.platformVersion !== undefined) out.platformVersion = action.platformVersion;
  if (action.network !== undefined) {
    const n = action.network;
    const network: NetworkConfiguration = {
      awsvpcConfiguration: {
        subnets: n.subnets,
        ...(n.securityGroups.length ? { securityGroups: n.securityGroups } : {}),
        assignPublicIp: n.assignPublicIp ? 'ENABLED' : 'DISABLED',
      },
    };
    out.networkConfiguration = network;
  }
  return out;
}

/**
 * The container overrides (command, environment) of the step's containers; INVALID_INPUT naming a
 * container the definition lacks.
 */
export function containerOverrides(
  definition: TaskDefinitionJson,
  action: EcsRunTaskAction,
): ContainerOverride[] {
  const names = containersOf(definition).map((c) => String(c['name'] ?? ''));
  const out: ContainerOverride[] = [];
  for (const c of action.containers) {
    if (!names.includes(c.name))
      throw new SlipwayError(
        'INVALID_INPUT',
        `The task definition has no container "${c.name}" (it has ${names.map((n) => `"${n}"`).join(', ')}). Fix the container name in the step.`,
        { data: { container: c.name, containers: names } },
      );
    if (c.command === undefined && c.environment.length === 0) continue;
    out.push({
      name: c.name,
      ...(c.command !== undefined ? { command: c.command } : {}),
      ...(c.environment.length ? { environment: c.environment } : {}),
    });
  }
  return out;
}

/** The names of the essential containers (a container is essential unless it says otherwise). */
export function essentialContainers(td: TaskDefinitionJson): string[] | undefined {
  const cs = containersOf(td);
  if (cs.length === 0) return undefined;
  return cs.filter((c) => c['essential'] !== false).map((c) => String(c['name'] ?? ''));
}
