/** Finding ELBv2 resources for an API call (AWS's not-found errors) and minting their ARNs. */
import { randomBytes } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { CallContext } from '../service.js';
import {
  elbv2Of,
  type ElbListener,
  type ElbLoadBalancer,
  type ElbRule,
  type ElbTag,
  type ElbTargetGroup,
  type Elbv2Region,
} from './model.js';

/** The region's ELBv2 state of the calling account. */
export function elbOf(ctx: CallContext): Elbv2Region {
  return elbv2Of(ctx.regionState);
}

/** 16 hex digits, like the ids in ELBv2 ARNs. */
export function hexId(): string {
  return randomBytes(8).toString('hex');
}

/** `arn:aws:elasticloadbalancing:<region>:<account>:` */
export function arnPrefix(ctx: CallContext): string {
  return `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.account.id}:`;
}

export function loadBalancerNotFound(): AwsError {
  return new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
}
export function targetGroupNotFound(): AwsError {
  return new AwsError('TargetGroupNotFound', 'One or more target groups not found');
}
export function listenerNotFound(): AwsError {
  return new AwsError('ListenerNotFound', 'One or more listeners not found');
}
export function ruleNotFound(): AwsError {
  return new AwsError('RuleNotFound', 'One or more rules not found');
}

export function getLoadBalancer(elb: Elbv2Region, arn: string): ElbLoadBalancer {
  const lb = elb.loadBalancers[arn];
  if (!lb) throw loadBalancerNotFound();
  return lb;
}
export function getTargetGroup(elb: Elbv2Region, arn: string): ElbTargetGroup {
  const tg = elb.targetGroups[arn];
  if (!tg) throw targetGroupNotFound();
  return tg;
}
export function getListener(elb: Elbv2Region, arn: string): ElbListener {
  const l = elb.listeners[arn];
  if (!l) throw listenerNotFound();
  return l;
}
export function getRule(elb: Elbv2Region, arn: string): ElbRule {
  const r = elb.rules[arn];
  if (!r) throw ruleNotFound();
  return r;
}

/** The tags of any taggable resource by ARN, or its kind's not-found error. */
export function tagsOfResource(elb: Elbv2Region, arn: string): ElbTag[] {
  if (arn.includes(':loadbalancer/')) return getLoadBalancer(elb, arn).tags;
  if (arn.includes(':targetgroup/')) return getTargetGroup(elb, arn).tags;
  if (arn.includes(':listener-rule/')) return getRule(elb, arn).tags;
  if (arn.includes(':listener/')) return getListener(elb, arn).tags;
  throw new AwsError(
    'ValidationError',
    `'${arn}' is not a valid load balancer, target group, listener or rule ARN`,
  );
}

/** Rules of a listener, by priority, its default rule last (as DescribeRules lists them). */
export function rulesOf(elb: Elbv2Region, listenerArn: string): ElbRule[] {
  return Object.values(elb.rules)
    .filter((r) => r.listenerArn === listenerArn)
    .sort((a, b) => (a.isDefault ? 1 : b.isDefault ? -1 : Number(a.priority) - Number(b.priority)));
}

/** Drops a listener and its rules. */
export function removeListener(elb: Elbv2Region, listenerArn: string): void {
  for (const r of Object.values(elb.rules)) if (r.listenerArn === listenerArn) delete elb.rules[r.arn];
  delete elb.listeners[listenerArn];
}
