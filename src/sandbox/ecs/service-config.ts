/**
 * Validation of the configuration CreateService, UpdateService and RunTask share: launch type,
 * network configuration, deployment configuration and load balancers, with ECS's messages.
 */
import { invalidParameter, optionalInt } from '../errors.js';
import type { JsonInput } from '../service.js';
import type { EcsCluster, EcsService, EcsTaskDefinition } from './model.js';
import { compatibilitiesOf } from './taskdef-rules.js';
import { clone, isObject, optionalList, optionalObject } from './util.js';

const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'];

/**
 * The launch type of a request: the one given, none when a capacity provider strategy is used,
 * else EC2 (or none when the cluster has a default capacity provider strategy).
 */
export function resolveLaunchType(input: JsonInput, cluster: EcsCluster): string | undefined {
  const launchType = input.launchType;
  const strategy = optionalList(input, 'capacityProviderStrategy');
  if (launchType !== undefined && launchType !== null) {
    if (typeof launchType !== 'string' || !LAUNCH_TYPES.includes(launchType)) {
      throw invalidParameter(`launchType must be one of: ${LAUNCH_TYPES.join(', ')}.`);
    }
    if (strategy && strategy.length > 0) {
      throw invalidParameter(
        'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
      );
    }
    return launchType;
  }
  if (strategy && strategy.length > 0) return undefined;
  const def = cluster.extra.defaultCapacityProviderStrategy;
  return Array.isArray(def) && def.length > 0 ? undefined : 'EC2';
}

/** The launch type the task definition must support for `launchType`; throws when it does not. */
export function checkCompatibility(td: EcsTaskDefinition, launchType: string | undefined): void {
  if (launchType === 'FARGATE' && !compatibilitiesOf(td.body).includes('FARGATE')) {
    throw invalidParameter('Task definition does not support launch_type FARGATE.');
  }
}

/** Validates `networkConfiguration` against the task definition's network mode; returns a copy or undefined. */
export function checkNetworkConfiguration(
  input: JsonInput,
  td: EcsTaskDefinition,
  launchType: string | undefined,
  current?: unknown,
): unknown {
  const given = optionalObject(input, 'networkConfiguration');
  const config = given ?? (isObject(current) ? current : undefined);
  const awsvpc = td.body.networkMode === 'awsvpc';
  if (!awsvpc) {
    if (given) {
      throw invalidParameter(
        'Network Configuration is not valid for the given networkMode of this task definition.',
      );
    }
    return undefined;
  }
  if (!config)
    throw invalidParameter(`Network Configuration must be provided when networkMode 'awsvpc' is specified.`);
  const vpc = config.awsvpcConfiguration;
  if (!isObject(vpc)) throw invalidParameter('awsvpcConfiguration must be provided.');
  const subnets = vpc.subnets;
  if (!Array.isArray(subnets) || subnets.length === 0) throw invalidParameter('subnets can not be empty.');
  if (subnets.length > 16) throw invalidParameter('subnets can have at most 16 items.');
  if (subnets.some((s) => typeof s !== 'string' || !/^subnet-[0-9a-f]+$/.test(s))) {
    throw invalidParameter('Error retrieving subnet information for the given subnets: invalid subnet id.');
  }
  const groups = vpc.securityGroups ?? [];
  if (!Array.isArray(groups) || groups.length > 5)
    throw invalidParameter('securityGroups can have at most 5 items.');
  if (groups.some((s) => typeof s !== 'string' || !/^sg-[0-9a-f]+$/.test(s))) {
    throw invalidParameter(
      'Error retrieving security group information for the given security groups: invalid id.',
    );
  }
  const ip = vpc.assignPublicIp;
  if (ip !== undefined && ip !== 'ENABLED' && ip !== 'DISABLED') {
    throw invalidParameter('assignPublicIp must be ENABLED or DISABLED.');
  }
  if (ip === 'ENABLED' && launchType !== 'FARGATE') {
    throw invalidParameter('Assign public IP is not supported for this launch type.');
  }
  return clone(config);
}

type DeploymentConfiguration = EcsService['deploymentConfiguration'];

/** Merges a `deploymentConfiguration` input over `base` (ECS defaults 100/200) and validates it. */
export function mergeDeploymentConfiguration(
  input: JsonInput,
  base: DeploymentConfiguration = { minimumHealthyPercent: 100, maximumPercent: 200 },
): DeploymentConfiguration {
  const given = optionalObject(input, 'deploymentConfiguration');
  if (!given) return base;
  const merged: DeploymentConfiguration = { ...clone(base) };
  for (const [k, v] of Object.entries(given)) if (v !== undefined && v !== null) merged[k] = clone(v);
  const min = optionalInt(merged, 'minimumHealthyPercent') ?? 100;
  const max = optionalInt(merged, 'maximumPercent') ?? 200;
  if (min < 0 || min > 100) throw invalidParameter('minimumHealthyPercent must be between 0 and 100.');
  if (max < 100) throw invalidParameter('maximumPercent must be greater than or equal to 100.');
  merged.minimumHealthyPercent = min;
  merged.maximumPercent = max;
  const cb = merged.deploymentCircuitBreaker;
  if (cb !== undefined) {
    if (!isObject(cb) || typeof cb.enable !== 'boolean' || typeof cb.rollback !== 'boolean') {
      throw invalidParameter('deploymentCircuitBreaker requires both enable and rollback to be set.');
    }
    merged.deploymentCircuitBreaker = { ...cb, enable: cb.enable, rollback: cb.rollback };
  }
  return merged;
}

type LoadBalancer = EcsService['loadBalancers'][number];

/** Validates `loadBalancers` against the task definition's containers and port mappings. */
export function checkLoadBalancers(input: JsonInput, td: EcsTaskDefinition): LoadBalancer[] | undefined {
  const list = optionalList(input, 'loadBalancers');
  if (!list) return undefined;
  const containers = Array.isArray(td.body.containerDefinitions)
    ? td.body.containerDefinitions.filter(isObject)
    : [];
  return list.map((lb) => {
    if (!isObject(lb)) throw invalidParameter('loadBalancers must be a list of objects.');
    const { containerName, containerPort, targetGroupArn, loadBalancerName } = lb;
    if (typeof containerName !== 'string' || typeof containerPort !== 'number') {
      throw invalidParameter('Load balancer containerName and containerPort must be specified.');
    }
    if (targetGroupArn === undefined && loadBalancerName === undefined) {
      throw invalidParameter(
        'Either targetGroupArn or loadBalancerName must be specified for a load balancer.',
      );
    }
    const container = containers.find((c) => c.name === containerName);
    if (!container) {
      throw invalidParameter(`The container ${containerName} does not exist in the task definition.`);
    }
    const ports = Array.isArray(container.portMappings) ? container.portMappings.filter(isObject) : [];
    if (!ports.some((p) => p.containerPort === containerPort)) {
      throw invalidParameter(
        `The container ${containerName} did not have a container port ${containerPort} defined.`,
      );
    }
    return clone(lb) as LoadBalancer;
  });
}

/** Validates healthCheckGracePeriodSeconds, which ECS accepts only with load balancers. */
export function checkGracePeriod(input: JsonInput, loadBalancers: LoadBalancer[]): number | undefined {
  const grace = optionalInt(input, 'healthCheckGracePeriodSeconds');
  if (grace === undefined) return undefined;
  if (grace < 0 || grace > 2147483647)
    throw invalidParameter('healthCheckGracePeriodSeconds must be between 0 and 2147483647.');
  if (loadBalancers.length === 0) {
    throw invalidParameter(
      'Health check grace period is only valid for services configured to use load balancers',
    );
  }
  return grace;
}
