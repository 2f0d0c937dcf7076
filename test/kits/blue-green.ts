/**
 * The load balancing a native blue/green service needs, made in the sandbox's ELBv2 through the
 * SDK: a load balancer, target groups, and listeners that forward to one of them.
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';

/** An application load balancer named `name` (its ARN). */
export async function createLoadBalancer(elbv2: ElasticLoadBalancingV2Client, name: string): Promise<string> {
  const out = await elbv2.send(
    new CreateLoadBalancerCommand({ Name: name, Subnets: ['subnet-a', 'subnet-b'] }),
  );
  return out.LoadBalancers![0]!.LoadBalancerArn!;
}

/** An HTTP target group of IP targets on `port` (its ARN). */
export async function createTargetGroup(
  elbv2: ElasticLoadBalancingV2Client,
  name: string,
  port: number,
): Promise<string> {
  const out = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: port,
      VpcId: 'vpc-1',
      TargetType: 'ip',
    }),
  );
  return out.TargetGroups![0]!.TargetGroupArn!;
}

/** An HTTP listener on `port` forwarding to `targetGroupArn` (its ARN). */
export async function createListener(
  elbv2: ElasticLoadBalancingV2Client,
  loadBalancerArn: string,
  port: number,
  targetGroupArn: string,
): Promise<string> {
  const out = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancerArn,
      Protocol: 'HTTP',
      Port: port,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
    }),
  );
  return out.Listeners![0]!.ListenerArn!;
}

/** What blueGreenLoadBalancing made. */
export interface BlueGreenLoadBalancing {
  loadBalancer: string;
  blue: string;
  green: string;
  /** The production listener (port 80), forwarding to blue. */
  prod: string;
  /** The test listener (port 8080), forwarding to blue. */
  test: string;
}

/**
 * `<prefix>-lb` with target groups `<prefix>-blue` and `<prefix>-green` on `targetPort` (default 80)
 * and a production (80) and a test (8080) listener forwarding to blue.
 */
export async function blueGreenLoadBalancing(
  elbv2: ElasticLoadBalancingV2Client,
  prefix: string,
  targetPort = 80,
): Promise<BlueGreenLoadBalancing> {
  const loadBalancer = await createLoadBalancer(elbv2, `${prefix}-lb`);
  const blue = await createTargetGroup(elbv2, `${prefix}-blue`, targetPort);
  const green = await createTargetGroup(elbv2, `${prefix}-green`, targetPort);
  const prod = await createListener(elbv2, loadBalancer, 80, blue);
  const test = await createListener(elbv2, loadBalancer, 8080, blue);
  return { loadBalancer, blue, green, prod, test };
}
