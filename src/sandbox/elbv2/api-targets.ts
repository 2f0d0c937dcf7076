/** ELBv2 target groups, their attributes, targets and target health. */
import { AwsError } from '../errors.js';
import { EMPTY_RESULT, memberList } from '../protocol/query.js';
import type { QueryHandler, QueryInput } from '../service.js';
import { checkName } from './api-balancers.js';
import { healthOf, isGone, isInUse, pruneGone, targetKey } from './health.js';
import { optionalBool, optionalInt, required, tagsOf, validation } from './input.js';
import { arnPrefix, elbOf, getLoadBalancer, getTargetGroup, hexId, targetGroupNotFound } from './lookup.js';
import type { ElbHealthCheck, ElbTargetGroup, Elbv2Region } from './model.js';
import { targetGroupXml } from './render.js';

const TARGET_TYPES = ['ip', 'instance', 'lambda', 'alb'];
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** Target group attributes AWS reports for a new ALB target group. */
function defaultAttributes(): Record<string, string> {
  return {
    'deregistration_delay.timeout_seconds': '300',
    'stickiness.enabled': 'false',
    'stickiness.type': 'lb_cookie',
    'stickiness.lb_cookie.duration_seconds': '86400',
    'load_balancing.algorithm.type': 'round_robin',
    'slow_start.duration_seconds': '0',
  };
}

/** Health check settings from input over `base` (CreateTargetGroup's defaults or the current ones). */
function healthCheckOf(input: QueryInput, base: ElbHealthCheck): ElbHealthCheck {
  const hc: ElbHealthCheck = {
    enabled: optionalBool(input, 'HealthCheckEnabled') ?? base.enabled,
    protocol: input.HealthCheckProtocol ?? base.protocol,
    port: input.HealthCheckPort ?? base.port,
    path: input.HealthCheckPath ?? base.path,
    intervalSeconds: optionalInt(input, 'HealthCheckIntervalSeconds') ?? base.intervalSeconds,
    timeoutSeconds: optionalInt(input, 'HealthCheckTimeoutSeconds') ?? base.timeoutSeconds,
    healthyThreshold: optionalInt(input, 'HealthyThresholdCount') ?? base.healthyThreshold,
    unhealthyThreshold: optionalInt(input, 'UnhealthyThresholdCount') ?? base.unhealthyThreshold,
    matcher: input['Matcher.HttpCode'] ?? base.matcher,
  };
  if (hc.intervalSeconds < 5 || hc.intervalSeconds > 300) {
    throw validation(
      `1 validation error detected: Value '${hc.intervalSeconds}' at 'healthCheckIntervalSeconds' failed to satisfy constraint: Member must have value ${hc.intervalSeconds < 5 ? 'greater than or equal to 5' : 'less than or equal to 300'}`,
    );
  }
  for (const [field, v] of [
    ['healthyThresholdCount', hc.healthyThreshold],
    ['unhealthyThresholdCount', hc.unhealthyThreshold],
  ] as const) {
    if (v < 2 || v > 10) {
      throw validation(
        `1 validation error detected: Value '${v}' at '${field}' failed to satisfy constraint: Member must have value ${v < 2 ? 'greater than or equal to 2' : 'less than or equal to 10'}`,
      );
    }
  }
  if (hc.timeoutSeconds >= hc.intervalSeconds) {
    throw new AwsError(
      'InvalidConfigurationRequest',
      'Health check interval must be greater than the timeout.',
    );
  }
  return hc;
}

function newTargetGroup(input: QueryInput, arn: string, name: string, now: number): ElbTargetGroup {
  const targetType = (input.TargetType ?? 'instance') as ElbTargetGroup['targetType'];
  if (!TARGET_TYPES.includes(targetType)) throw validation(`Target type '${targetType}' is not valid`);
  const protocol = input.Protocol;
  const port = optionalInt(input, 'Port');
  if (targetType !== 'lambda') {
    if (!protocol) throw validation('A protocol must be specified');
    if (port === undefined) throw validation('A port must be specified');
    if (!input.VpcId) throw validation('A VPC ID must be specified');
  }
  const http = protocol === 'HTTP' || protocol === 'HTTPS';
  const healthCheck = healthCheckOf(input, {
    enabled: true,
    protocol: http ? protocol : 'TCP',
    port: 'traffic-port',
    path: http ? '/' : undefined,
    intervalSeconds: 30,
    timeoutSeconds: http ? 5 : 10,
    healthyThreshold: 5,
    unhealthyThreshold: 2,
    matcher: http ? '200' : undefined,
  });
  return {
    arn,
    name,
    protocol: protocol ?? 'HTTP',
    protocolVersion: http ? (input.ProtocolVersion ?? 'HTTP1') : undefined,
    port: port ?? 0,
    vpcId: input.VpcId ?? '',
    targetType,
    ipAddressType: input.IpAddressType ?? 'ipv4',
    healthCheck,
    attributes: defaultAttributes(),
    targets: {},
    createdAt: now,
    tags: tagsOf(input),
  };
}

function targetsOf(input: QueryInput, tg: ElbTargetGroup): { id: string; port: number }[] {
  const out: { id: string; port: number }[] = [];
  for (let i = 1; input[`Targets.member.${i}.Id`] !== undefined; i++) {
    out.push({
      id: input[`Targets.member.${i}.Id`]!,
      port: optionalInt(input, `Targets.member.${i}.Port`) ?? tg.port,
    });
  }
  return out;
}

function describeTargetGroups(elb: Elbv2Region, input: QueryInput): ElbTargetGroup[] {
  const all = Object.values(elb.targetGroups);
  const arns = memberList(input, 'TargetGroupArns');
  const names = memberList(input, 'Names');
  if (arns.length > 0) {
    if (arns.some((a) => !elb.targetGroups[a])) throw targetGroupNotFound();
    return arns.map((a) => elb.targetGroups[a]!);
  }
  if (names.length > 0) {
    if (names.some((n) => !all.some((t) => t.name === n))) throw targetGroupNotFound();
    return all.filter((t) => names.includes(t.name));
  }
  if (input.LoadBalancerArn) {
    const lb = getLoadBalancer(elb, input.LoadBalancerArn);
    return all.filter((t) =>
      Object.values(elb.rules).some(
        (r) =>
          elb.listeners[r.listenerArn]?.loadBalancerArn === lb.arn &&
          r.actions.some(
            (a) =>
              a.targetGroupArn === t.arn || (a.targetGroups ?? []).some((g) => g.targetGroupArn === t.arn),
          ),
      ),
    );
  }
  return all;
}

export const targetActions: Record<string, QueryHandler> = {
  CreateTargetGroup: (input, ctx) => {
    const elb = elbOf(ctx);
    const name = required(input, 'Name');
    checkName('Target group', name);
    const tg = newTargetGroup(input, `${arnPrefix(ctx)}targetgroup/${name}/${hexId()}`, name, ctx.now);
    const existing = Object.values(elb.targetGroups).find((t) => t.name === name);
    if (existing) {
      // CreateTargetGroup is idempotent: the same name and settings return the existing group.
      const same =
        existing.protocol === tg.protocol &&
        existing.port === tg.port &&
        existing.vpcId === tg.vpcId &&
        existing.targetType === tg.targetType;
      if (same) return { TargetGroups: [targetGroupXml(elb, existing)] };
      throw new AwsError(
        'DuplicateTargetGroupName',
        `A target group with the same name '${name}' exists, but with different settings`,
      );
    }
    elb.targetGroups[tg.arn] = tg;
    ctx.sandbox.changed();
    return { TargetGroups: [targetGroupXml(elb, tg)] };
  },
  DescribeTargetGroups: (input, ctx) => {
    const elb = elbOf(ctx);
    return { TargetGroups: describeTargetGroups(elb, input).map((t) => targetGroupXml(elb, t)) };
  },
  ModifyTargetGroup: (input, ctx) => {
    const elb = elbOf(ctx);
    const tg = getTargetGroup(elb, required(input, 'TargetGroupArn'));
    tg.healthCheck = healthCheckOf(input, tg.healthCheck);
    ctx.sandbox.changed();
    return { TargetGroups: [targetGroupXml(elb, tg)] };
  },
  DeleteTargetGroup: (input, ctx) => {
    const elb = elbOf(ctx);
    const arn = required(input, 'TargetGroupArn');
    if (!elb.targetGroups[arn]) return EMPTY_RESULT;
    if (isInUse(elb, arn)) {
      throw new AwsError(
        'ResourceInUse',
        `Target group '${arn}' is currently in use by a listener or a rule`,
      );
    }
    delete elb.targetGroups[arn];
    ctx.sandbox.changed();
    return EMPTY_RESULT;
  },
  DescribeTargetGroupAttributes: (input, ctx) => {
    const tg = getTargetGroup(elbOf(ctx), required(input, 'TargetGroupArn'));
    return { Attributes: Object.entries(tg.attributes).map(([Key, Value]) => ({ Key, Value })) };
  },
  ModifyTargetGroupAttributes: (input, ctx) => {
    const tg = getTargetGroup(elbOf(ctx), required(input, 'TargetGroupArn'));
    for (let i = 1; input[`Attributes.member.${i}.Key`] !== undefined; i++) {
      const key = input[`Attributes.member.${i}.Key`]!;
      const value = input[`Attributes.member.${i}.Value`] ?? '';
      if (key === 'deregistration_delay.timeout_seconds') {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0 || n > 3600) {
          throw new AwsError(
            'InvalidConfigurationRequest',
            `'${value}' must be a number between 0 and 3600 for attribute 'deregistration_delay.timeout_seconds'`,
          );
        }
      }
      tg.attributes[key] = value;
    }
    ctx.sandbox.changed();
    return { Attributes: Object.entries(tg.attributes).map(([Key, Value]) => ({ Key, Value })) };
  },
  RegisterTargets: (input, ctx) => {
    const tg = getTargetGroup(elbOf(ctx), required(input, 'TargetGroupArn'));
    const targets = targetsOf(input, tg);
    if (targets.length === 0) required(input, 'Targets');
    for (const t of targets) {
      if (tg.targetType === 'ip' && !IPV4.test(t.id)) {
        throw new AwsError('ValidationError', `The IP address '${t.id}' is not a valid IPv4 address`);
      }
      if (tg.targetType === 'instance' && !/^i-[0-9a-f]{8,17}$/.test(t.id)) {
        throw new AwsError('InvalidTarget', `The following targets are not valid instances: '${t.id}'`);
      }
    }
    pruneGone(tg, ctx.now);
    for (const t of targets) {
      const key = targetKey(t.id, t.port);
      const existing = tg.targets[key];
      if (existing && existing.deregisteredAt === undefined) continue;
      tg.targets[key] = { id: t.id, port: t.port, registeredAt: ctx.now };
    }
    ctx.sandbox.changed();
    return EMPTY_RESULT;
  },
  DeregisterTargets: (input, ctx) => {
    const tg = getTargetGroup(elbOf(ctx), required(input, 'TargetGroupArn'));
    const targets = targetsOf(input, tg);
    if (targets.length === 0) required(input, 'Targets');
    pruneGone(tg, ctx.now);
    const missing = targets.filter((t) => !tg.targets[targetKey(t.id, t.port)]);
    if (missing.length > 0) {
      throw new AwsError(
        'InvalidTarget',
        `The following targets are not registered in target group '${tg.arn}': ${missing.map((t) => `'Id=${t.id},Port=${t.port}'`).join(', ')}`,
      );
    }
    for (const t of targets) {
      const target = tg.targets[targetKey(t.id, t.port)]!;
      target.deregisteredAt ??= ctx.now;
    }
    ctx.sandbox.changed();
    return EMPTY_RESULT;
  },
  DescribeTargetHealth: (input, ctx) => {
    const elb = elbOf(ctx);
    const tg = getTargetGroup(elb, required(input, 'TargetGroupArn'));
    const asked = targetsOf(input, tg);
    const live = Object.values(tg.targets).filter((t) => !isGone(tg, t, ctx.now));
    const port = (p: number): string =>
      tg.healthCheck.port === 'traffic-port' ? String(p) : tg.healthCheck.port;
    const rows =
      asked.length === 0
        ? live.map((t) => ({ id: t.id, port: t.port, health: healthOf(elb, tg, t, ctx.now) }))
        : asked.map((a) => {
            const t = live.find((x) => x.id === a.id && x.port === a.port);
            return {
              id: a.id,
              port: a.port,
              health: t
                ? healthOf(elb, tg, t, ctx.now)
                : {
                    state: 'unused',
                    reason: 'Target.NotRegistered',
                    description: 'Target is not registered to the target group',
                  },
            };
          });
    return {
      TargetHealthDescriptions: rows.map((r) => ({
        Target: { Id: r.id, Port: r.port },
        HealthCheckPort: port(r.port),
        TargetHealth: { State: r.health.state, Reason: r.health.reason, Description: r.health.description },
      })),
    };
  },
};
