/** ECS task actions: RunTask, StopTask, DescribeTasks, ListTasks. */
import { AwsError, invalidParameter, optionalInt, optionalString, requireString } from '../errors.js';
import type { JsonHandler } from '../service.js';
import {
  containerInstanceRefToArn,
  resolveCluster,
  serviceArnOf,
  serviceNotFound,
  taskRefToArn,
} from './arns.js';
import { requireActiveTaskDefinition } from './api-taskdefs.js';
import type { EcsTask } from './model.js';
import { paginate } from './pagination.js';
import { checkCompatibility, checkNetworkConfiguration, resolveLaunchType } from './service-config.js';
import { renderTask } from './task-render.js';
import {
  canonicalJson,
  clone,
  optionalObject,
  parseInclude,
  parseTags,
  requireRefs,
  type Failure,
} from './util.js';

const TASK_NOT_FOUND = 'The referenced task was not found.';

/** RunTask's limit on the JSON of `overrides`, in characters. */
const MAX_OVERRIDES_LENGTH = 8192;

const runTask: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  const ecs = ctx.regionState.ecs;
  const clientToken = optionalString(input, 'clientToken');
  const request = canonicalJson({ ...input, cluster: cluster.clusterArn });
  if (clientToken !== undefined) {
    const prior = ecs.runTaskTokens?.[clientToken];
    if (prior) {
      if (prior.request !== request) {
        throw new AwsError(
          'ConflictException',
          'The RunTask request could not be processed due to conflicts. The provided clientToken is already in use with a different RunTask request. The resourceIds are the existing task ARNs which are already associated with the clientToken.',
        );
      }
      const tasks = prior.taskArns.map((arn) => ecs.tasks[arn]).filter((t): t is EcsTask => t !== undefined);
      return {
        tasks: tasks.map((t) => renderTask(ecs, ctx.region, t, false)),
        failures: clone(prior.failures),
      };
    }
  }
  const td = requireActiveTaskDefinition(ctx, requireString(input, 'taskDefinition'));
  const count = optionalInt(input, 'count') ?? 1;
  if (count < 1 || count > 10) throw invalidParameter('Count must be between 1 and 10.');
  const launchType = resolveLaunchType(input, cluster);
  checkCompatibility(td, launchType);
  const networkConfiguration = checkNetworkConfiguration(input, td, launchType);
  const startedBy = optionalString(input, 'startedBy');
  if (startedBy !== undefined && startedBy.length > 128) {
    throw invalidParameter('startedBy must be up to 128 characters.');
  }
  const group = optionalString(input, 'group') ?? `family:${td.family}`;
  const overrides = optionalObject(input, 'overrides');
  // RunTask: "A total of 8192 characters are allowed for overrides", JSON formatting included.
  if (overrides !== undefined && JSON.stringify(overrides).length > MAX_OVERRIDES_LENGTH) {
    throw invalidParameter(`Container Overrides length must be at most ${MAX_OVERRIDES_LENGTH}`);
  }
  const tags = parseTags(input);

  const result = ctx.sandbox.ecs.runTasks(ctx.account, ctx.region, cluster, td, {
    count,
    launchType: launchType ?? 'EC2',
    group,
    startedBy,
    tags,
    overrides: clone(overrides),
    networkConfiguration,
  });
  for (const t of result.tasks) {
    if (t.networkConfiguration === undefined && networkConfiguration !== undefined) {
      t.networkConfiguration = clone(networkConfiguration);
    }
  }
  if (clientToken !== undefined) {
    ecs.runTaskTokens ??= {};
    ecs.runTaskTokens[clientToken] = {
      request,
      taskArns: result.tasks.map((t) => t.taskArn),
      failures: clone(result.failures),
      createdAt: ctx.now,
    };
  }
  ctx.sandbox.changed();
  return {
    tasks: result.tasks.map((t) => renderTask(ecs, ctx.region, t, tags.length > 0)),
    failures: clone(result.failures),
  };
};

const stopTask: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  const ref = requireString(input, 'task');
  const reason = optionalString(input, 'reason') ?? '';
  if (reason.length > 255) throw invalidParameter('reason must be up to 255 characters.');
  const task = ctx.regionState.ecs.tasks[taskRefToArn(ctx, cluster, ref)];
  if (!task || task.clusterArn !== cluster.clusterArn) throw invalidParameter(TASK_NOT_FOUND);
  if (task.desiredStatus !== 'STOPPED') {
    ctx.sandbox.ecs.stopTask(ctx.account, ctx.region, task, reason);
    ctx.sandbox.changed();
  }
  return { task: renderTask(ctx.regionState.ecs, ctx.region, task, false) };
};

const describeTasks: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  const refs = requireRefs(input, 'tasks', 100);
  const include = parseInclude(input, ['TAGS']);
  const ecs = ctx.regionState.ecs;
  const tasks: Record<string, unknown>[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    let arn: string;
    try {
      arn = taskRefToArn(ctx, cluster, ref);
    } catch (e) {
      if (e instanceof AwsError && e.message === TASK_NOT_FOUND) {
        failures.push({ arn: ref, reason: 'MISSING' });
        continue;
      }
      throw e;
    }
    const task = ecs.tasks[arn];
    if (task && task.clusterArn === cluster.clusterArn)
      tasks.push(renderTask(ecs, ctx.region, task, include.has('TAGS')));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { tasks, failures };
};

const listTasks: JsonHandler = (input, ctx) => {
  const cluster = resolveCluster(ctx, input.cluster);
  const ecs = ctx.regionState.ecs;
  const ciRef = optionalString(input, 'containerInstance');
  const instanceArn = ciRef !== undefined ? containerInstanceRefToArn(ctx, cluster, ciRef) : undefined;
  const family = optionalString(input, 'family');
  const startedBy = optionalString(input, 'startedBy');
  const serviceName = optionalString(input, 'serviceName');
  if (serviceName !== undefined) {
    const name = serviceName.startsWith('arn:')
      ? serviceName.slice(serviceName.lastIndexOf('/') + 1)
      : serviceName;
    if (!ecs.services[serviceArnOf(ctx, cluster.clusterName, name)]) throw serviceNotFound();
  }
  const serviceShort = serviceName?.slice(serviceName.lastIndexOf('/') + 1);
  const desired = optionalString(input, 'desiredStatus') ?? 'RUNNING';
  if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desired)) {
    throw invalidParameter('desiredStatus must be one of: RUNNING, PENDING, STOPPED.');
  }
  const launchType = optionalString(input, 'launchType');
  const familyMarker = family !== undefined ? `:task-definition/${family}:` : undefined;
  const arns: string[] = [];
  for (const t of Object.values(ecs.tasks)) {
    if (t.clusterArn !== cluster.clusterArn || t.desiredStatus !== desired) continue;
    if (instanceArn !== undefined && t.containerInstanceArn !== instanceArn) continue;
    if (familyMarker !== undefined && !t.taskDefinitionArn.includes(familyMarker)) continue;
    if (startedBy !== undefined && t.startedBy !== startedBy) continue;
    if (serviceShort !== undefined && t.serviceName !== serviceShort) continue;
    if (launchType !== undefined && t.launchType !== launchType) continue;
    arns.push(t.taskArn);
  }
  arns.sort();
  const page = paginate(arns, (a) => a, input, { defaultMax: 100, max: 100 });
  return { taskArns: page.items, nextToken: page.nextToken };
};

export const taskActions: Record<string, JsonHandler> = {
  RunTask: runTask,
  StopTask: stopTask,
  DescribeTasks: describeTasks,
  ListTasks: listTasks,
};
