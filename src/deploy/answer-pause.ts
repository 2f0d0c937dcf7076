/**
 * `slipway ecs-deploy continue|rollback`: find the service's ongoing service deployment (and the
 * PAUSE hook it waits at), act on it, and follow it to its end like a deployment.
 */
import type { AwsClients } from '../aws/clients.js';
import { SlipwayError } from '../core/errors.js';
import { ignoreEvents, type EventSink } from '../core/events.js';
import { clockOf } from './clock.js';
import { finishStrategy, type StrategyTrack } from './finish-strategy.js';
import { resolveLimits } from './outcome.js';
import { say } from './progress.js';
import type { ServiceDeployResult, WatchLimits } from './request.js';
import type { DeployControl } from './service-input.js';
import {
  answerHook,
  ongoingServiceDeployment,
  revisionTaskDefinitions,
  stopServiceDeployment,
  toServiceDeploymentSnapshot,
} from './service-deployments.js';
import { describeService } from './snapshot.js';
import { strategyItem, watchStrategies, type StrategyWatchContext } from './watch-strategy.js';

export interface AnswerInput extends WatchLimits {
  cluster: string;
  service: string;
  /** continue: go on past the PAUSE hook; rollback: roll back (at the hook, or any ongoing deployment). */
  action: 'continue' | 'rollback';
}

/**
 * Continues or rolls back the service's ongoing service deployment and follows it to its end.
 * Throws INVALID_INPUT when there is nothing to act on (no ongoing deployment; for continue, no
 * PAUSE hook awaiting action).
 */
export async function answerPausedDeployment(
  input: AnswerInput,
  clients: AwsClients,
  emit: EventSink = ignoreEvents,
  control: DeployControl = {},
): Promise<ServiceDeployResult> {
  const { ecs } = clients;
  const { cluster, service } = input;
  const subject = { service, cluster };
  const clock = clockOf(control);
  const svc = await describeService(ecs, cluster, service);
  const raw = await ongoingServiceDeployment(ecs, cluster, service);
  if (!raw?.serviceDeploymentArn)
    throw new SlipwayError(
      'INVALID_INPUT',
      `Service ${service} has no ongoing service deployment to ${input.action}: it may have finished, or the hook timed out. Run "aws ecs list-service-deployments --cluster ${cluster} --service ${service}" to see how it ended.`,
      { data: subject },
    );
  const d = toServiceDeploymentSnapshot(raw);
  const hook = d.hooks.find((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION');
  if (input.action === 'continue' && !hook)
    throw new SlipwayError(
      'INVALID_INPUT',
      `Service ${service}'s service deployment ${d.arn} is ${d.status}${d.stage ? ` at ${d.stage}` : ''} and waits at no PAUSE hook: nothing to continue.`,
      { data: { ...subject, serviceDeploymentArn: d.arn } },
    );
  const limits = resolveLimits(input);
  // We did not start this deployment: its revisions say what it deploys and replaces.
  const revisions = await revisionTaskDefinitions(ecs, [
    ...(d.target ? [d.target.arn] : []),
    ...d.sources.map((s) => s.arn),
  ]).catch(() => new Map<string, string>());
  const target = (d.target ? revisions.get(d.target.arn) : undefined) ?? svc.taskDefinition ?? '';
  // Without DescribeServiceRevisions (no permission): the service's other deployment, if it shows one.
  const source =
    d.sources.map((s) => revisions.get(s.arn)).find((a) => a) ??
    svc.deployments?.find((x) => x.status !== 'PRIMARY' && x.taskDefinition !== target)?.taskDefinition ??
    '';
  const item = strategyItem(service, d.arn, target, source, clock.now());
  item.revisions = revisions;
  if (hook) {
    const action = input.action === 'continue' ? 'CONTINUE' : 'ROLLBACK';
    await answerHook(ecs, d.arn, hook.hookId, action);
    say(
      emit,
      'deploy.hook-answered',
      subject,
      `answered PAUSE hook ${hook.hookId} at ${d.stage ?? 'its stage'}: ${action}`,
      {
        serviceDeploymentArn: d.arn,
        hookId: hook.hookId,
        action,
      },
    );
    // The same hook must not count as paused again while ECS takes the answer in.
    item.answering = hook.hookId;
  } else {
    await stopServiceDeployment(ecs, d.arn, 'ROLLBACK');
    say(
      emit,
      'deploy.rollback-started',
      subject,
      `asked ECS to roll back service deployment ${d.arn} (StopServiceDeployment ROLLBACK)`,
      {
        serviceDeploymentArn: d.arn,
      },
    );
  }
  if (input.action === 'rollback') item.tracking.stopRequestedByUs = 'rollback';
  const ctx: StrategyWatchContext = {
    ecs,
    cluster,
    emit,
    clock,
    config: {
      timeoutMs: limits.timeoutSeconds * 1000,
      inactivityTimeoutMs: limits.inactivityTimeoutSeconds * 1000,
      waitUntil: limits.waitUntil,
      onPause: 'return',
    },
  };
  const track: StrategyTrack = { service, cluster, failure: `rolled back on request (${input.action})` };
  const finish = { ...limits, enableRollback: false };
  await watchStrategies(ctx, [item], async (i) => {
    // The hook we answered may still show AWAITING_ACTION on the next poll: keep watching.
    if (i.verdict?.kind === 'paused' && i.verdict.hook.hookId === hook?.hookId) return true;
    return finishStrategy(track, i, finish, ctx);
  });
  return (
    track.result ?? {
      name: service,
      outcome: 'failed',
      message: `${service}: the deployment ended without a result.`,
    }
  );
}
