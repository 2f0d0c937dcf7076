/**
 * Deploying one or more services: plan, register once per distinct content, update (or attach),
 * watch them together, roll back what failed, and prune old revisions after success.
 */
import type { AwsClients } from '../aws/clients.js';
import type { EventSink } from '../core/events.js';
import { shortTaskDefinition } from '../core/rollout/types.js';
import { formatChanges } from '../core/taskdef/index.js';
import { pruneDefinitions } from './hygiene.js';
import { judgeConfigOf } from './outcome.js';
import { describePlan, planServices } from './plan.js';
import { say } from './progress.js';
import { registerAll } from './register.js';
import type { EcsDeployRequest, ServiceDeployResult } from './request.js';
import { updateService } from './update-service.js';
import { finishDeployment, finishRollback, type Track } from './finish.js';
import { watchAll, watchItem, type WatchContext } from './watch.js';

export interface ServiceHooks {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Deploys the request's services; one result per service. */
export async function deployServices(
  request: EcsDeployRequest,
  clients: AwsClients,
  emit: EventSink,
  hooks: ServiceHooks,
): Promise<ServiceDeployResult[]> {
  const ecs = clients.ecs;
  const plans = await planServices(ecs, request);
  const cluster = plans[0]?.cluster ?? request.cluster ?? '';
  const tracks: Track[] = plans.map((plan) => ({ plan }));

  for (const { plan } of tracks) {
    const subject = { service: plan.service, cluster };
    const lines = formatChanges(plan.changes);
    if (lines.length > 0 || request.diffOnly)
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
    say(emit, 'deploy.plan', subject, (request.dryRun ? 'dry run: ' : '') + describePlan(plan), {
      action: plan.action,
      family: plan.family,
      currentTaskDefinitionArn: plan.currentTaskDefinitionArn,
      rollbackTarget: plan.rollbackTarget ?? null,
      ...(request.dryRun
        ? {
            taskDefinition: plan.taskDefinition,
            desiredCount: request.desiredCount ?? plan.before.desiredCount,
            minimumHealthyPercent:
              request.minimumHealthyPercent ?? plan.before.deploymentConfiguration?.minimumHealthyPercent,
            maximumPercent: request.maximumPercent ?? plan.before.deploymentConfiguration?.maximumPercent,
            forceNewDeployment: plan.forceNewDeployment,
            rollback: request.enableRollback ? (plan.rollbackTarget ?? 'none available') : 'disabled',
          }
        : {}),
    });
  }
  if (request.diffOnly || request.dryRun) {
    return tracks.map(({ plan }) => ({
      name: plan.service,
      outcome: 'previewed',
      message: `${plan.service}: ${describePlan(plan)} (preview: nothing was changed).`,
      runningTaskDefinitionArn: plan.currentTaskDefinitionArn,
    }));
  }

  // Register once per distinct content (services of one family may share a revision).
  const toRegister = tracks.filter((t) => t.plan.action === 'register-and-update');
  const arns = await registerAll(
    ecs,
    toRegister.map((t) => ({
      taskDefinition: t.plan.taskDefinition,
      ...(t.plan.tags ? { tags: t.plan.tags } : {}),
      subject: { service: t.plan.service, cluster },
    })),
    emit,
  );
  toRegister.forEach((t, i) => (t.plan.taskDefinitionArn = arns[i]));

  const started = hooks.now();
  await Promise.all(tracks.map((t) => startOne(t, request, clients, emit, started)));

  const ctx: WatchContext = {
    ecs,
    cluster,
    emit,
    now: hooks.now,
    sleep: hooks.sleep,
    config: judgeConfigOf(request),
  };
  const watched = tracks.filter((t) => t.item);
  await watchAll(
    ctx,
    watched.map((t) => t.item!),
    async (item) => {
      const t = watched.find((x) => x.item === item || x.rollback === item);
      if (!t) return undefined;
      return t.rollback === item ? finishRollback(t, item, emit) : finishDeployment(t, item, request, ctx);
    },
  );

  if (request.maxDefinitions !== undefined)
    await prune(tracks, request.maxDefinitions, cluster, clients, emit);
  return tracks.map((t) => t.result!);
}

async function startOne(
  t: Track,
  request: EcsDeployRequest,
  clients: AwsClients,
  emit: EventSink,
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
    // Events from before that rollout began were seen by whoever started it: not news to this watch.
    const began = plan.snapshot.deployments.find((d) => d.id === id)?.createdAt;
    const seen = began === undefined ? [] : plan.snapshot.events.filter((e) => e.createdAt < began);
    t.item = watchItem(plan.service, id, arn, now, seen);
    return;
  }
  const { deploymentId } = await updateService(
    clients.ecs,
    {
      cluster: plan.cluster,
      service: plan.service,
      taskDefinitionArn: arn,
      forceNewDeployment: plan.forceNewDeployment,
      ...(request.desiredCount !== undefined ? { desiredCount: request.desiredCount } : {}),
      ...(request.minimumHealthyPercent !== undefined
        ? { minimumHealthyPercent: request.minimumHealthyPercent }
        : {}),
      ...(request.maximumPercent !== undefined ? { maximumPercent: request.maximumPercent } : {}),
    },
    plan.before,
  );
  say(
    emit,
    'deploy.service-updated',
    subject,
    `updated to ${shortTaskDefinition(arn)}: deployment ${deploymentId}`,
    { deploymentId, taskDefinitionArn: arn },
  );
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
        `could not prune old revisions: ${e instanceof Error ? e.message : String(e)}`,
        {},
        'warn',
      );
    }
  }
}
