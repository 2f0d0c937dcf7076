/**
 * Adaptive polling: fast right after an update and when the rollout looks about to finish (so
 * completion is noticed within about a second), slow while tasks are still being pulled and started
 * or nothing changes (so a long rollout costs a fraction of a fixed 1 s poller's calls).
 */
import type { DeploymentSnapshot, ServiceSnapshot } from './types.js';

export const POLL = {
  /** Right after UpdateService: catch the new deployment and early refusals. */
  startMs: 400,
  /** The first few seconds count as "just started". */
  startPhaseMs: 2500,
  /** Our tasks are all up and the old ones are draining: completion is next. */
  finishingMs: 750,
  /** ... for this long; a long connection drain then gets a slower pace. */
  finishingPhaseMs: 30_000,
  finishingSlowMs: 1500,
  /** Our tasks are up, waiting for health or for the old ones to be stopped. */
  healthWaitMs: 2000,
  /** Tasks still pulling or starting. */
  farMinMs: 2000,
  farMaxMs: 5000,
  backoff: 1.5,
  /** A poll that needed retries (throttling, a network blip): at least this long before the next... */
  busyMinMs: 2000,
  /** ... doubling while polls keep needing retries, up to this. */
  busyMaxMs: 30_000,
} as const;

/** Where a rollout stands, for the pace of polling. */
export type PollPhase = 'starting' | 'finishing' | 'health-wait' | 'far';

/** The phase of our deployment in this snapshot. */
export function pollPhase(
  snapshot: ServiceSnapshot | undefined,
  ours: DeploymentSnapshot | undefined,
  sinceStartMs: number,
): PollPhase {
  if (!snapshot || !ours || sinceStartMs < POLL.startPhaseMs) return 'starting';
  if (ours.running < ours.desired || ours.pending > 0) return 'far';
  const others = snapshot.deployments.filter((d) => d.id !== ours.id && d.status !== 'INACTIVE');
  if (others.every((d) => d.running === 0) || ours.rolloutState === 'COMPLETED') return 'finishing';
  return 'health-wait';
}

export interface PollState {
  phase: PollPhase;
  phaseSince: number;
  delayMs: number;
}

/** The next delay, given the previous state, the phase now and whether anything changed. */
export function nextPollDelay(
  prev: PollState | undefined,
  phase: PollPhase,
  changed: boolean,
  now: number,
): PollState {
  const phaseSince = prev && prev.phase === phase ? prev.phaseSince : now;
  let delayMs: number;
  switch (phase) {
    case 'starting':
      delayMs = POLL.startMs;
      break;
    case 'finishing':
      delayMs = now - phaseSince < POLL.finishingPhaseMs ? POLL.finishingMs : POLL.finishingSlowMs;
      break;
    case 'health-wait':
      delayMs = POLL.healthWaitMs;
      break;
    case 'far':
      delayMs =
        changed || !prev || prev.phase !== 'far'
          ? POLL.farMinMs
          : Math.min(POLL.farMaxMs, Math.round(prev.delayMs * POLL.backoff));
      break;
  }
  return { phase, phaseSince, delayMs };
}

/**
 * The shortest interval between DescribeServices calls for `services` watched at once, so that
 * polling uses at most `share` of the sustained rate (10 services per call).
 */
export function minPollIntervalMs(services: number, perSecond: number, share = 0.25): number {
  const calls = Math.max(1, Math.ceil(services / 10));
  return Math.ceil((calls * 1000) / (perSecond * share));
}

/**
 * The least delay before the next poll after one that needed `attempts` attempts: 0 when it went
 * through at once; else double the last such delay (from POLL.busyMinMs, at most POLL.busyMaxMs).
 * An API that throttles is asked less often until it answers at once, instead of being polled at
 * the rollout's pace with every other call refused.
 */
export function busyPollDelay(previousMs: number, attempts: number): number {
  if (attempts <= 1) return 0;
  return Math.min(POLL.busyMaxMs, Math.max(POLL.busyMinMs, previousMs * 2));
}
