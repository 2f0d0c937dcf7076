/**
 * -d (a task definition family without a service): register the new revision and, with
 * --run-task, run it once; with --wait-for-success wait for it to stop, streaming its awslogs
 * lines, and require every essential container to exit 0.
 */
import { RunTaskCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import type { EventSink } from '../core/events.js';
import { judgeStoppedTask } from '../core/rollout/task-result.js';
import { shortTaskDefinition } from '../core/rollout/types.js';
import {
  applyEdits,
  cleanForRegister,
  diffTaskDefinitions,
  formatChanges,
  sameContent,
  type TaskDefinitionJson,
} from '../core/taskdef/index.js';
import { describeDefinition, editsOf } from './plan.js';
import { say, type Subject } from './progress.js';
import { registerDefinition } from './register.js';
import type { Clock } from './clock.js';
import type { EcsDeployRequest, EcsDeployTarget, RunTaskRequest, ServiceDeployResult } from './request.js';
import { describeTasks, toStoppedTask } from './snapshot.js';
import { containersOf, logStreamsOf, streamLogs } from './task-logs.js';

/** A `-d` target. */
export type FamilyTarget = Extract<EcsDeployTarget, { kind: 'family' }>;

/** Runs a `-d` request to its end. */
export async function deployFamily(
  request: EcsDeployRequest,
  target: FamilyTarget,
  clients: AwsClients,
  emit: EventSink,
  clock: Clock,
): Promise<ServiceDeployResult> {
  const { family } = target;
  const ecs = clients.ecs;
  const subject: Subject = { family };
  const latest = await describeDefinition(ecs, family, request.copyTaskDefinitionTags);
  const base = request.taskDefinitionFile ? cleanForRegister(request.taskDefinitionFile) : latest.clean;
  const { taskDefinition } = applyEdits(base, editsOf(request));
  const changes = diffTaskDefinitions(latest.clean, taskDefinition);
  const unchanged = sameContent(taskDefinition, latest.clean);
  const lines = formatChanges(changes);
  say(
    emit,
    'deploy.diff',
    subject,
    lines.length
      ? `changes from ${shortTaskDefinition(latest.arn)}:\n${lines.join('\n')}`
      : `no changes from ${shortTaskDefinition(latest.arn)}`,
    {
      from: latest.arn,
      changes,
      lines,
    },
  );
  if (request.diffOnly || request.dryRun) {
    if (request.dryRun)
      say(
        emit,
        'deploy.plan',
        subject,
        `dry run: would ${unchanged ? `reuse ${shortTaskDefinition(latest.arn)}` : 'register a new revision'}${target.runTask ? ' and run it once' : ''}`,
        {
          action: unchanged ? 'reuse' : 'register',
          taskDefinition,
          runTask: target.runTask ?? null,
        },
      );
    return {
      name: family,
      outcome: 'previewed',
      message: `${family}: nothing was changed (preview).`,
      taskDefinitionArn: latest.arn,
    };
  }
  let arn = latest.arn;
  if (!unchanged) {
    arn = await registerDefinition(
      ecs,
      taskDefinition,
      request.copyTaskDefinitionTags ? latest.tags : undefined,
      emit,
      subject,
    );
  } else {
    say(
      emit,
      'deploy.no-change',
      subject,
      `${shortTaskDefinition(arn)} already has this content: not registering another revision`,
      { taskDefinitionArn: arn },
    );
  }
  if (!target.runTask) {
    if (unchanged)
      return {
        name: family,
        outcome: 'no-change',
        message: `${family}: ${shortTaskDefinition(arn)} already has this content.`,
        taskDefinitionArn: arn,
      };
    return {
      name: family,
      outcome: 'succeeded',
      message: `${family}: registered ${shortTaskDefinition(arn)}.`,
      taskDefinitionArn: arn,
    };
  }
  clock.check();
  return runOnce(request, target, target.runTask, arn, taskDefinition, clients, emit, clock);
}

async function runOnce(
  request: EcsDeployRequest,
  target: FamilyTarget,
  rt: RunTaskRequest,
  arn: string,
  td: TaskDefinitionJson,
  clients: AwsClients,
  emit: EventSink,
  clock: Clock,
): Promise<ServiceDeployResult> {
  const { family } = target;
  const ecs = clients.ecs;
  const subject: Subject = { family };
  const input = {
    taskDefinition: arn,
    count: 1,
    ...(target.cluster ? { cluster: target.cluster } : {}),
    ...(rt.launchType ? { launchType: rt.launchType } : {}),
    ...(rt.platformVersion ? { platformVersion: rt.platformVersion } : {}),
    ...(rt.networkConfiguration ? { networkConfiguration: rt.networkConfiguration } : {}),
  } as RunTaskCommandInput;
  const res = await ecs.send(new RunTaskCommand(input));
  const task = res.tasks?.[0];
  const fail = (reason: string, taskArn?: string): ServiceDeployResult => {
    say(emit, 'deploy.failed', subject, `task of ${shortTaskDefinition(arn)} failed: ${reason}`, {
      taskArn,
      reason,
      taskDefinitionArn: arn,
    });
    return {
      name: family,
      outcome: 'task-failed',
      message: `${family}: the task of ${shortTaskDefinition(arn)} failed: ${reason}`,
      taskDefinitionArn: arn,
    };
  };
  if (!task?.taskArn) {
    const why = (res.failures ?? [])
      .map((f) => `${f.reason ?? 'failure'}${f.detail ? ` (${f.detail})` : ''}`)
      .join('; ');
    return fail(`RunTask started no task: ${why || 'no reason given'}`);
  }
  const taskArn = task.taskArn;
  const taskId = taskArn.split('/').pop() ?? taskArn;
  say(emit, 'task.started', subject, `started task ${taskId} of ${shortTaskDefinition(arn)}`, {
    taskArn,
    taskDefinitionArn: arn,
  });
  if (!rt.waitForSuccess)
    return {
      name: family,
      outcome: 'succeeded',
      message: `${family}: started task ${taskId} of ${shortTaskDefinition(arn)}.`,
      taskDefinitionArn: arn,
    };

  const cluster = target.cluster ?? task.clusterArn ?? 'default';
  const logs = logStreamsOf(td, taskId);
  const tokens = new Map<string, string>();
  const started = clock.now();
  let delay = 500;
  for (;;) {
    await clock.pause(delay);
    delay = Math.min(3000, Math.round(delay * 1.5));
    const [t] = await describeTasks(ecs, cluster, [taskArn]);
    await streamLogs(clients.logs, logs, tokens, emit, subject, taskId);
    if (t?.lastStatus === 'STOPPED') {
      // The last lines may land just before STOPPED shows: read once more.
      await streamLogs(clients.logs, logs, tokens, emit, subject, taskId);
      const snap = toStoppedTask(t);
      say(
        emit,
        'task.stopped',
        subject,
        `task ${taskId} stopped: ${t.stoppedReason ?? t.stopCode ?? 'no reason given'}`,
        {
          taskArn,
          stopCode: t.stopCode,
          stoppedReason: t.stoppedReason,
          containers: snap.containers,
        },
      );
      const v = judgeStoppedTask(snap, essentialContainers(td));
      if (!v.ok) return fail(v.reason, taskArn);
      say(
        emit,
        'deploy.succeeded',
        subject,
        `task ${taskId} of ${shortTaskDefinition(arn)} succeeded (every essential container exited 0)`,
        { taskArn },
      );
      return {
        name: family,
        outcome: 'succeeded',
        message: `${family}: task ${taskId} of ${shortTaskDefinition(arn)} exited 0.`,
        taskDefinitionArn: arn,
      };
    }
    if (clock.now() - started >= request.timeoutSeconds * 1000) {
      say(
        emit,
        'deploy.timeout',
        subject,
        `task ${taskId} did not stop within ${request.timeoutSeconds} s; it may still be running`,
        { taskArn },
      );
      return {
        name: family,
        outcome: 'timed-out',
        message: `${family}: task ${taskId} did not stop within ${request.timeoutSeconds} s; it may still be running.`,
        taskDefinitionArn: arn,
      };
    }
  }
}

function essentialContainers(td: TaskDefinitionJson): string[] | undefined {
  const cs = containersOf(td);
  if (cs.length === 0) return undefined;
  return cs.filter((c) => c['essential'] !== false).map((c) => String(c['name'] ?? ''));
}
