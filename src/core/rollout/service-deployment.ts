/**
 * The judge of a service deployment followed by its ARN (DescribeServiceDeployments): the way
 * BLUE_GREEN, LINEAR and CANARY deployments are judged, beside the rolling judge (judge.ts). It
 * maps ECS's status to our verdict, notices PAUSE hooks awaiting action and `--wait-until` stages,
 * and runs the inactivity and overall clocks only outside expected waits. Pure.
 */
import { stageIndex, type WaitUntil } from './strategy.js';

/** One service revision of a deployment (weights absent for ROLLING). */
export interface RevisionSnapshot {
  arn: string;
  requested: number;
  running: number;
  pending: number;
  testWeight?: number;
  productionWeight?: number;
}

/** A lifecycle hook's run. */
export interface HookSnapshot {
  hookId: string;
  /** AWS_LAMBDA | PAUSE. */
  targetType: string;
  targetArn?: string;
  /** IN_PROGRESS | AWAITING_ACTION | SUCCEEDED | FAILED | TIMED_OUT. */
  status: string;
  /** Epoch ms. */
  expiresAt?: number;
  timeoutAction?: string;
}

/** A service deployment as DescribeServiceDeployments shows it. */
export interface ServiceDeploymentSnapshot {
  arn: string;
  /** PENDING, IN_PROGRESS, STOP_REQUESTED, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED. */
  status: string;
  statusReason?: string;
  stage?: string;
  strategy: string;
  target?: RevisionSnapshot;
  sources: RevisionSnapshot[];
  hooks: HookSnapshot[];
  rollbackReason?: string;
  /** Alarms that fired. */
  triggeredAlarms: string[];
}

// Statuses that say the deployment is failing or failed (a rollback or a stop under way or done).
const FAILING_STATUSES = new Set([
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
  'STOP_REQUESTED',
  'STOPPED',
]);

/** The statuses after which nothing changes any more. */
export const FINAL_STATUSES = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];

export interface StrategyJudgeConfig {
  /** The overall timeout, counted outside expected waits. */
  timeoutMs: number;
  inactivityTimeoutMs: number;
  waitUntil: WaitUntil;
  /** When the deployment pauses at a PAUSE hook: return a `paused` verdict (CLI) or keep waiting (the caller answers). */
  onPause: 'return' | 'wait';
}

/** What the strategy judge remembers between polls. */
export interface StrategyTracking {
  arn: string;
  startedAt: number;
  lastPollAt: number;
  lastChangeAt: number;
  /** Time spent so far in expected waits (bake, step bakes, hooks), not counted by the overall timeout. */
  expectedWaitMs: number;
  fingerprint: string;
  /** The last stage seen (for stage events). */
  stage?: string;
  /**
   * The stage the deployment was in when it started to fail (the last stage seen before a rollback
   * or stop): a failure names it, not CLEAN_UP, where a rollback ends.
   */
  failedAtStage?: string;
  /** We asked ECS to stop or roll back this deployment (STOPPED then means canceled). */
  stopRequestedByUs?: 'stop' | 'rollback';
}

export type StrategyVerdict =
  | { kind: 'in-progress' }
  | { kind: 'succeeded' }
  /** `--wait-until ecs:<STAGE>` reached; ECS goes on. */
  | { kind: 'reached'; stage: string }
  | { kind: 'paused'; stage: string; hook: HookSnapshot }
  | {
      kind: 'failed';
      /** ECS rolled back (ROLLBACK_SUCCESSFUL). */
      ecsRolledBack: boolean;
      /** The rollback failed too (ROLLBACK_FAILED). */
      rollbackFailed: boolean;
      /** STOPPED because we asked for it. */
      canceled: boolean;
      reason: string;
    }
  | { kind: 'timed-out' }
  | { kind: 'inactive' };

export interface StrategyJudgeOutput {
  verdict: StrategyVerdict;
  tracking: StrategyTracking;
  changed: boolean;
  /** The stage when it differs from the last poll's. */
  newStage?: string;
  /** A PAUSE hook awaiting action, if any. */
  awaiting?: HookSnapshot;
}

/** Starts tracking a service deployment. */
export function startStrategyTracking(arn: string, now: number): StrategyTracking {
  return { arn, startedAt: now, lastPollAt: now, lastChangeAt: now, expectedWaitMs: 0, fingerprint: '' };
}

function fingerprintOf(d: ServiceDeploymentSnapshot): string {
  const revs = [d.target, ...d.sources]
    .filter((r): r is RevisionSnapshot => r !== undefined)
    .map(
      (r) =>
        `${r.arn}|${r.requested}|${r.running}|${r.pending}|${r.testWeight ?? ''}|${r.productionWeight ?? ''}`,
    )
    .join(';');
  const hooks = d.hooks.map((h) => `${h.hookId}|${h.status}`).join(';');
  return `${d.status}#${d.stage ?? ''}#${revs}#${hooks}`;
}

/**
 * True while the deployment waits on purpose: the bake time, a LINEAR/CANARY step bake (production
 * traffic partly shifted), a Lambda hook running, or a PAUSE hook awaiting a person.
 */
export function isExpectedWait(d: ServiceDeploymentSnapshot): boolean {
  if (d.hooks.some((h) => h.status === 'IN_PROGRESS' || h.status === 'AWAITING_ACTION')) return true;
  if (d.stage === 'BAKE_TIME') return true;
  const w = d.target?.productionWeight;
  return (
    (d.strategy === 'LINEAR' || d.strategy === 'CANARY') &&
    (d.stage === 'PRODUCTION_TRAFFIC_SHIFT' || d.stage === 'POST_PRODUCTION_TRAFFIC_SHIFT') &&
    w !== undefined &&
    w > 0 &&
    w < 100
  );
}

function reasonOf(d: ServiceDeploymentSnapshot): string {
  // ECS ends its reasons with a full stop; they are joined with "; " into one sentence here.
  const parts = [d.statusReason, d.rollbackReason]
    .filter((x): x is string => !!x)
    .map((x) => x.trim().replace(/\.+$/, ''));
  const unique = [...new Set(parts)];
  if (d.triggeredAlarms.length > 0) unique.push(`alarms in ALARM: ${d.triggeredAlarms.join(', ')}`);
  const failedHooks = d.hooks.filter((h) => h.status === 'FAILED' || h.status === 'TIMED_OUT');
  for (const h of failedHooks)
    unique.push(
      `lifecycle hook ${h.targetArn ?? h.hookId} ${h.status === 'FAILED' ? 'failed' : 'timed out'}`,
    );
  return unique.join('; ') || `the service deployment ended ${d.status}`;
}

/** Judges one poll of a service deployment. */
export function judgeServiceDeployment(
  d: ServiceDeploymentSnapshot,
  now: number,
  tracking: StrategyTracking,
  config: StrategyJudgeConfig,
): StrategyJudgeOutput {
  const t: StrategyTracking = { ...tracking };
  // The time since the last poll counts as expected when the deployment waited on purpose then.
  const waiting = isExpectedWait(d);
  if (waiting) t.expectedWaitMs += Math.max(0, now - t.lastPollAt);
  t.lastPollAt = now;
  const fp = fingerprintOf(d);
  const changed = fp !== t.fingerprint;
  if (changed || waiting) {
    t.fingerprint = fp;
    t.lastChangeAt = now;
  }
  const newStage = d.stage !== undefined && d.stage !== t.stage ? d.stage : undefined;
  if (t.failedAtStage === undefined && FAILING_STATUSES.has(d.status)) {
    const at = t.stage ?? d.stage;
    if (at !== undefined) t.failedAtStage = at;
  }
  if (d.stage !== undefined) t.stage = d.stage;
  const awaiting = d.hooks.find((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION');
  const out = (verdict: StrategyVerdict): StrategyJudgeOutput => ({
    verdict,
    tracking: t,
    changed,
    ...(newStage ? { newStage } : {}),
    ...(awaiting ? { awaiting } : {}),
  });
  const failed = (over: Partial<Extract<StrategyVerdict, { kind: 'failed' }>>): StrategyJudgeOutput =>
    out({
      kind: 'failed',
      ecsRolledBack: false,
      rollbackFailed: false,
      canceled: false,
      reason: reasonOf(d),
      ...over,
    });

  switch (d.status) {
    case 'SUCCESSFUL':
      return out({ kind: 'succeeded' });
    case 'ROLLBACK_SUCCESSFUL':
      return failed({ ecsRolledBack: true });
    case 'ROLLBACK_FAILED':
      return failed({ rollbackFailed: true });
    case 'STOPPED':
      return failed({ canceled: t.stopRequestedByUs === 'stop' });
  }
  const rollingBack = d.status === 'ROLLBACK_REQUESTED' || d.status === 'ROLLBACK_IN_PROGRESS';
  if (
    config.waitUntil.kind === 'stage' &&
    !rollingBack &&
    stageIndex(d.stage) >= stageIndex(config.waitUntil.stage)
  )
    return out({ kind: 'reached', stage: d.stage ?? config.waitUntil.stage });
  if (awaiting && d.status === 'IN_PROGRESS' && config.onPause === 'return')
    return out({ kind: 'paused', stage: d.stage ?? 'an unknown stage', hook: awaiting });
  if (now - t.startedAt - t.expectedWaitMs >= config.timeoutMs) return out({ kind: 'timed-out' });
  if (now - t.lastChangeAt >= config.inactivityTimeoutMs) return out({ kind: 'inactive' });
  return out({ kind: 'in-progress' });
}

/** One line: stage, status and traffic of a deployment, e.g. `TEST_TRAFFIC_SHIFT (IN_PROGRESS): test 100 % / production 0 % on web:8`. */
export function describeServiceDeployment(d: ServiceDeploymentSnapshot, revisionName: string): string {
  const parts = [`${d.stage ?? 'no stage yet'} (${d.status})`];
  const tw = d.target?.testWeight;
  const pw = d.target?.productionWeight;
  if (tw !== undefined || pw !== undefined)
    parts.push(`test ${fmt(tw)} / production ${fmt(pw)} on ${revisionName}`);
  if (d.target) parts.push(`tasks ${d.target.running}/${d.target.requested} running`);
  const awaiting = d.hooks.find((h) => h.status === 'AWAITING_ACTION');
  if (awaiting) parts.push(`paused at hook ${awaiting.hookId}`);
  const running = d.hooks.find((h) => h.status === 'IN_PROGRESS');
  if (running) parts.push(`hook ${running.targetArn ?? running.hookId} running`);
  return parts.join(', ');
}

function fmt(w: number | undefined): string {
  return w === undefined ? '-' : `${Math.round(w * 10) / 10} %`;
}
