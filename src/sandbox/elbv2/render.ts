/** ELBv2 entities as the Query API returns them (member names from botocore's elbv2 model). */
import type { XmlNode } from '../protocol/xml.js';
import { loadBalancersOf } from './health.js';
import type {
  ElbAction,
  ElbCondition,
  ElbListener,
  ElbLoadBalancer,
  ElbRule,
  ElbTargetGroup,
  Elbv2Region,
} from './model.js';

export function loadBalancerXml(lb: ElbLoadBalancer, region: string): XmlNode {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: lb.canonicalHostedZoneId,
    CreatedTime: new Date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    // Provisioning is instant in the sandbox.
    State: { Code: 'active' },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((s, i) => ({
      ZoneName: `${region}${String.fromCharCode(97 + (i % 6))}`,
      SubnetId: s,
    })),
    SecurityGroups: lb.type === 'application' ? lb.securityGroups : undefined,
    IpAddressType: lb.ipAddressType,
  };
}

export function targetGroupXml(elb: Elbv2Region, tg: ElbTargetGroup): XmlNode {
  const hc = tg.healthCheck;
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPort: hc.port,
    HealthCheckEnabled: hc.enabled,
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
    HealthCheckPath: hc.path,
    Matcher: hc.matcher === undefined ? undefined : { HttpCode: hc.matcher },
    LoadBalancerArns: loadBalancersOf(elb, tg.arn),
    TargetType: tg.targetType,
    ProtocolVersion: tg.protocolVersion,
    IpAddressType: tg.ipAddressType,
  };
}

/** An action; a forward shows TargetGroupArn too when it sends to one target group, as AWS does. */
export function actionXml(a: ElbAction): XmlNode {
  const out: XmlNode = { Type: a.type };
  if (a.type === 'forward') {
    const groups =
      a.targetGroups ?? (a.targetGroupArn ? [{ targetGroupArn: a.targetGroupArn, weight: 1 }] : []);
    if (groups.length === 1) out.TargetGroupArn = groups[0]!.targetGroupArn;
    out.ForwardConfig = {
      TargetGroups: groups.map((g) => ({ TargetGroupArn: g.targetGroupArn, Weight: g.weight })),
      TargetGroupStickinessConfig: {
        Enabled: a.stickiness?.enabled ?? false,
        DurationSeconds: a.stickiness?.durationSeconds,
      },
    };
  }
  if (a.fixedResponse) {
    out.FixedResponseConfig = {
      MessageBody: a.fixedResponse.messageBody,
      StatusCode: a.fixedResponse.statusCode,
      ContentType: a.fixedResponse.contentType,
    };
  }
  if (a.redirect) out.RedirectConfig = { ...a.redirect };
  if (a.order !== undefined) out.Order = a.order;
  return out;
}

function conditionXml(c: ElbCondition): XmlNode {
  const out: XmlNode = { Field: c.field };
  if (c.values.length > 0) out.Values = c.values;
  for (const [name, config] of Object.entries(c.configs ?? {})) out[name] = { ...config };
  return out;
}

export function listenerXml(l: ElbListener, defaultRule: ElbRule | undefined): XmlNode {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    Certificates: l.certificates?.map((c) => ({ CertificateArn: c })),
    SslPolicy: l.sslPolicy,
    DefaultActions: (defaultRule?.actions ?? []).map(actionXml),
  };
}

export function ruleXml(r: ElbRule): XmlNode {
  return {
    RuleArn: r.arn,
    Priority: r.priority,
    Conditions: r.conditions.map(conditionXml),
    Actions: r.actions.map(actionXml),
    IsDefault: r.isDefault,
  };
}
