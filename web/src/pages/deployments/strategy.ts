/**
 * A native strategy deployment's progress (BLUE_GREEN, LINEAR, CANARY, and a ROLLING one judged by its
 * service deployment for early success), read from the data of `deploy.stage`, `deploy.deployments`,
 * `deploy.paused` and `deploy.hook-answered` (src/deploy/watch-strategy.ts): the service deployment's
 * status, its lifecycle stage and the stages before it, the target revision's traffic weights, the
 * hooks, a paused PAUSE hook and its answer. Pure.
 */
import { LIFECYCLE_STAGES } from '../../../../src/core/rollout/strategy.js';

/** A lifecycle hook's run as `deploy.stage` lists it (src/core/rollout/service-deployment.ts HookSnapshot). */
export interface HookView {
  hookId: string;
  /** AWS_LAMBDA | PAUSE. */
  targetType: string;
  /** IN_PROGRESS | AWAITING_ACTION | SUCCEEDED | FAILED | TIMED_OUT. */
  status: string;
}

/** A PAUSE hook waiting for an answer (`deploy.paused`). */
export interface PausedHook {
  stage: string;
  hookId: string;
  /** Epoch ms: when ECS applies the hook's timeout action. */
  expiresAt?: number;
  timeoutAction?: string;
}

/** Where a strategy deployment stands. */
export interface StrategyProgress {
  strategy: string;
  /** The lifecycle stage ECS reports now. */
  stage?: string;
  /** The service deployment's status (PENDING, IN_PROGRESS, SUCCESSFUL, ROLLBACK_…, STOPPED). */
  status?: string;
  /** The target revision's weights (percent). */
  productionWeight?: number;
  testWeight?: number;
  /** The target revision (family:revision). */
  revision?: string;
  /** Every stage reported, in order, once each. */
  stagesSeen: string[];
  /** The stage the deployment was in when it started rolling back or stopping. */
  failedAt?: string;
  /** The current stage's hooks. */
  hooks: HookView[];
  paused?: PausedHook;
  /** The last PAUSE hook answered by Slipway (CONTINUE, ROLLBACK) or why it could not be. */
  hookAnswered?: { hookId: string; action?: string; message: string };
}

/** Service deployment statuses of a rollback or a stop, under way or done. */
export const FAILING_STATUSES: ReadonlySet<string> = new Set([
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
  'STOP_REQUESTED',
  'STOPPED',
]);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function hooksOf(v: unknown): HookView[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.flatMap((h) => {
    const o = rec(h);
    const hookId = str(o?.['hookId']);
    return o && hookId
      ? [{ hookId, targetType: str(o['targetType']) ?? '', status: str(o['status']) ?? '' }]
      : [];
  });
}

/**
 * The progress after a `deploy.stage` or `deploy.deployments` event's data (a null stage or weight
 * keeps what was known). A pause ends once the stage moves on, the hook no longer awaits action, or
 * the deployment ends.
 */
export function applyStrategyState(
  prev: StrategyProgress | undefined,
  d: Record<string, unknown>,
): StrategyProgress {
  const stage = str(d['stage']) ?? prev?.stage;
  const status = str(d['status']) ?? prev?.status;
  const next: StrategyProgress = {
    ...prev,
    strategy: str(d['strategy']) ?? prev?.strategy ?? '',
    stagesSeen: [...(prev?.stagesSeen ?? [])],
    hooks: hooksOf(d['hooks']) ?? prev?.hooks ?? [],
  };
  if (stage !== undefined) next.stage = stage;
  if (status !== undefined) next.status = status;
  const test = num(d['testWeight']);
  const production = num(d['productionWeight']);
  if (test !== undefined) next.testWeight = test;
  if (production !== undefined) next.productionWeight = production;
  const revision = str(d['revision']);
  if (revision) next.revision = revision;
  if (stage !== undefined && !next.stagesSeen.includes(stage)) next.stagesSeen.push(stage);
  if (
    status !== undefined &&
    FAILING_STATUSES.has(status) &&
    next.failedAt === undefined &&
    !(prev?.status && FAILING_STATUSES.has(prev.status))
  ) {
    // The event that first shows a rollback may already carry its stage: the one before counts.
    const before = prev?.stage ?? stage;
    if (before !== undefined) next.failedAt = before;
  }
  const p = next.paused;
  if (p) {
    const hook = next.hooks.find((h) => h.hookId === p.hookId);
    const over =
      (stage !== undefined && stage !== p.stage) ||
      (hook !== undefined && hook.status !== 'AWAITING_ACTION') ||
      (status !== undefined && status !== 'IN_PROGRESS' && status !== 'PENDING');
    if (over) delete next.paused;
  }
  return next;
}

/** The progress after `deploy.paused`. */
export function applyPaused(
  prev: StrategyProgress | undefined,
  d: Record<string, unknown>,
): StrategyProgress {
  const hook = rec(d['hook']);
  const expiresAt = num(hook?.['expiresAt']);
  const timeoutAction = str(hook?.['timeoutAction']);
  const stage = str(d['stage']) ?? prev?.stage ?? '';
  const next: StrategyProgress = {
    strategy: prev?.strategy ?? '',
    stagesSeen: [...(prev?.stagesSeen ?? [])],
    hooks: prev?.hooks ?? [],
    ...prev,
    paused: {
      stage,
      hookId: str(hook?.['hookId']) ?? '',
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(timeoutAction ? { timeoutAction } : {}),
    },
  };
  if (stage && !next.stagesSeen.includes(stage)) next.stagesSeen = [...next.stagesSeen, stage];
  return next;
}

/** The progress after `deploy.hook-answered` (`action` absent: the answer could not be sent). */
export function applyHookAnswered(
  prev: StrategyProgress | undefined,
  d: Record<string, unknown>,
  message: string,
): StrategyProgress | undefined {
  if (!prev) return prev;
  const action = str(d['action']);
  const hookId = str(d['hookId']) ?? prev.paused?.hookId ?? '';
  const next: StrategyProgress = {
    ...prev,
    hookAnswered: { hookId, message, ...(action ? { action } : {}) },
  };
  if (!next.paused || next.paused.hookId === hookId) delete next.paused;
  return next;
}

/** True for the strategies that shift traffic through lifecycle stages. */
export function shiftsTraffic(strategy: string): boolean {
  return strategy === 'BLUE_GREEN' || strategy === 'LINEAR' || strategy === 'CANARY';
}

/** One stage in the sequence the view draws. */
export interface StageStep {
  stage: string;
  state: 'done' | 'current' | 'failed' | 'upcoming';
}

// A hook stage only: ECS reports PRODUCTION_TRAFFIC_SHIFT around it (shown when seen).
const HOOK_ONLY = 'PRE_PRODUCTION_TRAFFIC_SHIFT';

/**
 * The lifecycle stages in ECS's order with where the deployment is: passed stages `done` (ECS may
 * pass one between two polls), the current one `current` (`failed` where a rollback or stop began),
 * later ones `upcoming`; all `done` once SUCCESSFUL. Empty for a strategy without stages (ROLLING).
 */
export function stageSteps(p: StrategyProgress): StageStep[] {
  if (!shiftsTraffic(p.strategy)) return [];
  const stages = LIFECYCLE_STAGES.filter((s) => s !== HOOK_ONLY || p.stagesSeen.includes(s));
  const failing = p.status !== undefined && FAILING_STATUSES.has(p.status);
  const at = failing ? (p.failedAt ?? p.stage) : p.stage;
  const index = at === undefined ? -1 : stages.indexOf(at as (typeof stages)[number]);
  return stages.map((stage, i) => ({
    stage,
    state:
      p.status === 'SUCCESSFUL'
        ? 'done'
        : i < index
          ? 'done'
          : i === index
            ? failing
              ? 'failed'
              : 'current'
            : 'upcoming',
  }));
}

/** What the view needs of an interruption (GET /deployments/{id}/interruptions items). */
export interface InterruptionRef {
  id: string;
  kind: string;
  step: string;
  target?: string;
  title: string;
  instructions: string;
  answer?: string;
}

/**
 * The manual intervention asking about a paused hook of `service` in step × target `path`: the open
 * one whose instructions name the hook (src/jobs/executors/ecs-update-service-pause.ts), else the
 * open one of step `path[0]` whose title names the service.
 */
export function interventionFor<T extends InterruptionRef>(
  path: readonly string[],
  service: string,
  hookId: string,
  items: readonly T[],
): T | undefined {
  const open = items.filter((i) => i.kind === 'manual-intervention' && i.answer === undefined);
  return (
    (hookId ? open.find((i) => i.instructions.includes(`PAUSE hook ${hookId}`)) : undefined) ??
    open.find((i) => i.step === path[0] && i.title.includes(service))
  );
}
