/** ELBv2 load balancers and listeners (a listener's default actions live in its default rule). */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import { EMPTY_RESULT, memberList } from '../protocol/query.js';
import type { QueryHandler } from '../service.js';
import { checkActions } from './actions.js';
import { actionsOf, hasList, optionalInt, required, tagsOf, validation } from './input.js';
import {
  arnPrefix,
  elbOf,
  getListener,
  getLoadBalancer,
  hexId,
  listenerNotFound,
  loadBalancerNotFound,
  removeListener,
} from './lookup.js';
import type { ElbListener, ElbLoadBalancer, ElbRule } from './model.js';
import { listenerXml, loadBalancerXml } from './render.js';

/** Route 53 zones of ALBs in a few regions; others get us-east-1's (the sandbox has no Route 53). */
const HOSTED_ZONES: Record<string, string> = {
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-east-2': 'Z3AADJGX6KTTL2',
  'us-west-2': 'Z1H1FL5HABSF5',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-central-1': 'Z215JYRZR1TBD5',
};

/** AWS's name rules for load balancers and target groups (`what` is "Load balancer" or "Target group"). */
export function checkName(what: string, name: string): void {
  if (name.length > 32) throw validation(`${what} name '${name}' cannot be longer than '32' characters`);
  if (!/^[A-Za-z0-9-]+$/.test(name)) {
    throw validation(
      `${what} name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`,
    );
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    throw validation(`${what} name '${name}' cannot begin or end with '-'`);
  }
}

const PORT_MAX = 65535;

function listenerPort(input: Record<string, string>): number | undefined {
  const port = optionalInt(input, 'Port');
  if (port !== undefined && (port < 1 || port > PORT_MAX)) {
    throw validation(
      `1 validation error detected: Value '${port}' at 'port' failed to satisfy constraint: Member must have value ${port < 1 ? 'greater than or equal to 1' : `less than or equal to ${PORT_MAX}`}`,
    );
  }
  return port;
}

function checkPortFree(listeners: ElbListener[], lbArn: string, port: number, except?: string): void {
  if (listeners.some((l) => l.loadBalancerArn === lbArn && l.port === port && l.arn !== except)) {
    throw new AwsError(
      'DuplicateListener',
      `A listener already exists on this port for this load balancer '${lbArn}'`,
    );
  }
}

export const balancerActions: Record<string, QueryHandler> = {
  CreateLoadBalancer: (input, ctx) => {
    const elb = elbOf(ctx);
    const name = required(input, 'Name');
    checkName('Load balancer', name);
    const type = (input.Type ?? 'application') as ElbLoadBalancer['type'];
    if (type !== 'application' && type !== 'network') {
      throw validation(`The sandbox serves application and network load balancers, not '${type}'.`);
    }
    const scheme = (input.Scheme ?? 'internet-facing') as ElbLoadBalancer['scheme'];
    if (scheme !== 'internet-facing' && scheme !== 'internal') {
      throw new AwsError('InvalidScheme', `Scheme '${scheme}' is not valid`);
    }
    const subnets = [
      ...memberList(input, 'Subnets'),
      ...Array.from({ length: 100 }, (_, i) => input[`SubnetMappings.member.${i + 1}.SubnetId`]).filter(
        (s): s is string => s !== undefined,
      ),
    ];
    if (type === 'application' && subnets.length < 2) {
      throw validation('At least two subnets in two different Availability Zones must be specified');
    }
    const existing = Object.values(elb.loadBalancers).find((l) => l.name === name);
    if (existing) {
      // CreateLoadBalancer is idempotent: the same name and settings return the existing one.
      if (existing.type === type && existing.scheme === scheme)
        return { LoadBalancers: [loadBalancerXml(existing, ctx.region)] };
      throw new AwsError(
        'DuplicateLoadBalancerName',
        `A load balancer with the same name '${name}' exists, but with different settings`,
      );
    }
    const id = hexId();
    const kind = type === 'application' ? 'app' : 'net';
    const digits = String(parseInt(id.slice(0, 8), 16))
      .padStart(10, '0')
      .slice(0, 10);
    const lb: ElbLoadBalancer = {
      arn: `${arnPrefix(ctx)}loadbalancer/${kind}/${name}/${id}`,
      name,
      dnsName: `${scheme === 'internal' ? 'internal-' : ''}${name}-${digits}.${ctx.region}.elb.amazonaws.com`,
      canonicalHostedZoneId: HOSTED_ZONES[ctx.region] ?? HOSTED_ZONES['us-east-1']!,
      scheme,
      type,
      ipAddressType: input.IpAddressType ?? 'ipv4',
      // No EC2 in the sandbox: a stable VPC id derived from the first subnet.
      vpcId: `vpc-${createHash('sha256')
        .update(subnets[0] ?? name)
        .digest('hex')
        .slice(0, 17)}`,
      subnets,
      securityGroups: memberList(input, 'SecurityGroups'),
      createdAt: ctx.now,
      tags: tagsOf(input),
    };
    elb.loadBalancers[lb.arn] = lb;
    ctx.sandbox.changed();
    return { LoadBalancers: [loadBalancerXml(lb, ctx.region)] };
  },
  DescribeLoadBalancers: (input, ctx) => {
    const elb = elbOf(ctx);
    const arns = memberList(input, 'LoadBalancerArns');
    const names = memberList(input, 'Names');
    let found = Object.values(elb.loadBalancers);
    if (arns.length > 0) {
      if (arns.some((a) => !elb.loadBalancers[a])) throw loadBalancerNotFound();
      found = arns.map((a) => elb.loadBalancers[a]!);
    } else if (names.length > 0) {
      const missing = names.filter((n) => !found.some((l) => l.name === n));
      if (missing.length > 0) {
        throw new AwsError('LoadBalancerNotFound', `Load balancers '[${missing.join(', ')}]' not found`);
      }
      found = found.filter((l) => names.includes(l.name));
    }
    return { LoadBalancers: found.map((l) => loadBalancerXml(l, ctx.region)) };
  },
  DeleteLoadBalancer: (input, ctx) => {
    const elb = elbOf(ctx);
    const arn = required(input, 'LoadBalancerArn');
    // AWS: deleting a load balancer that does not exist (any more) succeeds. Its listeners go with it.
    if (elb.loadBalancers[arn]) {
      for (const l of Object.values(elb.listeners)) if (l.loadBalancerArn === arn) removeListener(elb, l.arn);
      delete elb.loadBalancers[arn];
      ctx.sandbox.changed();
    }
    return EMPTY_RESULT;
  },
  CreateListener: (input, ctx) => {
    const elb = elbOf(ctx);
    const lb = getLoadBalancer(elb, required(input, 'LoadBalancerArn'));
    if (!hasList(input, 'DefaultActions')) required(input, 'DefaultActions');
    const protocol = input.Protocol ?? (lb.type === 'application' ? 'HTTP' : 'TCP');
    if (lb.type === 'application' && protocol !== 'HTTP' && protocol !== 'HTTPS') {
      throw new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported`);
    }
    const port = listenerPort(input) ?? (protocol === 'HTTPS' ? 443 : 80);
    const certificates = Array.from(
      { length: 100 },
      (_, i) => input[`Certificates.member.${i + 1}.CertificateArn`],
    ).filter((c): c is string => c !== undefined);
    if (protocol === 'HTTPS' && certificates.length === 0) {
      throw validation('A certificate must be specified for HTTPS listeners');
    }
    checkPortFree(Object.values(elb.listeners), lb.arn, port);
    const actions = actionsOf(input, 'DefaultActions');
    checkActions(elb, lb.arn, actions);
    const listenerId = hexId();
    const tail = lb.arn.slice(lb.arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
    const listener: ElbListener = {
      arn: `${arnPrefix(ctx)}listener/${tail}/${listenerId}`,
      loadBalancerArn: lb.arn,
      port,
      protocol,
      defaultRuleArn: `${arnPrefix(ctx)}listener-rule/${tail}/${listenerId}/${hexId()}`,
      sslPolicy: protocol === 'HTTPS' ? (input.SslPolicy ?? 'ELBSecurityPolicy-2016-08') : undefined,
      certificates: certificates.length > 0 ? certificates : undefined,
      tags: tagsOf(input),
    };
    const rule: ElbRule = {
      arn: listener.defaultRuleArn,
      listenerArn: listener.arn,
      priority: 'default',
      isDefault: true,
      conditions: [],
      actions,
      tags: [],
    };
    elb.listeners[listener.arn] = listener;
    elb.rules[rule.arn] = rule;
    ctx.sandbox.changed();
    return { Listeners: [listenerXml(listener, rule)] };
  },
  DescribeListeners: (input, ctx) => {
    const elb = elbOf(ctx);
    const arns = memberList(input, 'ListenerArns');
    let found: ElbListener[];
    if (arns.length > 0) {
      if (arns.some((a) => !elb.listeners[a])) throw listenerNotFound();
      found = arns.map((a) => elb.listeners[a]!);
    } else if (input.LoadBalancerArn) {
      const lb = getLoadBalancer(elb, input.LoadBalancerArn);
      found = Object.values(elb.listeners).filter((l) => l.loadBalancerArn === lb.arn);
    } else {
      throw validation('You must specify either listener ARNs or a load balancer ARN');
    }
    return { Listeners: found.map((l) => listenerXml(l, elb.rules[l.defaultRuleArn])) };
  },
  ModifyListener: (input, ctx) => {
    const elb = elbOf(ctx);
    const listener = getListener(elb, required(input, 'ListenerArn'));
    const port = listenerPort(input);
    if (port !== undefined)
      checkPortFree(Object.values(elb.listeners), listener.loadBalancerArn, port, listener.arn);
    const rule = elb.rules[listener.defaultRuleArn]!;
    let actions = rule.actions;
    if (hasList(input, 'DefaultActions')) {
      actions = actionsOf(input, 'DefaultActions');
      checkActions(elb, listener.loadBalancerArn, actions);
    }
    if (port !== undefined) listener.port = port;
    if (input.Protocol) listener.protocol = input.Protocol;
    if (input.SslPolicy) listener.sslPolicy = input.SslPolicy;
    rule.actions = actions;
    ctx.sandbox.changed();
    return { Listeners: [listenerXml(listener, rule)] };
  },
  DeleteListener: (input, ctx) => {
    const elb = elbOf(ctx);
    const listener = getListener(elb, required(input, 'ListenerArn'));
    removeListener(elb, listener.arn);
    ctx.sandbox.changed();
    return EMPTY_RESULT;
  },
};
