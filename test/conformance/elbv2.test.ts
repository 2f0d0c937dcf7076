/**
 * Elastic Load Balancing v2 conformance: load balancer, target groups, a listener forwarding to two
 * weighted target groups, a rule, targets and their health, tags; errors by name; the AWS CLI. The
 * responses are read by the SDK v3 client (its XML parser) and checked against botocore's model and
 * against moto's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { AWS_CLI, runAwsCli, type CliResult } from '../helpers/aws-cli.js';
import { conformanceSuite, targetsOrSkip, type Recorder } from './harness.js';
import { clientConfig, errorName, operationDeclaresError, type Deviation, type Target } from './support.js';

type Out = Record<string, unknown>;
const first = (o: Out, list: string): Out => (o[list] as Out[])[0]!;

const DEVIATIONS: readonly Deviation[] = [
  ...['CreateLoadBalancer', 'DescribeLoadBalancers'].map((call) => ({
    call,
    path: 'LoadBalancers[].Scheme',
    side: 'sandboxOnly' as const,
    follows: 'sandbox' as const,
    reason:
      'AWS returns the Scheme (internet-facing by default; AWS CLI create-load-balancer example); moto omits it',
  })),
  ...['CreateTargetGroup(web-blue)', 'CreateTargetGroup(web-green)'].map((call) => ({
    call,
    path: 'TargetGroups[].LoadBalancerArns',
    side: 'sandboxOnly' as const,
    follows: 'sandbox' as const,
    reason:
      'AWS returns an empty LoadBalancerArns list for a new target group (AWS CLI create-target-group example); moto omits it',
  })),
  ...['CreateListener', 'ModifyListener', 'DescribeListeners'].flatMap((call) =>
    ['Listeners[].AlpnPolicy', 'Listeners[].SslPolicy'].map((path) => ({
      call,
      path,
      side: 'motoOnly' as const,
      follows: 'sandbox' as const,
      reason:
        'AWS has an SSL and ALPN policy only on HTTPS/TLS listeners (AWS CLI create-listener HTTP example); moto returns them on HTTP ones',
    })),
  ),
  ...['CreateRule', 'ModifyRule'].map((call) => ({
    call,
    path: 'Rules[].Actions[].ForwardConfig',
    side: 'sandboxOnly' as const,
    follows: 'sandbox' as const,
    reason:
      'AWS answers a forward to one TargetGroupArn with a ForwardConfig of that group at weight 1 beside it (since weighted target groups); moto echoes the request',
  })),
  ...[
    'TargetHealthDescriptions[].TargetHealth.Reason',
    'TargetHealthDescriptions[].TargetHealth.Description',
  ].map((path) => ({
    call: 'DescribeTargetHealth',
    path,
    side: 'sandboxOnly' as const,
    follows: 'sandbox' as const,
    reason:
      'a just-registered target is initial (Elb.RegistrationInProgress, "Target registration is in progress") until interval × healthy threshold; moto reports every target healthy at once',
  })),
];
const VALUE_BUGS: Readonly<Record<string, string>> = {};

/** Subnets and VPC: moto checks them against its EC2 (default VPC); the sandbox takes them as given. */
async function network(target: Target): Promise<{ vpcId: string; subnets: string[] }> {
  if (target.name === 'sandbox') return { vpcId: 'vpc-0sandbox', subnets: ['subnet-aaaa', 'subnet-bbbb'] };
  const date = new Date().toISOString().replace(/[-:]/g, '').slice(0, 8);
  const res = await fetch(target.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=${target.credentials.accessKeyId}/${date}/${target.region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: 'Action=DescribeSubnets&Version=2016-11-15',
  });
  const xml = await res.text();
  const subnets = [...xml.matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map((m) => m[1]!);
  const vpcId = /<vpcId>([^<]+)<\/vpcId>/.exec(xml)?.[1] ?? '';
  return { vpcId, subnets: subnets.slice(0, 2) };
}

async function blueGreen(r: Recorder): Promise<void> {
  const elb = new ElasticLoadBalancingV2Client(clientConfig(r.target));
  try {
    await blueGreenWith(r, elb);
  } finally {
    elb.destroy();
  }
}

async function blueGreenWith(r: Recorder, elb: ElasticLoadBalancingV2Client): Promise<void> {
  const { vpcId, subnets } = await network(r.target);
  const lb = (
    await r.record(
      'CreateLoadBalancer',
      'CreateLoadBalancer',
      elb.send(
        new CreateLoadBalancerCommand({
          Name: 'web',
          Subnets: subnets,
          Tags: [{ Key: 'app', Value: 'web' }],
        }),
      ),
    )
  ).LoadBalancers![0]!;
  r.expect('load balancer type', lb.Type, 'application');
  r.expect('scheme', lb.Scheme, 'internet-facing');
  const tg = async (name: string): Promise<string> =>
    (
      await r.record(
        `CreateTargetGroup(${name})`,
        'CreateTargetGroup',
        elb.send(
          new CreateTargetGroupCommand({
            Name: name,
            Protocol: 'HTTP',
            Port: 80,
            VpcId: vpcId,
            TargetType: 'ip',
            HealthCheckPath: '/health',
          }),
        ),
      )
    ).TargetGroups![0]!.TargetGroupArn!;
  const blue = await tg('web-blue');
  const green = await tg('web-green');
  const listener = (
    await r.record(
      'CreateListener',
      'CreateListener',
      elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: blue, Weight: 100 },
                  { TargetGroupArn: green, Weight: 0 },
                ],
              },
            },
          ],
        }),
      ),
    )
  ).Listeners![0]!;
  r.expect('listener port', listener.Port, 80);
  const rule = (
    await r.record(
      'CreateRule',
      'CreateRule',
      elb.send(
        new CreateRuleCommand({
          ListenerArn: listener.ListenerArn,
          Priority: 1,
          Conditions: [
            { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-test', Values: ['1'] } },
          ],
          Actions: [{ Type: 'forward', TargetGroupArn: green }],
        }),
      ),
    )
  ).Rules![0]!;
  r.expect('rule priority', rule.Priority, '1');
  const rules = await r.record(
    'DescribeRules',
    'DescribeRules',
    elb.send(new DescribeRulesCommand({ ListenerArn: listener.ListenerArn })),
  );
  r.expect(
    'rules by priority, default last',
    (rules.Rules ?? []).map((x) => [x.Priority, x.IsDefault]),
    [
      ['1', false],
      ['default', true],
    ],
  );
  await r.record(
    'ModifyListener',
    'ModifyListener',
    elb.send(
      new ModifyListenerCommand({
        ListenerArn: listener.ListenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blue, Weight: 90 },
                { TargetGroupArn: green, Weight: 10 },
              ],
            },
          },
        ],
      }),
    ),
  );
  const listeners = await r.record(
    'DescribeListeners',
    'DescribeListeners',
    elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn })),
  );
  r.expect(
    'weights after ModifyListener',
    listeners.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups,
    [
      { TargetGroupArn: blue, Weight: 90 },
      { TargetGroupArn: green, Weight: 10 },
    ],
  );
  await r.record(
    'ModifyRule',
    'ModifyRule',
    elb.send(
      new ModifyRuleCommand({ RuleArn: rule.RuleArn, Actions: [{ Type: 'forward', TargetGroupArn: blue }] }),
    ),
  );
  await r.record(
    'DescribeLoadBalancers',
    'DescribeLoadBalancers',
    elb.send(new DescribeLoadBalancersCommand({ Names: ['web'] })),
  );
  const groups = await r.record(
    'DescribeTargetGroups',
    'DescribeTargetGroups',
    elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn })),
  );
  r.expect('target groups of the load balancer', groups.TargetGroups?.length, 2);
  // A long initial period (3000 sandbox seconds, 30 s of wall time here): the target stays initial.
  await r.record(
    'ModifyTargetGroup',
    'ModifyTargetGroup',
    elb.send(
      new ModifyTargetGroupCommand({
        TargetGroupArn: blue,
        HealthCheckIntervalSeconds: 300,
        HealthyThresholdCount: 10,
      }),
    ),
  );
  const target = { Id: '10.0.0.10', Port: 80 };
  await r.record(
    'RegisterTargets',
    'RegisterTargets',
    elb.send(new RegisterTargetsCommand({ TargetGroupArn: blue, Targets: [target] })),
  );
  const health = await r.record(
    'DescribeTargetHealth',
    'DescribeTargetHealth',
    elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: blue })),
  );
  r.expect('one target', health.TargetHealthDescriptions?.length, 1);
  await r.record(
    'DeregisterTargets',
    'DeregisterTargets',
    elb.send(new DeregisterTargetsCommand({ TargetGroupArn: blue, Targets: [target] })),
  );
  await r.record(
    'AddTags',
    'AddTags',
    elb.send(new AddTagsCommand({ ResourceArns: [blue], Tags: [{ Key: 'color', Value: 'blue' }] })),
  );
  const tags = await r.record(
    'DescribeTags',
    'DescribeTags',
    elb.send(new DescribeTagsCommand({ ResourceArns: [blue] })),
  );
  r.expect('tags', tags.TagDescriptions?.[0]?.Tags, [{ Key: 'color', Value: 'blue' }]);
  await r.record('DeleteRule', 'DeleteRule', elb.send(new DeleteRuleCommand({ RuleArn: rule.RuleArn })));
  await r.record(
    'DeleteListener',
    'DeleteListener',
    elb.send(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn })),
  );
  await r.record(
    'DeleteTargetGroup',
    'DeleteTargetGroup',
    elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: green })),
  );
  await r.record(
    'DeleteLoadBalancer',
    'DeleteLoadBalancer',
    elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn })),
  );
}

conformanceSuite({
  name: 'ELBv2: sandbox vs moto',
  service: 'elbv2',
  deviations: DEVIATIONS,
  valueBugs: VALUE_BUGS,
  scenarios: [{ title: 'blue/green listener: weighted forward, rule, targets, tags', run: blueGreen }],
  extra: (pair) => {
    it('error names match AWS on both sides', async (t) => {
      const targets = targetsOrSkip(t, pair());
      if (!targets) return;
      const names = async (target: Target): Promise<string[]> => {
        const arn = `arn:aws:elasticloadbalancing:${target.region}:${target.accountId}`;
        const elb = new ElasticLoadBalancingV2Client(clientConfig(target));
        try {
          return await Promise.all([
            errorName(
              elb.send(
                new DescribeTargetGroupsCommand({
                  TargetGroupArns: [`${arn}:targetgroup/nope/0123456789abcdef`],
                }),
              ),
            ),
            errorName(
              elb.send(
                new DescribeListenersCommand({
                  ListenerArns: [`${arn}:listener/app/nope/0123456789abcdef/0123456789abcdef`],
                }),
              ),
            ),
            errorName(
              elb.send(
                new DescribeRulesCommand({
                  RuleArns: [
                    `${arn}:listener-rule/app/nope/0123456789abcdef/0123456789abcdef/0123456789abcdef`,
                  ],
                }),
              ),
            ),
          ]);
        } finally {
          elb.destroy();
        }
      };
      const expected = ['TargetGroupNotFoundException', 'ListenerNotFoundException', 'RuleNotFoundException'];
      const [sandbox, moto] = await Promise.all([names(targets.sandbox), names(targets.moto)]);
      assert.deepEqual(sandbox, expected, 'sandbox');
      assert.deepEqual(moto, expected, 'moto');
      for (const [op, e] of [
        ['DescribeTargetGroups', expected[0]!],
        ['DescribeListeners', expected[1]!],
        ['DescribeRules', expected[2]!],
      ] as const) {
        const declared = operationDeclaresError('elbv2', op, e);
        if (declared !== undefined) assert.ok(declared, `${op} declares ${e}`);
      }
    });
  },
});

const AWS = AWS_CLI;

describe('AWS CLI v1: elbv2 against the sandbox', () => {
  let sb: SandboxHandle | undefined;
  before(async () => {
    // Real time and a 50-minute initial period: each CLI call takes about a second of wall time.
    if (AWS) sb = await startSandbox({ port: 0, throttling: false, timeScale: 1 });
  });
  after(() => sb?.close());

  function aws(...args: string[]): Promise<CliResult> {
    return runAwsCli({ ...sb!, region: sb!.region }, 'elbv2', ...args);
  }
  async function json(...args: string[]): Promise<Out> {
    const r = await aws(...args);
    assert.equal(r.code, 0, `aws elbv2 ${args.join(' ')} failed: ${r.stderr}`);
    // Actions without output (RegisterTargets) print nothing.
    return r.stdout.trim() ? (JSON.parse(r.stdout) as Out) : {};
  }

  it('creates and reads target groups, a listener with weights and target health; errors the AWS way', async (t) => {
    if (!AWS) return t.skip('aws CLI not found on PATH');
    const tg = first(
      await json(
        'create-target-group',
        '--name',
        'cli-blue',
        '--protocol',
        'HTTP',
        '--port',
        '80',
        '--vpc-id',
        'vpc-1',
        '--target-type',
        'ip',
        '--health-check-interval-seconds',
        '300',
        '--healthy-threshold-count',
        '10',
      ),
      'TargetGroups',
    );
    assert.equal(tg.HealthCheckIntervalSeconds, 300);
    assert.equal(tg.HealthCheckTimeoutSeconds, 5);
    const lb = first(
      await json('create-load-balancer', '--name', 'cli-lb', '--subnets', 'subnet-1', 'subnet-2'),
      'LoadBalancers',
    );
    await json(
      'create-listener',
      '--load-balancer-arn',
      String(lb.LoadBalancerArn),
      '--protocol',
      'HTTP',
      '--port',
      '80',
      '--default-actions',
      `Type=forward,ForwardConfig={TargetGroups=[{TargetGroupArn=${String(tg.TargetGroupArn)},Weight=7}]}`,
    );
    await json(
      'register-targets',
      '--target-group-arn',
      String(tg.TargetGroupArn),
      '--targets',
      'Id=10.1.0.1,Port=80',
    );
    const described = await json('describe-target-groups', '--names', 'cli-blue');
    assert.deepEqual(first(described, 'TargetGroups').LoadBalancerArns, [lb.LoadBalancerArn]);
    const health = await json('describe-target-health', '--target-group-arn', String(tg.TargetGroupArn));
    assert.deepEqual(first(health, 'TargetHealthDescriptions').TargetHealth, {
      State: 'initial',
      Reason: 'Elb.RegistrationInProgress',
      Description: 'Target registration is in progress',
    });
    const listeners = await json('describe-listeners', '--load-balancer-arn', String(lb.LoadBalancerArn));
    const action = first(first(listeners, 'Listeners'), 'DefaultActions');
    assert.equal(first(action.ForwardConfig as Out, 'TargetGroups').Weight, 7);
    const missing = await aws('describe-target-groups', '--names', 'nope');
    assert.notEqual(missing.code, 0);
    assert.match(
      missing.stderr,
      /\(TargetGroupNotFound\) when calling the DescribeTargetGroups operation: One or more target groups not found/,
    );
    const inUse = await aws('delete-target-group', '--target-group-arn', String(tg.TargetGroupArn));
    assert.match(inUse.stderr, /\(ResourceInUse\) when calling the DeleteTargetGroup operation/);
  });
});
