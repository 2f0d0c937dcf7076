/**
 * What other sandbox engines (ECS's native blue/green, linear and canary deployments) call to
 * read and drive the load balancer. Plain data in the world: nothing here holds a timer; target
 * health follows from the timestamps passed as `now` (sandbox epoch ms, runtime.clock.now()).
 */
import type { RegionState } from '../world.js';
import { healthOf, isGone, pruneGone, targetKey, type TargetHealth } from './health.js';
import { elbv2Of, forwardAction, weightsOf, type ElbRule, type ElbTargetGroup } from './model.js';

export type { TargetHealth } from './health.js';
export type { ElbRule, ElbTargetGroup, ElbWeightedTargetGroup } from './model.js';

/** The target group with this ARN, or undefined. */
export function findTargetGroup(region: RegionState, arn: string): ElbTargetGroup | undefined {
  return region.elbv2?.targetGroups[arn];
}

/** The rule with this ARN; a listener ARN means that listener's default rule. Undefined if none. */
export function findRule(region: RegionState, ruleOrListenerArn: string): ElbRule | undefined {
  const elb = region.elbv2;
  if (!elb) return undefined;
  const listener = elb.listeners[ruleOrListenerArn];
  return elb.rules[listener ? listener.defaultRuleArn : ruleOrListenerArn];
}

/** The target groups the rule's (or listener's default) forward action sends to, with weights; [] if none. */
export function forwardWeights(
  region: RegionState,
  ruleArn: string,
): { targetGroupArn: string; weight: number }[] {
  const rule = findRule(region, ruleArn);
  const fwd = rule && forwardAction(rule);
  return fwd ? weightsOf(fwd) : [];
}

/**
 * Replaces the weights of the rule's (or listener's default) forward action, as ModifyRule or
 * ModifyListener would; creates the forward action if the rule has none. False if no such rule.
 */
export function setForwardWeights(
  region: RegionState,
  ruleArn: string,
  weights: { targetGroupArn: string; weight: number }[],
): boolean {
  const rule = findRule(region, ruleArn);
  if (!rule) return false;
  const targetGroups = weights.map((w) => ({ targetGroupArn: w.targetGroupArn, weight: w.weight }));
  const fwd = forwardAction(rule);
  if (fwd) {
    fwd.targetGroups = targetGroups;
    delete fwd.targetGroupArn;
  } else {
    rule.actions = [{ type: 'forward', order: 1, targetGroups }];
  }
  return true;
}

/**
 * Registers a task's target (its IP for `ip` target groups) as RegisterTargets does: `initial`
 * until interval × healthy threshold after `now`, then `healthy`. Re-registering a draining
 * target starts over. False if no such target group.
 */
export function registerTaskTarget(
  region: RegionState,
  targetGroupArn: string,
  target: { id: string; port: number },
  now: number,
): boolean {
  const tg = findTargetGroup(region, targetGroupArn);
  if (!tg) return false;
  pruneGone(tg, now);
  const key = targetKey(target.id, target.port);
  const existing = tg.targets[key];
  if (existing && existing.deregisteredAt === undefined) return true;
  tg.targets[key] = { id: target.id, port: target.port, registeredAt: now };
  return true;
}

/**
 * Deregisters the target with this id (every port, or only `port` when given: several tasks share
 * an instance id) as DeregisterTargets does: `draining` for the target group's deregistration
 * delay, then gone. False if no such target group.
 */
export function deregisterTaskTarget(
  region: RegionState,
  targetGroupArn: string,
  id: string,
  now: number,
  port?: number,
): boolean {
  const tg = findTargetGroup(region, targetGroupArn);
  if (!tg) return false;
  pruneGone(tg, now);
  for (const t of Object.values(tg.targets)) {
    if (t.id === id && (port === undefined || t.port === port) && t.deregisteredAt === undefined) {
      t.deregisteredAt = now;
    }
  }
  return true;
}

/** The health of a target (by id, first port found) at `now`; undefined when not registered or gone. */
export function taskTargetHealth(
  region: RegionState,
  targetGroupArn: string,
  id: string,
  now: number,
): TargetHealth | undefined {
  const tg = findTargetGroup(region, targetGroupArn);
  if (!tg) return undefined;
  const elb = elbv2Of(region);
  const t = Object.values(tg.targets).find((x) => x.id === id && !isGone(tg, x, now));
  return t ? healthOf(elb, tg, t, now) : undefined;
}
