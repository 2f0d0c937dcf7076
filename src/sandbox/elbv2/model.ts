/**
 * Elastic Load Balancing v2 state of one account in one region, as plain data: application load
 * balancers, target groups with their targets, listeners and rules. A listener's default actions
 * live in its default rule (AWS gives that rule an ARN too, and DescribeRules lists it), so the
 * weights of a forward action are read and written the same way for a listener and for a rule.
 * Target health is not stored: it is computed from timestamps at read time (see health.ts).
 */

export interface ElbTag {
  Key: string;
  Value: string;
}

export interface ElbLoadBalancer {
  arn: string;
  name: string;
  dnsName: string;
  canonicalHostedZoneId: string;
  scheme: 'internet-facing' | 'internal';
  type: 'application' | 'network';
  ipAddressType: string;
  vpcId: string;
  /** As given (the sandbox has no EC2 to check them against). */
  subnets: string[];
  securityGroups: string[];
  /** Sandbox epoch ms. */
  createdAt: number;
  tags: ElbTag[];
}

export interface ElbHealthCheck {
  enabled: boolean;
  protocol: string;
  port: string;
  path?: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  matcher?: string;
}

/** A target as registered; its health state is derived from the timestamps. */
export interface ElbTarget {
  id: string;
  port: number;
  /** Sandbox epoch ms of the (last) registration. */
  registeredAt: number;
  /** Set on deregistration: the target drains until deregisteredAt + the deregistration delay. */
  deregisteredAt?: number;
}

export interface ElbTargetGroup {
  arn: string;
  name: string;
  protocol: string;
  protocolVersion?: string;
  port: number;
  vpcId: string;
  targetType: 'ip' | 'instance' | 'lambda' | 'alb';
  ipAddressType?: string;
  healthCheck: ElbHealthCheck;
  /** Target group attributes (deregistration_delay.timeout_seconds, ...), as strings like AWS. */
  attributes: Record<string, string>;
  /** By target id (a task's IP address for `ip`). */
  targets: Record<string, ElbTarget>;
  createdAt: number;
  tags: ElbTag[];
}

/** One target group of a forward action. */
export interface ElbWeightedTargetGroup {
  targetGroupArn: string;
  weight: number;
}

export interface ElbAction {
  type: string;
  order?: number;
  /** Forward: the target groups with their weights (a single TargetGroupArn becomes weight 1). */
  targetGroups?: ElbWeightedTargetGroup[];
  /** Forward given with a single TargetGroupArn (echoed back as such). */
  targetGroupArn?: string;
  stickiness?: { enabled: boolean; durationSeconds?: number };
  fixedResponse?: { statusCode: string; contentType?: string; messageBody?: string };
  redirect?: Record<string, string>;
}

export interface ElbCondition {
  field: string;
  values: string[];
  /** The nested config object (PathPatternConfig, HostHeaderConfig, ...) by its member name. */
  configs?: Record<string, Record<string, string[] | string>>;
}

export interface ElbRule {
  arn: string;
  listenerArn: string;
  /** "default" for the listener's default rule, else the priority as a decimal string. */
  priority: string;
  isDefault: boolean;
  conditions: ElbCondition[];
  actions: ElbAction[];
  tags: ElbTag[];
}

export interface ElbListener {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  /** The ARN of the listener's default rule (holds the default actions). */
  defaultRuleArn: string;
  sslPolicy?: string;
  certificates?: string[];
  tags: ElbTag[];
}

export interface Elbv2Region {
  loadBalancers: Record<string, ElbLoadBalancer>;
  targetGroups: Record<string, ElbTargetGroup>;
  listeners: Record<string, ElbListener>;
  rules: Record<string, ElbRule>;
}

export function emptyElbv2Region(): Elbv2Region {
  return { loadBalancers: {}, targetGroups: {}, listeners: {}, rules: {} };
}

/** The region's ELBv2 state, created on first use (state files written before ELBv2 have none). */
export function elbv2Of(rs: { elbv2?: Elbv2Region }): Elbv2Region {
  rs.elbv2 ??= emptyElbv2Region();
  return rs.elbv2;
}

/** The forward action of a rule (the first one), if any. */
export function forwardAction(rule: ElbRule): ElbAction | undefined {
  return rule.actions.find((a) => a.type === 'forward');
}

/** Target groups a rule forwards to, with their weights (a single TargetGroupArn weighs 1). */
export function weightsOf(action: ElbAction): ElbWeightedTargetGroup[] {
  if (action.targetGroups && action.targetGroups.length > 0)
    return action.targetGroups.map((t) => ({ ...t }));
  if (action.targetGroupArn) return [{ targetGroupArn: action.targetGroupArn, weight: 1 }];
  return [];
}
