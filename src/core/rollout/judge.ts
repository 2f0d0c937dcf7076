/**
 * The rollout judge: given what DescribeServices (and, when asked for, the stopped tasks of our
 * revision) shows now and what was tracked before, decides whether OUR deployment is still
 * rolling, succeeded or failed, and why. Pure: the caller does the I/O and keeps the tracking.
 */
import type {
  DeploymentSnapshot,
  ServiceEventSnapshot,
  ServiceSnapshot,
  StoppedTaskSnapshot,
} from './types.js';
import { parseTaskDefinitionRef, shortTaskDefinition } from './types.js';

/** Limits the judge applies (all in ms of the caller's clock). */
export interface JudgeConfig {
  timeoutMs: number;
  inactivityTimeoutMs: number;
  /** Without a circuit breaker: this many stopped tasks of our revision with one reason mean failure. */
  repeatedStopThreshold: number;
  /** "Unable to place" for longer than this means failure. */
  unablePlaceGraceMs: number;
  /** Success does not wait for older deployments to drain. */
  skipDeploymentsCheck: boolean;
  /** After our deployment FAILED under a rolling-back breaker, wait this long for ECS's rollback to show. */
  rollbackAppearGraceMs: number;
}

/** What the judge remembers between polls. */
export interface WatchTracking {
  deploymentId: string;
  taskDefinitionArn: string;
  startedAt: number;
  lastChangeAt: number;
  fingerprint: string;
  /** Ids of the events already seen (those of the latest snapshot). */
  seenEventIds: string[];
  /** From `deployment <ours> deployment failed: <why>`: survives the deployment leaving the list. */
  failedEventReason?: string;
  /** From `rolling back to deployment <id>` after our failure. */
  rollingBackTo?: string;
  /** When we first saw an "unable to place" event with no task started since. */
  unablePlaceSince?: number;
  unablePlaceMessage?: string;
  /** When we first saw our deployment FAILED. */
  failedSeenAt?: number;
  /** Our deployment's failedTasks when stopped tasks were last read. */
  failedTasksRead: number;
}

export type FailureKind =
  'rollout-failed' | 'replaced' | 'vanished' | 'repeated-stops' | 'unable-to-place' | 'service-inactive';

export type Verdict =
  | { kind: 'in-progress' }
  | { kind: 'succeeded' }
  | {
      kind: 'failed';
      failure: FailureKind;
      reason: string;
      /** ECS (circuit breaker) rolled the service back. */
      ecsRolledBack: boolean;
      /** The task definition the service targets now. */
      nowRunning: string;
    }
  | { kind: 'timed-out' }
  | { kind: 'inactive' };

export interface JudgeInput {
  snapshot: ServiceSnapshot;
  /** Stopped tasks of our deployment, when the caller read them this time. */
  stoppedTasks?: StoppedTaskSnapshot[];
  now: number;
  tracking: WatchTracking;
  config: JudgeConfig;
}

export interface JudgeOutput {
  verdict: Verdict;
  tracking: WatchTracking;
  /** Events not seen before, oldest first. */
  newEvents: ServiceEventSnapshot[];
  /** Counts, deployments or events changed since the last poll. */
  changed: boolean;
  /** Our deployment, while ECS still lists it. */
  ours?: DeploymentSnapshot;
}

/** Starts tracking a deployment; `baselineEvents` (already shown or older than us) are not reported again. */
export function startTracking(
  deploymentId: string,
  taskDefinitionArn: string,
  now: number,
  baselineEvents: ServiceEventSnapshot[],
): WatchTracking {
  return {
    deploymentId,
    taskDefinitionArn,
    startedAt: now,
    lastChangeAt: now,
    fingerprint: '',
    seenEventIds: baselineEvents.map((e) => e.id),
    failedTasksRead: 0,
  };
}

const FAILED_EVENT = /deployment (ecs-svc\/\S+) deployment failed: (.*?)\.?$/;
const ROLLING_BACK_EVENT = /rolling back to deployment (ecs-svc\/[^\s.]+)/;
const UNABLE_PLACE_EVENT = /was unable to place a task/;
const STARTED_EVENT = /has started \d+ tasks?/;

/** Stop reasons that are the scheduler's own doing, not a failure of the task. */
const ROUTINE_STOP = /^Scaling activity initiated by/;

function fingerprintOf(s: ServiceSnapshot): string {
  const deps = s.deployments
    .map(
      (d) => `${d.id}|${d.status}|${d.rolloutState ?? ''}|${d.desired}|${d.pending}|${d.running}|${d.failed}`,
    )
    .join(';');
  return `${s.status}#${deps}#${s.events[0]?.id ?? ''}`;
}

/** True when the caller should read our revision's stopped tasks before judging (saves calls otherwise). */
export function wantsStoppedTasks(tracking: WatchTracking, snapshot: ServiceSnapshot): boolean {
  if (snapshot.circuitBreaker.enable) return false;
  const ours = snapshot.deployments.find((d) => d.id === tracking.deploymentId);
  return ours !== undefined && ours.failed > tracking.failedTasksRead;
}

/** A stop reason's key: tasks that stopped "the same way" share it. */
export function stopReasonOf(t: StoppedTaskSnapshot): string | undefined {
  const why = t.stoppedReason ?? '';
  if (t.stopCode === 'UserInitiated' || ROUTINE_STOP.test(why)) return undefined;
  const bad = t.containers.filter((c) => (c.exitCode !== undefined && c.exitCode !== 0) || c.reason);
  const detail = bad
    .map(
      (c) =>
        `container ${c.name}${c.exitCode !== undefined ? ` exit code ${c.exitCode}` : ''}${c.reason && c.reason !== why ? `: ${c.reason}` : ''}`,
    )
    .join(', ');
  const head = [t.stopCode, why].filter((x) => x).join(': ');
  return detail ? `${head} (${detail})` : head || 'stopped for an unknown reason';
}

/** The most frequent failure reason among stopped tasks, with its count. */
export function repeatedStopReason(
  tasks: StoppedTaskSnapshot[],
): { reason: string; count: number } | undefined {
  const counts = new Map<string, number>();
  for (const t of tasks) {
    const r = stopReasonOf(t);
    if (r !== undefined) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  let best: { reason: string; count: number } | undefined;
  for (const [reason, count] of counts) if (!best || count > best.count) best = { reason, count };
  return best;
}

function olderRevision(a: string, b: string): boolean {
  const x = parseTaskDefinitionRef(a);
  const y = parseTaskDefinitionRef(b);
  return (
    x.family === y.family && x.revision !== undefined && y.revision !== undefined && x.revision < y.revision
  );
}

/** Judges one poll. */
export function judge(input: JudgeInput): JudgeOutput {
  const { snapshot: s, now, config } = input;
  const t: WatchTracking = { ...input.tracking };
  const seen = new Set(t.seenEventIds);
  const newEvents = s.events.filter((e) => !seen.has(e.id)).reverse();
  t.seenEventIds = s.events.map((e) => e.id);

  for (const e of newEvents) {
    const failed = FAILED_EVENT.exec(e.message);
    if (failed && failed[1] === t.deploymentId) t.failedEventReason = failed[2] ?? 'deployment failed';
    const back = ROLLING_BACK_EVENT.exec(e.message);
    if (back && (t.failedEventReason !== undefined || t.failedSeenAt !== undefined))
      t.rollingBackTo = back[1];
    if (UNABLE_PLACE_EVENT.test(e.message)) {
      t.unablePlaceSince ??= now;
      t.unablePlaceMessage = e.message;
    } else if (STARTED_EVENT.test(e.message)) {
      t.unablePlaceSince = undefined;
      t.unablePlaceMessage = undefined;
    }
  }

  const fp = fingerprintOf(s);
  const changed = fp !== t.fingerprint;
  if (changed) {
    t.fingerprint = fp;
    t.lastChangeAt = now;
  }

  const ours = s.deployments.find((d) => d.id === t.deploymentId);
  const primary = s.deployments.find((d) => d.status === 'PRIMARY');
  if (ours?.rolloutState === 'FAILED') t.failedSeenAt ??= now;

  const out = (verdict: Verdict): JudgeOutput => ({
    verdict,
    tracking: t,
    newEvents,
    changed,
    ...(ours ? { ours } : {}),
  });
  const nowRunning = primary?.taskDefinitionArn ?? s.taskDefinitionArn;
  const rolledBack = (): boolean =>
    t.rollingBackTo !== undefined ||
    (primary !== undefined &&
      primary.id !== t.deploymentId &&
      olderRevision(primary.taskDefinitionArn, t.taskDefinitionArn));
  const failed = (failure: FailureKind, reason: string): JudgeOutput =>
    out({ kind: 'failed', failure, reason, ecsRolledBack: rolledBack(), nowRunning });

  if (s.status !== 'ACTIVE') return failed('service-inactive', `the service is ${s.status}`);

  if (ours) {
    if (ours.rolloutState === 'FAILED') {
      // ECS starts its rollback right after failing the deployment; wait briefly so we can say so.
      const waitForRollback =
        s.circuitBreaker.rollback &&
        !rolledBack() &&
        now - (t.failedSeenAt ?? now) < config.rollbackAppearGraceMs;
      if (!waitForRollback)
        return failed(
          'rollout-failed',
          ours.rolloutStateReason ?? t.failedEventReason ?? 'the deployment FAILED',
        );
    } else if (ours.status !== 'PRIMARY') {
      return failed(
        'replaced',
        t.failedEventReason ??
          `deployment ${primary?.id ?? '(none)'} on ${shortTaskDefinition(nowRunning)} replaced it`,
      );
    } else {
      const others = s.deployments.filter((d) => d.id !== ours.id && d.status !== 'INACTIVE');
      const allUp = ours.running === ours.desired && ours.pending === 0;
      if (
        config.skipDeploymentsCheck
          ? allUp
          : allUp && ours.rolloutState !== 'IN_PROGRESS' && others.length === 0
      )
        return out({ kind: 'succeeded' });
      if (input.stoppedTasks) {
        t.failedTasksRead = ours.failed;
        const rep = repeatedStopReason(
          input.stoppedTasks.filter((x) => x.taskDefinitionArn === t.taskDefinitionArn),
        );
        if (rep && rep.count >= config.repeatedStopThreshold)
          return failed(
            'repeated-stops',
            `${rep.count} tasks of ${shortTaskDefinition(t.taskDefinitionArn)} stopped: ${rep.reason}`,
          );
      }
      if (t.unablePlaceSince !== undefined && now - t.unablePlaceSince >= config.unablePlaceGraceMs)
        return failed(
          'unable-to-place',
          stripService(t.unablePlaceMessage ?? 'ECS was unable to place a task'),
        );
    }
  } else {
    if (t.failedEventReason !== undefined) return failed('rollout-failed', t.failedEventReason);
    if (primary)
      return failed('replaced', `deployment ${primary.id} on ${shortTaskDefinition(nowRunning)} replaced it`);
    return failed('vanished', 'the deployment is no longer listed');
  }

  if (now - t.startedAt >= config.timeoutMs) return out({ kind: 'timed-out' });
  if (now - t.lastChangeAt >= config.inactivityTimeoutMs) return out({ kind: 'inactive' });
  return out({ kind: 'in-progress' });
}

/** An ECS event without its `(service x) ` prefix (our messages name the service themselves). */
export function stripService(message: string): string {
  return message.replace(/^\(service [^)]*\)\s*/, '');
}
