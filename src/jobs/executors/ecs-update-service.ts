/**
 * "Update Amazon ECS Service": build the new revision from a template (or the service's current
 * definition) with the release's images and the step's environment, then hand it to the ecs-deploy
 * engine, which registers it only if it differs, updates the service, re-attaches to a rollout in
 * flight on resume, and judges the rollout by our deployment id (docs/steps.md).
 */
import { TagResourceCommand, type Tag } from '@aws-sdk/client-ecs';
import { describeAwsError } from '../../aws/clients.js';
import { isSlipwayError } from '../../core/errors.js';
import type { SlipwayEvent } from '../../core/events.js';
import { parseTaskDefinitionRef } from '../../core/rollout/types.js';
import type { TaskDefinitionJson } from '../../core/taskdef/index.js';
import { runEcsDeploy } from '../../deploy/ecs-deploy.js';
import { describeDefinition } from '../../deploy/plan.js';
import { DEPLOY_DEFAULTS, type DeployResult, type EcsDeployRequest } from '../../deploy/request.js';
import { describeService } from '../../deploy/snapshot.js';
import type { StepContext, StepExecutor, StepLog, StepResult } from '../executor.js';
import { editContainers, type ContainerSettings } from './ecs-task-definition.js';

/** The action document of an ecs-update-service step (after evaluation). */
export interface EcsUpdateServiceAction {
  service: string;
  templateTaskDefinition?: string;
  containers: ContainerSettings[];
  waitForDeployment: boolean;
  timeoutMinutes: number;
  forceNewDeployment: boolean;
  tags: { key: string; value: string }[];
}

/** Clock hooks (for tests); defaults are the wall clock and setTimeout. */
export interface EcsUpdateServiceOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What the step saves after each change in AWS (ctx.previous on resume). */
interface Progress {
  taskDefinitionArn?: string;
  ecsDeploymentId?: string;
}

class Canceled extends Error {}
/** Thrown out of the engine's sleep to stop watching when waitForDeployment is off. */
class StopWatching extends Error {}

/** The tags identifying a deployment on the revisions it registers, then the action's own. */
export function identifyingTags(values: Record<string, string>, extra: readonly Tag[]): Tag[] {
  const own: Tag[] = [
    { key: 'slipway:project', value: values['Octopus.Project.Name'] ?? '' },
    { key: 'slipway:environment', value: values['Octopus.Environment.Name'] ?? '' },
    { key: 'slipway:release', value: values['Octopus.Release.Number'] ?? '' },
    { key: 'slipway:deployment', value: values['Octopus.Deployment.Id'] ?? '' },
    { key: 'slipway:tenant', value: values['Octopus.Deployment.Tenant.Name'] || 'untenanted' },
  ];
  const keys = new Set(extra.map((t) => t.key));
  // An unknown fact (no tenant name aside) is left out rather than tagged empty.
  return [...own.filter((t) => !keys.has(t.key!) && t.value !== ''), ...extra];
}

/** A service name from a name or a service ARN (`...:service/cluster/name` or `...:service/name`). */
function serviceName(service: string): string {
  return service.startsWith('arn:') ? (service.split('/').pop() ?? service) : service;
}

/** Waits ms, rejecting with Canceled as soon as the deployment is canceled. */
function abortable(sleep: (ms: number) => Promise<void>, signal: AbortSignal, ms: number): Promise<void> {
  if (signal.aborted) return Promise.reject(new Canceled('canceled'));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Canceled('canceled'));
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Writes an engine event to the step log at its level. */
function logEvent(log: StepLog, e: SlipwayEvent): void {
  if (e.code === 'deploy.succeeded') return log.highlight(e.message);
  if (e.level === 'debug') return log.verbose(e.message);
  if (e.level === 'warn') return log.warning(e.message);
  if (e.level === 'error') return log.error(e.message);
  log.info(e.message);
}

/** Builds the executor; `options` exist for tests (a faster clock). */
export function createEcsUpdateServiceExecutor(options: EcsUpdateServiceOptions = {}): StepExecutor {
  return {
    type: 'ecs-update-service',
    perTarget: true,
    run: (ctx) => run(ctx, options),
  };
}

/** The executor with the wall clock. */
export const ecsUpdateServiceExecutor = createEcsUpdateServiceExecutor();

async function run(ctx: StepContext, options: EcsUpdateServiceOptions): Promise<StepResult> {
  const action = ctx.action as unknown as EcsUpdateServiceAction;
  const target = ctx.target;
  if (!target) return { outcome: 'failed', error: 'This step needs a deployment target (an ECS cluster).' };
  if (ctx.signal.aborted) return { outcome: 'failed', error: 'Canceled before the step started.' };
  const cluster = target.cluster;
  const service = serviceName(action.service);
  const previous = ctx.previous as Progress;
  if (previous.ecsDeploymentId)
    ctx.log.info(
      `Resuming: an earlier attempt started ECS deployment ${previous.ecsDeploymentId}; watching it rather than updating the service again if it is still rolling.`,
    );

  const progress: Progress = { ...previous };
  let chain: Promise<void> = Promise.resolve();
  let chainError: unknown;
  // Work triggered by events (saving progress, tagging) runs in order and is awaited before returning.
  const later = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((e: unknown) => {
      chainError ??= e;
    });
  };
  let stopWatching = false;
  let deployedArn: string | undefined;
  const tags = identifyingTags(ctx.variables.values, action.tags);

  try {
    const clients = await ctx.aws();
    const base = action.templateTaskDefinition
      ? action.templateTaskDefinition
      : ((await describeService(clients.ecs, cluster, service)).taskDefinition ?? '');
    ctx.log.verbose(`Template task definition: ${base}`);
    const described = await describeDefinition(clients.ecs, base, false);
    const taskDefinition: TaskDefinitionJson = editContainers(
      described.clean,
      action.containers,
      (ref) => ctx.variables.values[`Octopus.Action.Package[${ref}].Image`],
    );
    const timeoutSeconds = action.timeoutMinutes * 60;
    const request: EcsDeployRequest = {
      cluster,
      services: [service],
      edits: {},
      taskDefinitionFile: taskDefinition,
      useLatestTaskDefinition: false,
      copyTaskDefinitionTags: false,
      forceNewDeployment: action.forceNewDeployment,
      timeoutSeconds,
      inactivityTimeoutSeconds: Math.min(DEPLOY_DEFAULTS.inactivityTimeoutSeconds, timeoutSeconds),
      skipDeploymentsCheck: false,
      enableRollback: false,
      diffOnly: false,
      dryRun: false,
    };
    const emit = (e: SlipwayEvent) => {
      logEvent(ctx.log, e);
      const arn = typeof e.data['taskDefinitionArn'] === 'string' ? e.data['taskDefinitionArn'] : undefined;
      const id = typeof e.data['deploymentId'] === 'string' ? e.data['deploymentId'] : undefined;
      if (e.code === 'deploy.registered' && arn) {
        progress.taskDefinitionArn = arn;
        const snapshot = { ...progress };
        later(() => ctx.saveProgress(snapshot));
        later(() => tagRevision(clients.ecs, arn, tags, ctx.log));
      }
      if ((e.code === 'deploy.service-updated' || e.code === 'deploy.attached') && arn) {
        deployedArn = arn;
        progress.taskDefinitionArn = arn;
        if (id) progress.ecsDeploymentId = id;
        const snapshot = { ...progress };
        later(() => ctx.saveProgress(snapshot));
        if (!action.waitForDeployment) stopWatching = true;
      }
    };
    const sleep = options.sleep ?? defaultSleep;
    let result: DeployResult | undefined;
    try {
      result = await runEcsDeploy(request, clients, emit, {
        ...(options.now ? { now: options.now } : {}),
        sleep: (ms) => (stopWatching ? Promise.reject(new StopWatching()) : abortable(sleep, ctx.signal, ms)),
      });
    } catch (e) {
      if (!(e instanceof StopWatching)) throw e;
    }
    await chain;
    if (chainError !== undefined) throw chainError;
    if (ctx.signal.aborted) throw new Canceled('canceled');

    const one = result?.results[0];
    const arn = one?.taskDefinitionArn ?? deployedArn;
    if (arn) setOutputs(ctx, arn, cluster, service);
    if (!result) {
      ctx.log.info(
        `Service ${service} was updated to ${arn ?? 'the new revision'}; not waiting for the rollout (waitForDeployment is off).`,
      );
      return { outcome: 'success' };
    }
    if (result.outcome === 'succeeded' || result.outcome === 'no-change') return { outcome: 'success' };
    return {
      outcome: 'failed',
      error: one?.message ?? `The deployment of ${service} ended ${result.outcome}.`,
    };
  } catch (e) {
    await chain;
    if (e instanceof Canceled || ctx.signal.aborted)
      return {
        outcome: 'failed',
        error: 'Canceled: stopped watching the rollout (ECS may still be rolling).',
      };
    if (isSlipwayError(e)) return { outcome: 'failed', error: e.message };
    return { outcome: 'failed', error: describeAwsError(e) };
  }
}

/** Adds the identifying tags to a revision we registered; a failure is a warning, not a failed step. */
async function tagRevision(
  ecs: { send: (c: TagResourceCommand) => Promise<unknown> },
  arn: string,
  tags: Tag[],
  log: StepLog,
): Promise<void> {
  if (tags.length === 0) return;
  try {
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags }));
    log.verbose(`Tagged ${arn}: ${tags.map((t) => `${t.key}=${t.value}`).join(', ')}`);
  } catch (e) {
    log.warning(`Could not tag ${arn}: ${describeAwsError(e)}`);
  }
}

function setOutputs(ctx: StepContext, arn: string, cluster: string, service: string): void {
  const { family, revision } = parseTaskDefinitionRef(arn);
  ctx.setOutput('TaskDefinitionFamily', family);
  ctx.setOutput('TaskDefinitionRevision', revision === undefined ? '' : String(revision));
  ctx.setOutput('TaskDefinitionArn', arn);
  ctx.setOutput('ClusterName', cluster);
  ctx.setOutput('ServiceName', service);
}
