/**
 * Planning: read each service and its task definition, build the new revision, and decide what
 * to do (register and update, update only, attach to a rollout in flight, or nothing).
 */
import {
  DescribeTaskDefinitionCommand,
  type ECSClient,
  type Service,
  type ServiceDeployment,
  type Tag,
} from '@aws-sdk/client-ecs';
import { isSlipwayError, SlipwayError } from '../core/errors.js';
import {
  controllerRefusal,
  earlySuccessRefusal,
  strategyOf,
  strategySwitchWarning,
  type Strategy,
} from '../core/rollout/strategy.js';
import { parseTaskDefinitionRef, shortTaskDefinition } from '../core/rollout/types.js';
import type { ServiceSnapshot } from '../core/rollout/types.js';
import {
  cleanForRegister,
  diffTaskDefinitions,
  sameContent,
  type TaskDefinitionChange,
  type TaskDefinitionEdits,
  type TaskDefinitionJson,
} from '../core/taskdef/index.js';
import type { EcsDeployRequest } from './request.js';
import type { BaseRevision, ServiceDeployInput } from './service-input.js';
import { describeServiceDeployments, ONGOING_STATUSES } from './service-deployments.js';
import { describeServices, notFound, toServiceSnapshot } from './snapshot.js';
import { earlySuccessCriteria } from './update-service.js';

/** What the engine will do for one service. */
export type PlanAction =
  /** Register the new revision, then UpdateService to it. */
  | 'register-and-update'
  /**
   * UpdateService without registering: keeping the current revision (force new deployment, or a
   * count/percent change), or to the revision an earlier attempt registered (`registeredRevision`).
   */
  | 'update'
  /** A rollout of this exact content is already in flight: watch it. */
  | 'attach'
  | 'no-change';

export interface ServicePlan {
  service: string;
  cluster: string;
  /** The service before we touch it. */
  before: Service;
  snapshot: ServiceSnapshot;
  /** The revision the service targets now. */
  currentTaskDefinitionArn: string;
  family: string;
  action: PlanAction;
  /** The definition to register (cleaned and edited). */
  taskDefinition: TaskDefinitionJson;
  /** From the current revision to the new one. */
  changes: TaskDefinitionChange[];
  /** The family's tags, with --copy-task-definition-tags. */
  tags?: Tag[];
  forceNewDeployment: boolean;
  /** Set for 'attach'. */
  attachDeploymentId?: string;
  /** The last successfully deployed revision (rollback target), if known. */
  rollbackTarget?: string;
  /** The revision to deploy: known after registration (or the current one for update/attach/no-change). */
  taskDefinitionArn?: string;
  /** The service's deployment strategy: ROLLING is judged by its `ecs-svc/…` deployment, the others by their service deployment ARN. */
  strategy: Strategy;
  /** The service's current service deployment (strategy services), as described before acting. */
  currentServiceDeployment?: ServiceDeployment;
  /** A warning when the strategy differs from the one of the service's previous deployment. */
  strategySwitch?: string;
}

/** A described task definition, cleaned for registering, with its ARN and tags. */
export interface DescribedDefinition {
  arn: string;
  /** false for an INACTIVE (deregistered) revision, which no service may be updated to. */
  active: boolean;
  clean: TaskDefinitionJson;
  tags: Tag[];
}

/** DescribeTaskDefinition (ARN, family:revision or family = newest ACTIVE). */
export async function describeDefinition(
  ecs: ECSClient,
  ref: string,
  withTags: boolean,
): Promise<DescribedDefinition> {
  let res;
  try {
    res = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: ref, ...(withTags ? { include: ['TAGS'] } : {}) }),
    );
  } catch (e) {
    if (e instanceof Error && /ClientException|not ?found|Unable to describe/i.test(`${e.name} ${e.message}`))
      throw new SlipwayError('NOT_FOUND', `Task definition ${ref} was not found: ${e.message}`, {
        cause: e,
        data: { family: parseTaskDefinitionRef(ref).family },
      });
    throw e;
  }
  const td = res.taskDefinition;
  if (!td?.taskDefinitionArn) throw new SlipwayError('NOT_FOUND', `Task definition ${ref} was not found.`);
  return {
    arn: td.taskDefinitionArn,
    active: td.status === undefined || td.status === 'ACTIVE',
    clean: cleanForRegister(td as unknown as TaskDefinitionJson),
    tags: res.tags ?? [],
  };
}

/** The edits of a request (`-i` folded into `edits.image`). */
export function editsOf(request: EcsDeployRequest): TaskDefinitionEdits {
  return { ...request.edits, ...(request.image ? { image: request.image } : {}) };
}

/** The revision of the service's last COMPLETED deployment (the rollback target). */
export function lastCompleted(s: ServiceSnapshot): string | undefined {
  const done = s.deployments.find((d) => d.rolloutState === 'COMPLETED' && d.status !== 'INACTIVE');
  if (done) return done.taskDefinitionArn;
  // Without rollout states (older APIs), a lone PRIMARY at its desired count has completed.
  const [only] = s.deployments;
  if (s.deployments.length === 1 && only && only.rolloutState === undefined && only.running === only.desired)
    return only.taskDefinitionArn;
  return undefined;
}

function configChanged(request: ServiceDeployInput, s: Service): boolean {
  const dc = s.deploymentConfiguration;
  return (
    (request.desiredCount !== undefined && request.desiredCount !== s.desiredCount) ||
    (request.minimumHealthyPercent !== undefined &&
      request.minimumHealthyPercent !== dc?.minimumHealthyPercent) ||
    (request.maximumPercent !== undefined && request.maximumPercent !== dc?.maximumPercent) ||
    (request.earlySuccess !== undefined &&
      JSON.stringify(earlySuccessCriteria(request.earlySuccess)) !==
        JSON.stringify(dc?.earlySuccessCriteria ?? { enable: false }))
  );
}

/** Plans every service of the input: one DescribeServices per 10 services, each task definition described once. */
export async function planServices(ecs: ECSClient, input: ServiceDeployInput): Promise<ServicePlan[]> {
  const { cluster } = input;
  const names = [...new Set(input.services)];
  const described = await describeServices(ecs, cluster, names);
  const plans: ServicePlan[] = [];
  // Definitions are shared by services of one family: describe each once.
  const cache = new Map<string, Promise<DescribedDefinition>>();
  const describe = (ref: string) => {
    let p = cache.get(ref);
    if (!p) {
      p = describeDefinition(ecs, ref, input.copyTaskDefinitionTags === true);
      cache.set(ref, p);
    }
    return p;
  };
  // The controller first: a service we cannot drive is refused before anything is read or changed.
  for (const name of names) {
    const svc = described.get(name);
    if (!svc) throw notFound(cluster, name);
    const refusal = controllerRefusal(name, svc.deploymentController?.type);
    if (refusal)
      throw new SlipwayError('INVALID_INPUT', refusal, {
        data: { cluster, service: name, deploymentController: svc.deploymentController?.type },
      });
    const early = input.earlySuccess
      ? earlySuccessRefusal(
          name,
          input.earlySuccess,
          strategyOf(svc.deploymentConfiguration?.strategy),
          input.minimumHealthyPercent ?? svc.deploymentConfiguration?.minimumHealthyPercent,
        )
      : undefined;
    if (early)
      throw new SlipwayError('INVALID_INPUT', early, {
        data: { cluster, service: name, earlySuccess: input.earlySuccess },
      });
  }
  // Strategy services: their current service deployments, 20 per call (attach, strategy switch).
  const currentArns = names
    .map((n) => described.get(n))
    .filter((s) => s && strategyOf(s.deploymentConfiguration?.strategy) !== 'ROLLING')
    .map((s) => s?.currentServiceDeployment)
    .filter((a): a is string => !!a);
  const current = currentArns.length > 0 ? await describeServiceDeployments(ecs, currentArns) : new Map();
  for (const name of names) {
    const svc = described.get(name)!;
    const sd = svc.currentServiceDeployment ? current.get(svc.currentServiceDeployment) : undefined;
    plans.push(await planOne(input, name, svc, describe, sd));
  }
  return plans;
}

/** The base definition (cleaned) and its tags. */
async function baseOf(
  base: BaseRevision,
  current: DescribedDefinition,
  serviceFamily: string,
  describe: (ref: string) => Promise<DescribedDefinition>,
): Promise<{ definition: TaskDefinitionJson; tags: Tag[] }> {
  switch (base.kind) {
    case 'current':
      return { definition: current.clean, tags: current.tags };
    case 'given':
      return { definition: cleanForRegister(base.taskDefinition), tags: current.tags };
    case 'latest':
    case 'described': {
      const d = await describe(base.kind === 'latest' ? serviceFamily : base.taskDefinition);
      return { definition: d.clean, tags: d.tags };
    }
  }
}

async function planOne(
  input: ServiceDeployInput,
  name: string,
  svc: Service,
  describe: (ref: string) => Promise<DescribedDefinition>,
  currentDeployment: ServiceDeployment | undefined,
): Promise<ServicePlan> {
  const { cluster } = input;
  const strategy = strategyOf(svc.deploymentConfiguration?.strategy);
  const previousStrategy = currentDeployment?.deploymentConfiguration?.strategy;
  const strategySwitch =
    previousStrategy !== undefined
      ? strategySwitchWarning(name, strategyOf(previousStrategy), strategy)
      : undefined;
  const ongoing =
    currentDeployment?.status !== undefined &&
    (ONGOING_STATUSES as readonly string[]).includes(currentDeployment.status);
  const snapshot = toServiceSnapshot(svc);
  const currentArn = svc.taskDefinition ?? '';
  const current = await describe(currentArn);
  const serviceFamily = parseTaskDefinitionRef(currentArn).family;
  const base = await baseOf(input.base ?? { kind: 'current' }, current, serviceFamily, describe);
  let tags = base.tags;
  const taskDefinition = input.edit ? input.edit(base.definition) : base.definition;
  const family = typeof taskDefinition['family'] === 'string' ? taskDefinition['family'] : serviceFamily;
  if (input.copyTaskDefinitionTags && family !== serviceFamily) tags = (await describe(family)).tags;
  const changes = diffTaskDefinitions(current.clean, taskDefinition);

  const primary = snapshot.deployments.find((d) => d.status === 'PRIMARY');
  const changedConfig = configChanged(input, svc);
  let action: PlanAction;
  let attachDeploymentId: string | undefined;
  let force = input.forceNewDeployment === true;
  let registered: string | undefined;
  if (!sameContent(taskDefinition, current.clean)) {
    registered = await reusable(input.registeredRevision, taskDefinition, describe);
    action = registered ? 'update' : 'register-and-update';
  } else if (strategy !== 'ROLLING' && ongoing && !changedConfig) {
    // Our service deployment of this content is in flight (a re-run after a crash): follow it by its ARN.
    action = 'attach';
    attachDeploymentId = currentDeployment?.serviceDeploymentArn;
  } else if (
    strategy === 'ROLLING' &&
    primary?.rolloutState === 'IN_PROGRESS' &&
    primary.taskDefinitionArn === currentArn &&
    !changedConfig
  ) {
    // A rollout of this content is in flight (e.g. a re-run after the CLI was killed): watch it.
    action = 'attach';
    attachDeploymentId = primary.id;
  } else if (primary?.rolloutState === 'FAILED') {
    // The last attempt of this content failed: a re-run means "try again".
    action = 'update';
    force = true;
  } else if (force || changedConfig) {
    action = 'update';
  } else {
    action = 'no-change';
  }
  const rollbackTarget = lastCompleted(snapshot);
  return {
    service: name,
    cluster,
    before: svc,
    snapshot,
    currentTaskDefinitionArn: currentArn,
    family,
    action,
    taskDefinition,
    changes,
    ...(input.copyTaskDefinitionTags && tags.length > 0 ? { tags } : {}),
    forceNewDeployment: force,
    ...(attachDeploymentId ? { attachDeploymentId } : {}),
    ...(rollbackTarget ? { rollbackTarget } : {}),
    ...(action !== 'register-and-update' ? { taskDefinitionArn: registered ?? currentArn } : {}),
    strategy,
    ...(currentDeployment ? { currentServiceDeployment: currentDeployment } : {}),
    ...(strategySwitch ? { strategySwitch } : {}),
  };
}

/** `arn` when it is an ACTIVE revision with exactly `td`'s content, else undefined (also when it is gone). */
async function reusable(
  arn: string | undefined,
  td: TaskDefinitionJson,
  describe: (ref: string) => Promise<DescribedDefinition>,
): Promise<string | undefined> {
  if (arn === undefined) return undefined;
  try {
    const d = await describe(arn);
    return d.active && sameContent(d.clean, td) ? d.arn : undefined;
  } catch (e) {
    if (isSlipwayError(e) && e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
}

/** One line saying what a plan will do. */
export function describePlan(p: ServicePlan): string {
  const cur = shortTaskDefinition(p.currentTaskDefinitionArn);
  switch (p.action) {
    case 'register-and-update':
      return `will register a new revision of ${p.family} (${p.changes.length} change${p.changes.length === 1 ? '' : 's'} from ${cur}) and update the service to it`;
    case 'update':
      if (p.taskDefinitionArn !== undefined && p.taskDefinitionArn !== p.currentTaskDefinitionArn)
        return `will update the service to ${shortTaskDefinition(p.taskDefinitionArn)}, which an earlier attempt registered (${p.changes.length} change${p.changes.length === 1 ? '' : 's'} from ${cur})`;
      return `will update the service keeping ${cur}${p.forceNewDeployment ? ' (force new deployment)' : ''}`;
    case 'attach':
      return p.strategy !== 'ROLLING'
        ? `a ${p.strategy} deployment of ${cur} is already in progress (service deployment ${p.attachDeploymentId ?? ''}): will follow it`
        : `a rollout of ${cur} is already in progress (deployment ${p.attachDeploymentId ?? ''}): will watch it`;
    case 'no-change':
      return `already runs this exact content (${cur}): nothing to do`;
  }
}
