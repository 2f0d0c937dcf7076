/**
 * "Run an ECS task": run one task on the target's cluster and wait for it to stop, streaming its
 * CloudWatch Logs (awslogs) lines into the task log; success only when every essential container
 * exited 0, else the step fails naming each container's exit code and reason. Cancel (and the
 * step's timeout) stop the task. Typical use: database migrations before the service update, with
 * `fromStep` naming the Update step so that the task runs the release's images (docs/steps.md).
 *
 * Progress is saved after each change in AWS, so a resumed step never runs the task twice: it
 * re-registers nothing it registered, repeats RunTask with the same client token (ECS answers with
 * the same task), and watches the task it started.
 */
import { randomUUID } from 'node:crypto';
import {
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type RunTaskCommandInput,
} from '@aws-sdk/client-ecs';
import { describeAwsError } from '../../aws/clients.js';
import { isSlipwayError } from '../../core/errors.js';
import type { EcsRunTaskAction } from '../../core/model/kinds/ecs-run-task.js';
import { judgeStoppedTask } from '../../core/rollout/task-result.js';
import { parseTaskDefinitionRef, shortTaskDefinition } from '../../core/rollout/types.js';
import { sameContent, type TaskDefinitionJson } from '../../core/taskdef/index.js';
import { clockOf, type Clock } from '../../deploy/clock.js';
import { describeDefinition } from '../../deploy/plan.js';
import { say, type Subject } from '../../deploy/progress.js';
import { registerDefinition } from '../../deploy/register.js';
import type { DeployControl } from '../../deploy/service-input.js';
import { describeTasks, toStoppedTask } from '../../deploy/snapshot.js';
import { logStreamsOf, streamLogs } from '../../deploy/task-logs.js';
import type { StepContext, StepExecutor, StepResult } from '../executor.js';
import {
  containerOverrides,
  essentialContainers,
  planDefinition,
  planPlacement,
  type StepLookup,
} from './ecs-run-task-plan.js';
import { identifyingTags } from './ecs-update-service.js';

/** Options (for tests): a faster clock, and how `fromStep` finds the other step. */
export interface EcsRunTaskOptions extends Pick<DeployControl, 'now' | 'sleep'> {
  /** Default: the engine's `ctx.stepOf`, when it has one. */
  lookup?: (ctx: StepContext) => StepLookup | undefined;
}

/** What the step saves after each change in AWS (ctx.previous on resume). */
interface Progress {
  taskDefinitionArn?: string;
  clientToken?: string;
  taskArn?: string;
}

function savedProgress(previous: Record<string, unknown>): Progress {
  const out: Progress = {};
  for (const k of ['taskDefinitionArn', 'clientToken', 'taskArn'] as const) {
    const v = previous[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** The engine's lookup of other steps (`stepOf`), when the engine offers one. */
function engineLookup(ctx: StepContext): StepLookup | undefined {
  return ctx.stepOf?.bind(ctx);
}

/** Builds the executor; `options` exist for tests. */
export function createEcsRunTaskExecutor(options: EcsRunTaskOptions = {}): StepExecutor {
  return { type: 'ecs-run-task', perTarget: true, run: (ctx) => run(ctx, options) };
}

/** The executor with the wall clock. */
export const ecsRunTaskExecutor = createEcsRunTaskExecutor();

async function run(ctx: StepContext, options: EcsRunTaskOptions): Promise<StepResult> {
  const action = ctx.action as unknown as EcsRunTaskAction;
  const target = ctx.target;
  if (!target) return { outcome: 'failed', error: 'This step needs a deployment target (an ECS cluster).' };
  if (ctx.signal.aborted) return { outcome: 'failed', error: 'Canceled before the step started.' };
  const cluster = target.cluster;
  const saved = savedProgress(ctx.previous);
  const save = () => ctx.saveProgress({ ...saved });
  const clock = clockOf({ ...options, signal: ctx.signal });
  let ecs: ECSClient | undefined;
  try {
    const clients = await ctx.aws();
    ecs = clients.ecs;
    const lookup = options.lookup ? options.lookup(ctx) : engineLookup(ctx);
    const planned = await planDefinition(ecs, cluster, action, lookup);
    const definition = planned.definition;
    const family = String(definition['family'] ?? parseTaskDefinitionRef(action.taskDefinition ?? '').family);
    const subject: Subject = { family };
    const emit = (e: Parameters<StepContext['log']['event']>[0]) => ctx.log.event(e);
    const overrides = containerOverrides(definition, action);

    if (!saved.taskArn) {
      if (!saved.taskDefinitionArn) {
        saved.taskDefinitionArn =
          planned.kind === 'existing'
            ? planned.arn
            : await registerOnce(ecs, definition, tagsOf(ctx), emit, subject, planned.step);
        await save();
      }
      const placement = await planPlacement(
        ecs,
        cluster,
        action,
        action.networkFrom ?? (planned.kind === 'build' ? planned.service : undefined),
      );
      if (!saved.clientToken) {
        saved.clientToken = randomUUID();
        await save();
      }
      clock.check();
      const input: RunTaskCommandInput = {
        cluster,
        taskDefinition: saved.taskDefinitionArn,
        count: 1,
        clientToken: saved.clientToken,
        startedBy: `slipway/${ctx.deploymentId}`.slice(0, 128),
        ...placement,
        ...(overrides.length ? { overrides: { containerOverrides: overrides } } : {}),
      };
      const res = await ecs.send(new RunTaskCommand(input));
      const taskArn = res.tasks?.[0]?.taskArn;
      if (!taskArn) {
        const why = (res.failures ?? [])
          .map((f) => `${f.reason ?? 'failure'}${f.detail ? ` (${f.detail})` : ''}`)
          .join('; ');
        return { outcome: 'failed', error: `RunTask started no task: ${why || 'no reason given'}.` };
      }
      saved.taskArn = taskArn;
      await save();
      say(
        emit,
        'task.started',
        subject,
        `started task ${taskId(taskArn)} of ${shortTaskDefinition(saved.taskDefinitionArn)}`,
        {
          taskArn,
          taskDefinitionArn: saved.taskDefinitionArn,
          cluster,
        },
      );
    } else {
      ctx.log.info(
        `Resuming: watching task ${taskId(saved.taskArn)}, which an earlier attempt started (not running another).`,
      );
    }
    ctx.setOutput('TaskArn', saved.taskArn);
    ctx.setOutput('TaskDefinitionArn', saved.taskDefinitionArn ?? '');
    ctx.setOutput('ClusterName', cluster);
    return await watch(ecs, clients.logs, cluster, saved.taskArn, definition, action, clock, ctx, subject);
  } catch (e) {
    if (ctx.signal.aborted) {
      const stopped =
        ecs && saved.taskArn ? await stopTask(ecs, cluster, saved.taskArn, 'canceled', ctx) : '';
      return { outcome: 'failed', error: `Canceled${stopped}.` };
    }
    if (isSlipwayError(e)) return { outcome: 'failed', error: e.message };
    return { outcome: 'failed', error: describeAwsError(e) };
  }
}

function taskId(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

function tagsOf(ctx: StepContext) {
  return identifyingTags(ctx.variables.values, []);
}

/**
 * The ARN of the family's newest ACTIVE revision when it already has this content (a re-run, or
 * the Update step's revision from an earlier deployment of this release), else a new registration.
 */
async function registerOnce(
  ecs: ECSClient,
  td: TaskDefinitionJson,
  tags: ReturnType<typeof identifyingTags>,
  emit: (e: Parameters<StepContext['log']['event']>[0]) => void,
  subject: Subject,
  step: string,
): Promise<string> {
  const family = String(td['family'] ?? '');
  try {
    const latest = await describeDefinition(ecs, family, false);
    if (latest.active && sameContent(latest.clean, td)) {
      say(
        emit,
        'deploy.no-change',
        subject,
        `${shortTaskDefinition(latest.arn)} already has the content step "${step}" will deploy: running it`,
        {
          taskDefinitionArn: latest.arn,
        },
      );
      return latest.arn;
    }
  } catch (e) {
    if (!(isSlipwayError(e) && e.code === 'NOT_FOUND')) throw e;
  }
  return registerDefinition(ecs, td, tags, emit, subject);
}

/** Waits for the task to stop (streaming its logs), then judges it; stops it on timeout. */
async function watch(
  ecs: ECSClient,
  logs: Parameters<typeof streamLogs>[0],
  cluster: string,
  taskArn: string,
  td: TaskDefinitionJson,
  action: EcsRunTaskAction,
  clock: Clock,
  ctx: StepContext,
  subject: Subject,
): Promise<StepResult> {
  const id = taskId(taskArn);
  const emit = (e: Parameters<StepContext['log']['event']>[0]) => ctx.log.event(e);
  const streams = logStreamsOf(td, id);
  const tokens = new Map<string, string>();
  const started = clock.now();
  const limitMs = action.timeoutMinutes * 60_000;
  let delay = 500;
  for (;;) {
    await clock.pause(delay);
    delay = Math.min(3000, Math.round(delay * 1.5));
    const [t] = await describeTasks(ecs, cluster, [taskArn]);
    await streamLogs(logs, streams, tokens, emit, subject, id);
    if (!t)
      return { outcome: 'failed', error: `Task ${id} is no longer known to ECS in cluster ${cluster}.` };
    if (t.lastStatus === 'STOPPED') {
      // The last lines may land just before STOPPED shows: read once more.
      await streamLogs(logs, streams, tokens, emit, subject, id);
      const snap = toStoppedTask(t);
      const containers = snap.containers
        .map(
          (c) =>
            `${c.name}: ${c.exitCode === undefined ? 'no exit code' : `exit code ${c.exitCode}`}${c.reason ? ` (${c.reason})` : ''}`,
        )
        .join('; ');
      say(
        emit,
        'task.stopped',
        subject,
        `task ${id} stopped: ${t.stoppedReason ?? t.stopCode ?? 'no reason given'}; ${containers}`,
        {
          taskArn,
          stopCode: t.stopCode,
          stoppedReason: t.stoppedReason,
          containers: snap.containers,
        },
      );
      const exit = snap.containers.find((c) => c.exitCode !== undefined)?.exitCode;
      if (exit !== undefined) ctx.setOutput('ExitCode', String(exit));
      const verdict = judgeStoppedTask(snap, essentialContainers(td));
      if (!verdict.ok)
        return {
          outcome: 'failed',
          error: `Task ${id} of ${shortTaskDefinition(t.taskDefinitionArn ?? '')} failed: ${verdict.reason}.`,
        };
      ctx.log.highlight(`Task ${id} succeeded: every essential container exited 0.`);
      return { outcome: 'success' };
    }
    if (clock.now() - started >= limitMs) {
      const stopped = await stopTask(
        ecs,
        cluster,
        taskArn,
        `did not stop within ${action.timeoutMinutes} minutes`,
        ctx,
      );
      return {
        outcome: 'failed',
        error: `Task ${id} did not stop within ${action.timeoutMinutes} minutes${stopped}. Raise timeoutMinutes if it needs longer.`,
      };
    }
  }
}

/** StopTask (best effort): answers ", and it was stopped" or why it could not be. */
async function stopTask(
  ecs: ECSClient,
  cluster: string,
  taskArn: string,
  why: string,
  ctx: StepContext,
): Promise<string> {
  try {
    await ecs.send(
      new StopTaskCommand({
        cluster,
        task: taskArn,
        reason: `Slipway deployment ${ctx.deploymentId}: ${why}`.slice(0, 255),
      }),
    );
    ctx.log.warning(`Stopped task ${taskId(taskArn)} (${why}).`);
    return `; task ${taskId(taskArn)} was stopped`;
  } catch (e) {
    ctx.log.warning(`Could not stop task ${taskId(taskArn)}: ${describeAwsError(e)}`);
    return `; task ${taskId(taskArn)} could not be stopped (${describeAwsError(e)}) and may still be running`;
  }
}
