/**
 * Target health computed from timestamps at read time, so nothing needs a timer and a state file
 * loaded later shows the same states: a target is `initial` for the health check interval × the
 * healthy threshold after registration, then `healthy`; a deregistered target is `draining` for
 * the deregistration delay, then gone; every target of a target group no listener rule forwards
 * to is `unused`.
 */
import type { Elbv2Region, ElbTarget, ElbTargetGroup } from './model.js';
import { forwardAction, weightsOf } from './model.js';

export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export interface TargetHealth {
  state: TargetHealthState;
  reason?: string;
  description?: string;
}

/** The target's key in ElbTargetGroup.targets (an id may be registered on several ports). */
export function targetKey(id: string, port: number): string {
  return `${id}:${port}`;
}

/** The deregistration delay of a target group in ms (attribute default 300 s, as AWS). */
export function deregistrationDelayMs(tg: ElbTargetGroup): number {
  return Number(tg.attributes['deregistration_delay.timeout_seconds'] ?? '300') * 1000;
}

/** How long a registered target stays `initial`, in ms: interval × healthy threshold. */
export function healthyAfterMs(tg: ElbTargetGroup): number {
  return tg.healthCheck.intervalSeconds * tg.healthCheck.healthyThreshold * 1000;
}

/** True when the target has finished draining (DescribeTargetHealth no longer lists it). */
export function isGone(tg: ElbTargetGroup, t: ElbTarget, now: number): boolean {
  return t.deregisteredAt !== undefined && now >= t.deregisteredAt + deregistrationDelayMs(tg);
}

/** True when some listener's default rule or some rule forwards to the target group. */
export function isInUse(elb: Elbv2Region, tgArn: string): boolean {
  return Object.values(elb.rules).some((r) => {
    const fwd = forwardAction(r);
    return fwd !== undefined && weightsOf(fwd).some((w) => w.targetGroupArn === tgArn);
  });
}

/** Load balancers whose listeners forward to the target group (LoadBalancerArns of a TG). */
export function loadBalancersOf(elb: Elbv2Region, tgArn: string): string[] {
  const out = new Set<string>();
  for (const r of Object.values(elb.rules)) {
    const fwd = forwardAction(r);
    if (!fwd || !weightsOf(fwd).some((w) => w.targetGroupArn === tgArn)) continue;
    const l = elb.listeners[r.listenerArn];
    if (l) out.add(l.loadBalancerArn);
  }
  return [...out];
}

/** The health of one target at sandbox time `now` (epoch ms). */
export function healthOf(elb: Elbv2Region, tg: ElbTargetGroup, t: ElbTarget, now: number): TargetHealth {
  if (t.deregisteredAt !== undefined) {
    return {
      state: 'draining',
      reason: 'Target.DeregistrationInProgress',
      description: 'Target deregistration is in progress',
    };
  }
  if (!isInUse(elb, tg.arn)) {
    return {
      state: 'unused',
      reason: 'Target.NotInUse',
      description: 'Target group is not configured to receive traffic from the load balancer',
    };
  }
  if (!tg.healthCheck.enabled) {
    return {
      state: 'unavailable',
      reason: 'Target.HealthCheckDisabled',
      description: 'Health checks are disabled',
    };
  }
  if (now < t.registeredAt + healthyAfterMs(tg)) {
    return {
      state: 'initial',
      reason: 'Elb.RegistrationInProgress',
      description: 'Target registration is in progress',
    };
  }
  return { state: 'healthy' };
}

/** Drops targets that finished draining (called when a target group changes). */
export function pruneGone(tg: ElbTargetGroup, now: number): void {
  for (const [k, t] of Object.entries(tg.targets)) if (isGone(tg, t, now)) delete tg.targets[k];
}
