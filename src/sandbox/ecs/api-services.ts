/** ECS service actions: CreateService, UpdateService, DescribeServices, ListServices, DeleteService. */
import {
  AwsError,
  invalidParameter,
  optionalBool,
  optionalInt,
  optionalString,
  requireString,
} from '../errors.js';
import type { CallContext, JsonHandler, JsonInput } from '../service.js';
import { findService, resolveCluster, serviceArnOf, serviceNotFound, serviceRefToArn } from './arns.js';
import { requireActiveTaskDefinition } from './api-taskdefs.js';
import type { EcsService } from './model.js';
import { paginate } from './pagination.js';
import {
  checkCompatibility,
  checkGracePeriod,
  checkLoadBalancers,
  checkNetworkConfiguration,
  mergeDeploymentConfiguration,
  resolveLaunchType,
} from './service-config.js';
import { controllerOf, checkControllerUpdate, checkStrategy } from './deployment-validation.js';
import { recordDeployment } from './service-deployments.js';
import { renderService } from './service-render.js';
import { canonicalJson, clone, parseInclude, parseTags, requireRefs, type Failure } from './util.js';

/** Request fields handled explicitly; the rest of the request is kept in `extra`. */
const HANDLED = new Set([
  'cluster',
  'service',
  'serviceName',
  'taskDefinition',
  'desiredCount',
  'clientToken',
  'launchType',
  'deploymentConfiguration',
  'loadBalancers',
  'healthCheckGracePeriodSeconds',
  'tags',
  'role',
  'forceNewDeployment',
  'networkConfiguration',
]);

/** UpdateService fields whose change makes ECS start a new deployment. */
const REDEPLOY_FIELDS = [
  'capacityProviderStrategy',
  'platformVersion',
  'serviceRegistries',
  'serviceConnectConfiguration',
  'volumeConfigurations',
  'vpcLatticeConfigurations',
];

function copyExtra(input: JsonInput, extra: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(input)) {
    if (!HANDLED.has(k) && v !== undefined && v !== null) extra[k] = clone(v);
  }
}

/**
 * Starts a PRIMARY deployment of the service's task definition, carrying its launch settings, and
 * records it as a service deployment with its service revision (ECS deployment controller only).
 */
function deploy(ctx: CallContext, svc: EcsService): void {
  const d = ctx.sandbox.ecs.startDeployment(ctx.regionState, svc, svc.taskDefinition, ctx.now);
  if (controllerOf(svc) === 'ECS') {
    recordDeployment(ctx.sandbox, ctx.account, ctx.region, ctx.regionState.ecs, svc, d, ctx.now);
  }
  // The engine copies these too; filling them here keeps Describe right whatever it does.
  if (d.launchType === undefined && svc.launchType !== undefined) d.launchType = svc.launchType;
  if (d.networkConfiguration === undefined && svc.extra.networkConfiguration !== undefined) {
    d.networkConfiguration = clone(svc.extra.networkConfiguration);
  }
  if (d.platformVersion === undefined && typeof svc.extra.platformVersion === 'string') {
    d.platformVersion = svc.extra.platformVersion;
  }
  if (d.capacityProviderStrategy === undefined && Array.isArray(svc.extra.capacityProviderStrategy)) {
    d.capacityProviderStrategy = clone(svc.extra.capacityProviderStrategy);
  }
}

/**
 * The most tasks one service may want: ECS's "Tasks per service" quota (5,000). The sandbox runs
 * every task it is asked for, so it refuses more at the API rather than accept a count it cannot keep.
 */
export const MAX_TASKS_PER_SERVICE = 5000;

function checkDesiredCount(input: JsonInput): number | undefined {
  const n = optionalInt(input, 'desiredCount');
  if (n !== undefined && n < 0) throw invalidParameter('Desired count must be greater than or equal to 0.');
  if (n !== undefined && n > MAX_TASKS_PER_SERVICE) {
    throw invalidParameter(
      `Desired count must be less than or equal to ${MAX_TASKS_PER_SERVICE}, the Tasks per service quota.`,
    );
  }
  return n;
}

const createService: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  const serviceName = requireString(input, 'serviceName');
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(serviceName)) {
    throw invalidParameter(
      'Service name should be up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.',
    );
  }
  const ecs = ctx.regionState.ecs;
  const clientToken = optionalString(input, 'clientToken');
  const request = canonicalJson({ ...input, cluster: cluster.clusterArn });
  if (clientToken !== undefined) {
    const prior = ecs.services[ecs.clientTokens[clientToken] ?? ''];
    if (prior) {
      if (prior.clientRequest === request) return { service: renderService(prior, true, ecs) };
      throw invalidParameter('The client token has already been used with a different request.');
    }
  }
  const arn = serviceArnOf(ctx, cluster.clusterName, serviceName);
  const existing = ecs.services[arn];
  if (existing?.status === 'ACTIVE') throw invalidParameter('Creation of service was not idempotent.');
  if (existing?.status === 'DRAINING')
    throw invalidParameter('Unable to Start a service that is still Draining.');

  if (input.taskDefinition === undefined) throw invalidParameter('TaskDefinition can not be blank.');
  const td = requireActiveTaskDefinition(ctx, requireString(input, 'taskDefinition'));
  const desiredCount = checkDesiredCount(input) ?? 1;
  const strategy = optionalString(input, 'schedulingStrategy') ?? 'REPLICA';
  if (strategy !== 'REPLICA' && strategy !== 'DAEMON')
    throw invalidParameter('schedulingStrategy must be REPLICA or DAEMON.');
  const launchType = resolveLaunchType(input, cluster);
  if (strategy === 'DAEMON' && launchType === 'FARGATE') {
    throw invalidParameter('The daemon scheduling strategy is not supported with the FARGATE launch type.');
  }
  checkCompatibility(td, launchType);
  const networkConfiguration = checkNetworkConfiguration(input, td, launchType);
  const deploymentConfiguration = mergeDeploymentConfiguration(input);
  const loadBalancers = checkLoadBalancers(input, td) ?? [];
  checkStrategy(ctx, deploymentConfiguration, input.deploymentController, loadBalancers);
  const grace = checkGracePeriod(input, loadBalancers);
  const tags = parseTags(input);
  const role = optionalString(input, 'role');

  const extra: Record<string, unknown> = {};
  copyExtra(input, extra);
  if (networkConfiguration !== undefined) extra.networkConfiguration = networkConfiguration;
  if (role !== undefined) {
    extra.roleArn = role.startsWith('arn:') ? role : `arn:aws:iam::${ctx.account.id}:role/${role}`;
  }
  if (launchType === 'FARGATE' && extra.platformVersion === undefined) extra.platformVersion = 'LATEST';
  if (launchType === 'FARGATE' && extra.platformFamily === undefined) extra.platformFamily = 'Linux';

  const svc: EcsService = {
    serviceName,
    serviceArn: arn,
    clusterArn: cluster.clusterArn,
    status: 'ACTIVE',
    desiredCount,
    taskDefinition: td.taskDefinitionArn,
    launchType,
    createdAt: ctx.now,
    createdBy: ctx.callerArn,
    deploymentConfiguration,
    deployments: [],
    events: [],
    loadBalancers,
    healthCheckGracePeriodSeconds: grace,
    tags,
    extra,
  };
  if (clientToken !== undefined) {
    svc.clientToken = clientToken;
    svc.clientRequest = request;
    ecs.clientTokens[clientToken] = arn;
  }
  ecs.services[arn] = svc;
  deploy(ctx, svc);
  ctx.sandbox.ecs.serviceChanged(ctx.account, ctx.region, svc);
  ctx.sandbox.changed();
  return { service: renderService(svc, tags.length > 0, ecs) };
};

const updateService: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  const svc = findService(ctx, cluster, input.service);
  if (svc.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');

  checkControllerUpdate(svc, input);
  const tdRef = optionalString(input, 'taskDefinition');
  const td = requireActiveTaskDefinition(ctx, tdRef ?? svc.taskDefinition);
  const desiredCount = checkDesiredCount(input);
  const force = optionalBool(input, 'forceNewDeployment') ?? false;
  const launchType = svc.launchType;
  checkCompatibility(td, launchType);
  const networkConfiguration = checkNetworkConfiguration(
    input,
    td,
    launchType,
    svc.extra.networkConfiguration,
  );
  const deploymentConfiguration = mergeDeploymentConfiguration(input, svc.deploymentConfiguration);
  const loadBalancers = checkLoadBalancers(input, td) ?? svc.loadBalancers;
  const controller = input.deploymentController ?? svc.extra.deploymentController;
  checkStrategy(ctx, deploymentConfiguration, controller, loadBalancers);
  const grace = optionalInt(input, 'healthCheckGracePeriodSeconds');
  if (grace !== undefined) checkGracePeriod(input, loadBalancers);

  // Everything validated: apply.
  let redeploy = force || (tdRef !== undefined && td.taskDefinitionArn !== svc.taskDefinition);
  if (canonicalJson(networkConfiguration) !== canonicalJson(svc.extra.networkConfiguration)) redeploy = true;
  if (
    input.loadBalancers !== undefined &&
    canonicalJson(loadBalancers) !== canonicalJson(svc.loadBalancers)
  ) {
    redeploy = true;
  }
  for (const f of REDEPLOY_FIELDS) {
    if (input[f] !== undefined && canonicalJson(input[f]) !== canonicalJson(svc.extra[f])) redeploy = true;
  }
  copyExtra(input, svc.extra);
  if (networkConfiguration === undefined) delete svc.extra.networkConfiguration;
  else svc.extra.networkConfiguration = networkConfiguration;
  svc.taskDefinition = td.taskDefinitionArn;
  if (desiredCount !== undefined) svc.desiredCount = desiredCount;
  svc.deploymentConfiguration = deploymentConfiguration;
  svc.loadBalancers = loadBalancers;
  if (grace !== undefined) svc.healthCheckGracePeriodSeconds = grace;
  if (redeploy) deploy(ctx, svc);
  ctx.sandbox.ecs.serviceChanged(ctx.account, ctx.region, svc);
  ctx.sandbox.changed();
  return { service: renderService(svc, false, ctx.regionState.ecs) };
};

const describeServices: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  const refs = requireRefs(input, 'services', 10);
  const include = parseInclude(input, ['TAGS']);
  const services: Record<string, unknown>[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    let arn: string;
    try {
      arn = serviceRefToArn(ctx, cluster, ref);
    } catch (e) {
      if (e instanceof AwsError && e.code === 'ServiceNotFoundException') {
        failures.push({ arn: ref, reason: 'MISSING' });
        continue;
      }
      throw e;
    }
    const svc = ctx.regionState.ecs.services[arn];
    if (svc && svc.clusterArn === cluster.clusterArn)
      services.push(renderService(svc, include.has('TAGS'), ctx.regionState.ecs));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { services, failures };
};

const listServices: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  const launchType = optionalString(input, 'launchType');
  const strategy = optionalString(input, 'schedulingStrategy');
  const arns: string[] = [];
  for (const svc of Object.values(ctx.regionState.ecs.services)) {
    if (svc.clusterArn !== cluster.clusterArn || svc.status === 'INACTIVE') continue;
    if (launchType !== undefined && svc.launchType !== launchType) continue;
    if (strategy !== undefined && (svc.extra.schedulingStrategy ?? 'REPLICA') !== strategy) continue;
    arns.push(svc.serviceArn);
  }
  arns.sort();
  const page = paginate(arns, (a) => a, input, { defaultMax: 10, max: 100 });
  return { serviceArns: page.items, nextToken: page.nextToken };
};

const deleteService: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  const svc = findService(ctx, cluster, input.service);
  if (svc.status === 'INACTIVE') throw serviceNotFound();
  const force = optionalBool(input, 'force') ?? false;
  if (svc.status === 'ACTIVE') {
    if (svc.desiredCount > 0 && !force) {
      throw invalidParameter('The service cannot be stopped while it is scaled above 0.');
    }
    svc.desiredCount = 0;
    svc.status = 'DRAINING';
    ctx.sandbox.ecs.serviceChanged(ctx.account, ctx.region, svc);
    ctx.sandbox.changed();
  }
  return { service: renderService(svc, false, ctx.regionState.ecs) };
};

export const serviceActions: Record<string, JsonHandler> = {
  CreateService: createService,
  UpdateService: updateService,
  DescribeServices: describeServices,
  ListServices: listServices,
  DeleteService: deleteService,
};
