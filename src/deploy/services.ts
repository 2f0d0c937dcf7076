/**
 * The service deployer, below both faces (`slipway ecs-deploy` and the server's Update ECS Service
 * step): plan (each service and task definition described once), register once per distinct
 * content, update (or attach to a rollout in flight), watch every service together, roll back what
 * failed when asked, and prune old revisions after success. Hooks tell the caller about each change
 * in AWS; an AbortSignal stops it.
 */
import type { AwsClients } from '../aws/clients.js';
import { ignoreEvents, type EventSink } from '../core/events.js';
import { expectedWaitMs } from '../core/rollout/strategy.js';
import { shortTaskDefinition } from '../core/rollout/types.js';
import { formatChanges, sameContent } from '../core/taskdef/index.js';
import { clockOf, type Clock } from './clock.js';
import { finishDeployment, finishRollback, type FinishOptions, type Track } from './finish.js';
import { finishStrategy, type StrategyTrack } from './finish-strategy.js';
import { pruneDefinitions } from './hygiene.js';
import { judgeConfigOf, resolveLimits } from './outcome.js';
import { describePlan, planServices } from './plan.js';
import { say } from './progress.js';
import { registerAll } from './register.js';
import type { ServiceDeployResult } from './request.js';
import type { DeployHooks, ServiceDeployInput } from './service-input.js';
import { earlySuccessOn, updateService, updateStrategyService } from './update-service.js';
import { watchAll, watchItem, type WatchContext } from './watch.js';
import { strategyItem, watchStrategies, type StrategyWatchContext } from './watch-strategy.js';
import { messageOf } from '../core/errors.js';

/**
 * Deploys the input's services; one result per service. Rollout outcomes are in the results; it
 * throws SlipwayError for bad input or AWS refusals, and the signal's reason when `hooks.signal`
 * aborts (a rollout already started goes on in ECS).
 */
export async function deployServices(
  input: ServiceDeployInput,
  clients: AwsClients,
  hooks: DeployHooks = {},
): Promise<ServiceDeployResult[]> {
  const ecs = clients.ecs;
  const emit = hooks.progress ?? ignoreEvents;
  const clock = clockOf(hooks);
  const { cluster } = input;
  clock.check();
  const plans = await planServices(ecs, input);
  const tracks: Track[] = plans.map((plan) => ({ plan }));
  const dryRun = input.preview === 'dry-run';

  for (const { plan } of tracks) {
    const subject = { service: plan.service, cluster };
    const lines = formatChanges(plan.changes);
    if (lines.length > 0 || input.preview === 'diff')
      say(
        emit,
        'deploy.diff',
        subject,
        lines.length
          ? `changes from ${shortTaskDefinition(plan.currentTaskDefinitionArn)}:\n${lines.join('\n')}`
          : 'no changes',
        {
          from: plan.currentTaskDefinitionArn,
          changes: plan.changes,
          lines,
        },
      );
    if (plan.strategySwitch)
      say(emit, 'deploy.strategy-switch', subject, plan.strategySwitch, { strategy: plan.strategy });
    say(emit, 'deploy.plan', subject, (dryRun ? 'dry run: ' : '') + describePlan(plan), {
      action: plan.action,
      strategy: plan.strategy,
      expectedWaitSeconds: expectedWaitMs(plan.before.deploymentConfiguration ?? {}) / 1000,
      family: plan.family,
      currentTaskDefinitionArn: plan.currentTaskDefinitionArn,
      rollbackTarget: plan.rollbackTarget ?? null,
      ...(dryRun
        ? {
            taskDefinition: plan.taskDefinition,
            desiredCount: input.desiredCount ?? plan.before.desiredCount,
            minimumHealthyPercent:
              input.minimumHealthyPercent ?? plan.before.deploymentConfiguration?.minimumHealthyPercent,
            maximumPercent: input.maximumPercent ?? plan.before.deploymentConfiguration?.maximumPercent,
            forceNewDeployment: plan.forceNewDeployment,
            rollback: input.enableRollback ? (plan.rollbackTarget ?? 'none available') : 'disabled',
          }
        : {}),
    });
  }
  if (input.preview !== undefined) {
    return tracks.map(({ plan }) => ({
      name: plan.service,
      outcome: 'previewed',
      message: `${plan.service}: ${describePlan(plan)} (preview: nothing was changed).`,
      runningTaskDefinitionArn: plan.currentTaskDefinitionArn,
    }));
  }

  // Register once per distinct content (services of one family may share a revision).
  const toRegister = tracks.filter((t) => t.plan.action === 'register-and-update');
  clock.check();
  const arns = await registerAll(
    ecs,
    toRegister.map((t) => ({
      taskDefinition: t.plan.taskDefinition,
      ...(t.plan.tags ? { tags: t.plan.tags } : {}),
      subject: { service: t.plan.service, cluster },
    })),
    emit,
    async (taskDefinitionArn, registered) => {
      const sharing = toRegister.filter((t) => sameContent(t.plan.taskDefinition, registered));
      await hooks.registered?.({
        taskDefinitionArn,
        family: sharing[0]?.plan.family ?? '',
        services: sharing.map((t) => t.plan.service),
      });
    },
  );
  toRegister.forEach((t, i) => (t.plan.taskDefinitionArn = arns[i]));

  const started = clock.now();
  await Promise.all(tracks.map((t) => startOne(t, input, clients, emit, hooks, clock, started)));
  clock.check();

  const limits = resolveLimits(input);
  const finish: FinishOptions = {
    timeoutSeconds: limits.timeoutSeconds,
    inactivityTimeoutSeconds: limits.inactivityTimeoutSeconds,
    enableRollback: input.enableRollback === true,
  };
  const ctx: WatchContext = { ecs, cluster, emit, clock, config: judgeConfigOf(limits) };
  const watched = tracks.filter((t) => t.item);
  const strategyCtx: StrategyWatchContext = {
    ecs,
    cluster,
    emit,
    clock,
    config: {
      timeoutMs: limits.timeoutSeconds * 1000,
      inactivityTimeoutMs: limits.inactivityTimeoutSeconds * 1000,
      waitUntil: limits.waitUntil,
      onPause: hooks.paused ? 'wait' : 'return',
    },
    ...(hooks.paused ? { answer: hooks.paused } : {}),
    ...(input.stopOnCancel ? { stopOnCancel: true } : {}),
  };
  const following = tracks.filter((t) => t.strategy);
  // Rolling services by their ecs-svc deployment, strategy services by their service deployment ARN: side by side.
  await Promise.all([
    watchAll(
      ctx,
      watched.map((t) => t.item!),
      async (item) => {
        const t = watched.find((x) => x.item === item || x.rollback === item);
        if (!t) return undefined;
        return t.rollback === item ? finishRollback(t, item, emit) : finishDeployment(t, item, finish, ctx);
      },
    ),
    watchStrategies(
      strategyCtx,
      following.map((t) => t.strategy!),
      async (item) => {
        const t = following.find((x) => x.strategy === item);
        if (!t) return false;
        const st: StrategyTrack = {
          service: t.plan.service,
          cluster: t.plan.cluster,
          ...(t.failure ? { failure: t.failure } : {}),
        };
        const again = await finishStrategy(st, item, finish, strategyCtx);
        if (st.result) t.result = st.result;
        if (st.failure) t.failure = st.failure;
        return again;
      },
    ),
  ]);

  if (input.maxDefinitions !== undefined) await prune(tracks, input.maxDefinitions, cluster, clients, emit);
  return tracks.map((t) => t.result!);
}

async function startOne(
  t: Track,
  input: ServiceDeployInput,
  clients: AwsClients,
  emit: EventSink,
  hooks: DeployHooks,
  clock: Clock,
  now: number,
): Promise<void> {
  const { plan } = t;
  const subject = { service: plan.service, cluster: plan.cluster };
  const arn = plan.taskDefinitionArn ?? plan.currentTaskDefinitionArn;
  if (plan.action === 'no-change') {
    const msg = `already runs ${shortTaskDefinition(arn)} with this exact content: nothing to deploy`;
    say(emit, 'deploy.no-change', subject, msg, { taskDefinitionArn: arn });
    t.result = {
      name: plan.service,
      outcome: 'no-change',
      message: `${plan.service} ${msg}.`,
      taskDefinitionArn: arn,
      runningTaskDefinitionArn: arn,
    };
    return;
  }
  if (plan.action === 'attach') {
    const id = plan.attachDeploymentId!;
    say(
      emit,
      'deploy.attached',
      subject,
      `a rollout of ${shortTaskDefinition(arn)} is already in progress: watching deployment ${id} instead of starting another`,
      { deploymentId: id, taskDefinitionArn: arn },
    );
    await hooks.updated?.({
      service: plan.service,
      cluster: plan.cluster,
      taskDefinitionArn: arn,
      deploymentId: id,
      attached: true,
    });
    if (plan.strategy !== 'ROLLING') {
      t.strategy = strategyItem(plan.service, id, arn, plan.rollbackTarget ?? '', now);
      return;
    }
    // Events from before that rollout began were seen by whoever started it: not news to this watch.
    const began = plan.snapshot.deployments.find((d) => d.id === id)?.createdAt;
    const seen = began === undefined ? [] : plan.snapshot.events.filter((e) => e.createdAt < began);
    t.item = watchItem(plan.service, id, arn, now, seen);
    return;
  }
  // Stopped before the change: nothing to watch, nothing to undo.
  clock.check();
  const update = {
    cluster: plan.cluster,
    service: plan.service,
    taskDefinitionArn: arn,
    forceNewDeployment: plan.forceNewDeployment,
    ...(input.desiredCount !== undefined ? { desiredCount: input.desiredCount } : {}),
    ...(input.minimumHealthyPercent !== undefined
      ? { minimumHealthyPercent: input.minimumHealthyPercent }
      : {}),
    ...(input.maximumPercent !== undefined ? { maximumPercent: input.maximumPercent } : {}),
    ...(input.earlySuccess !== undefined ? { earlySuccess: input.earlySuccess } : {}),
  };
  // A rolling deployment with early success criteria ends when its service deployment says so
  // (SUCCESSFUL before every task is replaced): followed by that ARN, like the other strategies.
  if (
    plan.strategy !== 'ROLLING' ||
    earlySuccessOn(plan.before.deploymentConfiguration, input.earlySuccess)
  ) {
    const { serviceDeploymentArn } = await updateStrategyService(clients.ecs, update, plan.before);
    say(
      emit,
      'deploy.service-updated',
      subject,
      `updated to ${shortTaskDefinition(arn)}: ${plan.strategy} service deployment ${serviceDeploymentArn}`,
      {
        deploymentId: serviceDeploymentArn,
        serviceDeploymentArn,
        taskDefinitionArn: arn,
        strategy: plan.strategy,
      },
    );
    await hooks.updated?.({
      service: plan.service,
      cluster: plan.cluster,
      taskDefinitionArn: arn,
      deploymentId: serviceDeploymentArn,
      attached: false,
    });
    t.strategy = strategyItem(plan.service, serviceDeploymentArn, arn, plan.currentTaskDefinitionArn, now);
    return;
  }
  const { deploymentId } = await updateService(clients.ecs, update, plan.before);
  say(
    emit,
    'deploy.service-updated',
    subject,
    `updated to ${shortTaskDefinition(arn)}: deployment ${deploymentId}`,
    { deploymentId, taskDefinitionArn: arn },
  );
  await hooks.updated?.({
    service: plan.service,
    cluster: plan.cluster,
    taskDefinitionArn: arn,
    deploymentId,
    attached: false,
  });
  t.item = watchItem(plan.service, deploymentId, arn, now, plan.snapshot.events);
}

async function prune(
  tracks: Track[],
  keep: number,
  cluster: string,
  clients: AwsClients,
  emit: EventSink,
): Promise<void> {
  const families = new Map<string, Track[]>();
  for (const t of tracks) families.set(t.plan.family, [...(families.get(t.plan.family) ?? []), t]);
  const protect = tracks
    .flatMap((t) => [t.plan.rollbackTarget, t.plan.taskDefinitionArn])
    .filter((x): x is string => !!x);
  for (const [family, ts] of families) {
    if (!ts.every((t) => t.result?.outcome === 'succeeded' || t.result?.outcome === 'no-change')) continue;
    try {
      await pruneDefinitions({ ecs: clients.ecs, cluster, family, keep, protect, emit });
    } catch (e) {
      // The deployment itself succeeded: a failed clean-up is worth a warning, not a failure.
      say(
        emit,
        'deploy.definitions-deregistered',
        { family },
        `could not prune old revisions: ${messageOf(e)}`,
        {},
        'warn',
      );
    }
  }
}
