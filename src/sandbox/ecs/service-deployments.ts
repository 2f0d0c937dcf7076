/**
 * Service revisions and service deployments: made for every CreateService, UpdateService that
 * redeploys and forced deployment (ROLLING included), and rendered in AWS's shapes.
 */
import { randomInt } from 'node:crypto';
import { tryParseImageReference } from '../../core/images/reference.js';
import { findImage } from '../ecr/store.js';
import type { SandboxRuntime } from '../runtime.js';
import { epochSeconds } from '../service.js';
import type { AccountState } from '../world.js';
import { clusterNameOf, containerDefs, findTaskDef } from './engine-context.js';
import type { EcsDeployment, EcsRegion, EcsService } from './model.js';
import {
  ONGOING_STATUSES,
  type DeploymentStrategy,
  type EcsServiceDeploymentRecord,
  type EcsServiceRevision,
} from './service-deployment-model.js';
import { clone, isObject } from './util.js';

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function deploymentId(): string {
  let s = '';
  for (let i = 0; i < 21; i++) s += ID_CHARS[randomInt(0, ID_CHARS.length)];
  return s;
}

function revisionId(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 19) digits += String(randomInt(0, 10));
  return digits;
}

function arnBase(service: EcsService, kind: string): string {
  const prefix = service.serviceArn.slice(0, service.serviceArn.indexOf(':service/') + 1);
  return `${prefix}${kind}/${clusterNameOf(service.clusterArn)}/${service.serviceName}/`;
}

/** The service's strategy (ROLLING unless deploymentConfiguration.strategy says otherwise). */
export function strategyOf(service: EcsService): DeploymentStrategy {
  const s = service.deploymentConfiguration.strategy;
  return s === 'BLUE_GREEN' || s === 'LINEAR' || s === 'CANARY' ? s : 'ROLLING';
}

/** Whether a service deployment is still going. */
export function isOngoing(r: EcsServiceDeploymentRecord): boolean {
  return ONGOING_STATUSES.includes(r.status);
}

/** The digest the sandbox registry holds for an image reference, when it is one of ours. */
function digestOf(runtime: SandboxRuntime, account: AccountState, region: string, image: string) {
  const ref = tryParseImageReference(image);
  if (!ref) return undefined;
  if (ref.digest) return ref.digest;
  const host = ref.registry?.toLowerCase();
  if (host === undefined) return undefined;
  const ecr = /^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host);
  const target = ecr
    ? runtime.world.accounts[ecr[1]!]?.regions[ecr[2]!]
    : host === runtime.registryHost.toLowerCase()
      ? account.regions[region]
      : undefined;
  const repo = target?.ecr.repositories[ref.repository];
  return repo ? findImage(repo, { imageTag: ref.tag ?? 'latest' })?.digest : undefined;
}

/** The ECS state of a region with the service-deployment maps created. */
export function deploymentMaps(ecs: EcsRegion): {
  revisions: Record<string, EcsServiceRevision>;
  deployments: Record<string, EcsServiceDeploymentRecord>;
} {
  ecs.serviceRevisions ??= {};
  ecs.serviceDeployments ??= {};
  return { revisions: ecs.serviceRevisions, deployments: ecs.serviceDeployments };
}

/** The service's current deployment record, if any. */
export function currentRecord(ecs: EcsRegion, service: EcsService): EcsServiceDeploymentRecord | undefined {
  const arn = service.currentServiceDeployment;
  return arn ? ecs.serviceDeployments?.[arn] : undefined;
}

/** What the rolling scheduler must hold for the service's current strategy deployment. */
export function schedulerHolds(
  ecs: EcsRegion,
  service: EcsService,
): { strategy: boolean; launch: boolean; old: boolean } {
  const r = currentRecord(ecs, service);
  if (!r || r.strategy === 'ROLLING' || !isOngoing(r)) return { strategy: false, launch: false, old: false };
  return { strategy: true, launch: r.holdLaunch === true, old: r.holdOld === true };
}

const REVISION_FIELDS = [
  'capacityProviderStrategy',
  'platformVersion',
  'platformFamily',
  'serviceRegistries',
  'networkConfiguration',
  'serviceConnectConfiguration',
  'volumeConfigurations',
  'vpcLatticeConfigurations',
];

/**
 * Records a new service deployment of `dep` (just started by the scheduler): a revision with the
 * images' digests, and a PENDING deployment whose sources are the service's other revisions.
 */
export function recordDeployment(
  runtime: SandboxRuntime,
  account: AccountState,
  region: string,
  ecs: EcsRegion,
  service: EcsService,
  dep: EcsDeployment,
  now: number,
): EcsServiceDeploymentRecord {
  const { revisions, deployments } = deploymentMaps(ecs);
  const td = findTaskDef(ecs, dep.taskDefinition);
  const body: Record<string, unknown> = {};
  if (service.launchType !== undefined) body.launchType = service.launchType;
  for (const f of REVISION_FIELDS) if (service.extra[f] !== undefined) body[f] = clone(service.extra[f]);
  body.loadBalancers = clone(service.loadBalancers);
  body.serviceRegistries ??= [];
  body.containerImages = (td ? containerDefs(td, service.launchType ?? 'EC2') : []).map((c) => {
    const digest = digestOf(runtime, account, region, c.image);
    return { containerName: c.name, image: c.image, ...(digest ? { imageDigest: digest } : {}) };
  });
  const strategy = strategyOf(service);
  const previous = service.deployments.find((d) => d !== dep && d.status !== 'INACTIVE');
  dep.targetGroupArns = targetGroupsFor(service, strategy, previous);
  if (strategy !== 'ROLLING' && service.loadBalancers.length > 0) {
    body.resolvedConfiguration = {
      loadBalancers: service.loadBalancers.map((lb, i) => ({
        targetGroupArn: dep.targetGroupArns?.[i] ?? lb.targetGroupArn,
        ...(isObject(lb.advancedConfiguration) &&
        typeof lb.advancedConfiguration.productionListenerRule === 'string'
          ? { productionListenerRule: lb.advancedConfiguration.productionListenerRule }
          : {}),
      })),
    };
  }
  const rev: EcsServiceRevision = {
    serviceRevisionArn: arnBase(service, 'service-revision') + revisionId(),
    serviceArn: service.serviceArn,
    clusterArn: service.clusterArn,
    taskDefinition: dep.taskDefinition,
    createdAt: now,
    ecsDeploymentId: dep.id,
    body,
  };
  revisions[rev.serviceRevisionArn] = rev;
  dep.serviceRevisionArn = rev.serviceRevisionArn;

  const prior = currentRecord(ecs, service);
  if (prior && isOngoing(prior)) {
    prior.status = 'STOPPED';
    prior.statusReason = 'Stopped because a newer service deployment started.';
    prior.stoppedAt = prior.finishedAt = prior.updatedAt = now;
    prior.holdLaunch = prior.holdOld = false;
  }
  const sources = service.deployments.filter((d) => d !== dep && d.status !== 'INACTIVE');
  const cfg = clone(service.deploymentConfiguration) as Record<string, unknown>;
  const cb = service.deploymentConfiguration.deploymentCircuitBreaker;
  const alarms = isObject(cfg.alarms) ? cfg.alarms : undefined;
  const rec: EcsServiceDeploymentRecord = {
    serviceDeploymentArn: arnBase(service, 'service-deployment') + deploymentId(),
    serviceArn: service.serviceArn,
    clusterArn: service.clusterArn,
    strategy,
    createdAt: now,
    updatedAt: now,
    status: 'PENDING',
    targetRevisionArn: rev.serviceRevisionArn,
    sourceRevisionArns: sources.flatMap((d) => (d.serviceRevisionArn ? [d.serviceRevisionArn] : [])),
    targetDeploymentId: dep.id,
    sourceDeploymentIds: sources.map((d) => d.id),
    deploymentConfiguration: cfg,
    testWeight: 0,
    prodWeight: 0,
    phase: 0,
    phaseEntered: false,
    phaseStartedAt: now,
    holdLaunch: strategy !== 'ROLLING',
    holdOld: strategy !== 'ROLLING',
    hooks: [],
    circuitBreaker: cb?.enable
      ? { status: 'MONITORING', failureCount: 0, threshold: 0 }
      : { status: 'DISABLED', failureCount: 0, threshold: 0 },
    alarms:
      alarms?.enable === true
        ? {
            status: 'MONITORING',
            alarmNames: Array.isArray(alarms.alarmNames) ? (alarms.alarmNames as string[]) : [],
            triggeredAlarmNames: [],
          }
        : { status: 'DISABLED', alarmNames: [], triggeredAlarmNames: [] },
  };
  deployments[rec.serviceDeploymentArn] = rec;
  service.currentServiceDeployment = rec.serviceDeploymentArn;
  (service.serviceDeploymentArns ??= []).unshift(rec.serviceDeploymentArn);
  return rec;
}

/** Blue/green alternates: a new revision uses the target groups the previous one did not. */
function targetGroupsFor(
  service: EcsService,
  strategy: DeploymentStrategy,
  previous: EcsDeployment | undefined,
): string[] {
  return service.loadBalancers.flatMap((lb, i) => {
    const primary = lb.targetGroupArn;
    if (!primary) return [];
    const alt = isObject(lb.advancedConfiguration)
      ? lb.advancedConfiguration.alternateTargetGroupArn
      : undefined;
    if (strategy === 'ROLLING' || typeof alt !== 'string' || !previous) return [primary];
    const before = previous.targetGroupArns?.[i] ?? primary;
    return [before === primary ? alt : primary];
  });
}

/** Counts of a revision's tasks, from its `ecs-svc/…` deployment (zeros once it is gone). */
function revisionSummary(
  ecs: EcsRegion,
  service: EcsService | undefined,
  arn: string,
): Record<string, unknown> {
  const rev = ecs.serviceRevisions?.[arn];
  const dep = rev && service?.deployments.find((d) => d.id === rev.ecsDeploymentId);
  return {
    arn,
    requestedTaskCount: dep?.desiredCount ?? 0,
    runningTaskCount: dep?.runningCount ?? 0,
    pendingTaskCount: dep?.pendingCount ?? 0,
  };
}

/** DescribeServices.currentServiceRevisions: the revisions that still have a deployment. */
export function currentRevisions(ecs: EcsRegion, service: EcsService): Record<string, unknown>[] {
  return service.deployments.flatMap((d) =>
    d.serviceRevisionArn ? [revisionSummary(ecs, service, d.serviceRevisionArn)] : [],
  );
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : epochSeconds(ms);
}

/** A ServiceDeploymentBrief. */
export function renderBrief(r: EcsServiceDeploymentRecord): Record<string, unknown> {
  return {
    serviceDeploymentArn: r.serviceDeploymentArn,
    serviceArn: r.serviceArn,
    clusterArn: r.clusterArn,
    startedAt: seconds(r.startedAt),
    createdAt: epochSeconds(r.createdAt),
    finishedAt: seconds(r.finishedAt),
    targetServiceRevisionArn: r.targetRevisionArn,
    status: r.status,
    statusReason: r.statusReason,
  };
}

/** A ServiceDeployment. */
export function renderServiceDeployment(
  ecs: EcsRegion,
  r: EcsServiceDeploymentRecord,
): Record<string, unknown> {
  const service = ecs.services[r.serviceArn];
  const weighted = r.strategy !== 'ROLLING';
  const withWeights = (s: Record<string, unknown>, target: boolean) =>
    weighted
      ? {
          ...s,
          requestedTestTrafficWeight: target ? r.testWeight : 100 - r.testWeight,
          requestedProductionTrafficWeight: target ? r.prodWeight : 100 - r.prodWeight,
        }
      : s;
  const out: Record<string, unknown> = {
    serviceDeploymentArn: r.serviceDeploymentArn,
    serviceArn: r.serviceArn,
    clusterArn: r.clusterArn,
    createdAt: epochSeconds(r.createdAt),
    startedAt: seconds(r.startedAt),
    finishedAt: seconds(r.finishedAt),
    stoppedAt: seconds(r.stoppedAt),
    updatedAt: epochSeconds(r.updatedAt),
    sourceServiceRevisions: r.sourceRevisionArns.map((a) =>
      withWeights(revisionSummary(ecs, service, a), false),
    ),
    targetServiceRevision: withWeights(revisionSummary(ecs, service, r.targetRevisionArn), true),
    status: r.status,
    statusReason: r.statusReason,
    lifecycleStage: r.lifecycleStage,
    deploymentConfiguration: clone(r.deploymentConfiguration),
  };
  if (r.hooks.length > 0) {
    out.lifecycleHookDetails = r.hooks.map((h) => ({
      hookId: h.hookId,
      targetType: h.targetType,
      ...(h.targetArn ? { targetArn: h.targetArn } : {}),
      status: h.status,
      expiresAt: epochSeconds(h.expiresAt),
      timeoutAction: h.timeoutAction,
    }));
  }
  if (r.rollback) {
    out.rollback = {
      reason: r.rollback.reason,
      startedAt: epochSeconds(r.rollback.startedAt),
      serviceRevisionArn: r.rollback.serviceRevisionArn,
    };
  }
  if (r.circuitBreaker) out.deploymentCircuitBreaker = clone(r.circuitBreaker);
  if (r.alarms) out.alarms = clone(r.alarms);
  return out;
}

/** A ServiceRevision. */
export function renderRevision(rev: EcsServiceRevision): Record<string, unknown> {
  return {
    serviceRevisionArn: rev.serviceRevisionArn,
    serviceArn: rev.serviceArn,
    clusterArn: rev.clusterArn,
    taskDefinition: rev.taskDefinition,
    ...clone(rev.body),
    createdAt: epochSeconds(rev.createdAt),
  };
}
