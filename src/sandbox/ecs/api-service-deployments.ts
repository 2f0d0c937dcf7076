/**
 * ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
 * StopServiceDeployment and ContinueServiceDeployment.
 */
import { AwsError, invalidParameter, optionalString, requireString } from '../errors.js';
import type { CallContext, JsonHandler } from '../service.js';
import { findService, resolveCluster } from './arns.js';
import { requestRollback } from './engine-strategy.js';
import { paginate } from './pagination.js';
import { ALL_STATUSES, type EcsServiceDeploymentRecord } from './service-deployment-model.js';
import { isOngoing, renderBrief, renderRevision, renderServiceDeployment } from './service-deployments.js';
import { isObject, requireRefs, type Failure } from './util.js';

/** DescribeServiceDeployments and DescribeServiceRevisions take at most this many ARNs. */
export const MAX_DESCRIBE_ARNS = 20;

function notFound(arn: string): AwsError {
  return new AwsError('ServiceDeploymentNotFoundException', `The service deployment ${arn} does not exist.`);
}

function timeArg(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidParameter(`${field} must be a timestamp.`);
  return v * 1000;
}

const listServiceDeployments: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  if (input.service === undefined) throw invalidParameter('service is required.');
  const svc = findService(ctx, cluster, input.service);
  const statuses = input.status;
  if (statuses !== undefined && statuses !== null) {
    if (!Array.isArray(statuses) || statuses.some((s) => !ALL_STATUSES.includes(s as never))) {
      throw invalidParameter(`status must contain only the following values: ${ALL_STATUSES.join(', ')}.`);
    }
  }
  const created = input.createdAt;
  if (created !== undefined && created !== null && !isObject(created)) {
    throw invalidParameter('createdAt must be an object with before and/or after.');
  }
  const before = timeArg(isObject(created) ? created.before : undefined, 'createdAt.before');
  const after = timeArg(isObject(created) ? created.after : undefined, 'createdAt.after');
  const all = ctx.regionState.ecs.serviceDeployments ?? {};
  const arns = svc.serviceDeploymentArns ?? [];
  const items = arns.flatMap((arn, i): { key: string; r: EcsServiceDeploymentRecord }[] => {
    const r = all[arn];
    if (!r) return [];
    if (Array.isArray(statuses) && !statuses.includes(r.status)) return [];
    if (before !== undefined && r.createdAt >= before) return [];
    if (after !== undefined && r.createdAt <= after) return [];
    return [{ key: String(i).padStart(8, '0'), r }];
  });
  const page = paginate(items, (x) => x.key, input, { defaultMax: 20, max: 100 });
  return { serviceDeployments: page.items.map((x) => renderBrief(x.r)), nextToken: page.nextToken };
};

const describeServiceDeployments: JsonHandler = (input, ctx) => {
  const arns = requireRefs(input, 'serviceDeploymentArns', MAX_DESCRIBE_ARNS);
  const ecs = ctx.regionState.ecs;
  const serviceDeployments: Record<string, unknown>[] = [];
  const failures: Failure[] = [];
  for (const arn of arns) {
    const r = ecs.serviceDeployments?.[arn];
    if (r) serviceDeployments.push(renderServiceDeployment(ecs, r));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { serviceDeployments, failures };
};

const describeServiceRevisions: JsonHandler = (input, ctx) => {
  const arns = requireRefs(input, 'serviceRevisionArns', MAX_DESCRIBE_ARNS);
  const ecs = ctx.regionState.ecs;
  const serviceRevisions: Record<string, unknown>[] = [];
  const failures: Failure[] = [];
  for (const arn of arns) {
    const rev = ecs.serviceRevisions?.[arn];
    if (rev) serviceRevisions.push(renderRevision(rev));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { serviceRevisions, failures };
};

function findRecord(ctx: CallContext, arn: string): EcsServiceDeploymentRecord {
  if (!/^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service-deployment\/[^/]+\/[^/]+\/[^/]+$/.test(arn)) {
    throw invalidParameter(`serviceDeploymentArn ${arn} is not a valid service deployment ARN.`);
  }
  const r = ctx.regionState.ecs.serviceDeployments?.[arn];
  if (!r) throw notFound(arn);
  return r;
}

/** Lets the engine act on a changed deployment at once. */
function poke(ctx: CallContext, r: EcsServiceDeploymentRecord): void {
  const svc = ctx.regionState.ecs.services[r.serviceArn];
  if (svc) ctx.sandbox.ecs.serviceChanged(ctx.account, ctx.region, svc);
  ctx.sandbox.changed();
}

const stopServiceDeployment: JsonHandler = (input, ctx) => {
  const arn = requireString(input, 'serviceDeploymentArn');
  const stopType = optionalString(input, 'stopType') ?? 'ROLLBACK';
  if (stopType !== 'ROLLBACK' && stopType !== 'ABORT')
    throw invalidParameter('stopType must be ROLLBACK or ABORT.');
  const r = findRecord(ctx, arn);
  if (!isOngoing(r)) {
    throw new AwsError(
      'ConflictException',
      `The service deployment ${arn} cannot be stopped because it is ${r.status}.`,
    );
  }
  if (r.status !== 'PENDING' && r.status !== 'IN_PROGRESS') {
    throw new AwsError('ConflictException', `The service deployment ${arn} is already ${r.status}.`);
  }
  const reason =
    stopType === 'ABORT'
      ? 'Service deployment stopped by StopServiceDeployment (ABORT).'
      : 'Service deployment rolled back by StopServiceDeployment.';
  requestRollback(r, reason, ctx.now, stopType === 'ABORT' ? 'STOPPED' : 'ROLLBACK_SUCCESSFUL');
  poke(ctx, r);
  return { serviceDeploymentArn: arn };
};

const continueServiceDeployment: JsonHandler = (input, ctx) => {
  const arn = requireString(input, 'serviceDeploymentArn');
  const hookId = requireString(input, 'hookId');
  const action = optionalString(input, 'action') ?? 'CONTINUE';
  if (action !== 'CONTINUE' && action !== 'ROLLBACK')
    throw invalidParameter('action must be CONTINUE or ROLLBACK.');
  const r = findRecord(ctx, arn);
  const hook = r.hooks.find((h) => h.hookId === hookId);
  if (!hook)
    throw invalidParameter(
      `The service deployment ${arn} has no lifecycle hook ${hookId} in its current stage.`,
    );
  if (r.status !== 'IN_PROGRESS' && r.status !== 'ROLLBACK_IN_PROGRESS') {
    throw invalidParameter(
      `The service deployment ${arn} is ${r.status}; only an IN_PROGRESS deployment can continue.`,
    );
  }
  if (hook.status !== 'AWAITING_ACTION') {
    throw invalidParameter(`The lifecycle hook ${hookId} is ${hook.status}, not AWAITING_ACTION.`);
  }
  hook.status = action === 'CONTINUE' ? 'SUCCEEDED' : 'FAILED';
  r.updatedAt = ctx.now;
  if (action === 'ROLLBACK' && !r.rollingBack) {
    requestRollback(r, `Rolled back by ContinueServiceDeployment at lifecycle hook ${hookId}.`, ctx.now);
  }
  poke(ctx, r);
  return { serviceDeploymentArn: arn };
};

export const serviceDeploymentActions: Record<string, JsonHandler> = {
  ListServiceDeployments: listServiceDeployments,
  DescribeServiceDeployments: describeServiceDeployments,
  DescribeServiceRevisions: describeServiceRevisions,
  StopServiceDeployment: stopServiceDeployment,
  ContinueServiceDeployment: continueServiceDeployment,
};
