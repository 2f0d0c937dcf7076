import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
  type CreateTargetGroupCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { failure } from '../../../test/kits/sandbox-ecs-setup.js';
import { startSandbox, type SandboxHandle } from '../index.js';
import { regionOf } from '../world.js';
import {
  deregisterTaskTarget,
  findRule,
  findTargetGroup,
  forwardWeights,
  registerTaskTarget,
  setForwardWeights,
  taskTargetHealth,
} from './ports.js';

/** An SDK client for a sandbox (the caller destroys it). */
function clientOf(handle: SandboxHandle): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({
    endpoint: handle.endpoint,
    region: handle.region,
    credentials: handle.credentials,
  });
}

describe('ELBv2', () => {
  let sb: SandboxHandle;
  let elb: ElasticLoadBalancingV2Client;
  async function rejects(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
    const e = await failure(p);
    assert.equal(e.name, name, e.message);
    if (message) assert.match(e.message, message);
  }
  async function setup(prefix: string) {
    const lb = (
      await elb.send(
        new CreateLoadBalancerCommand({ Name: `${prefix}-lb`, Subnets: ['subnet-a', 'subnet-b'] }),
      )
    ).LoadBalancers![0]!;
    const tg = async (n: string) =>
      (
        await elb.send(
          new CreateTargetGroupCommand({
            Name: `${prefix}-${n}`,
            Protocol: 'HTTP',
            Port: 80,
            VpcId: 'vpc-1',
            TargetType: 'ip',
            HealthCheckIntervalSeconds: 10,
            HealthyThresholdCount: 3,
          }),
        )
      ).TargetGroups![0]!.TargetGroupArn!;
    const blue = await tg('blue');
    const green = await tg('green');
    const listener = (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }],
        }),
      )
    ).Listeners![0]!;
    return { lb, blue, green, listenerArn: listener.ListenerArn! };
  }

  before(async () => {
    // Real time: health changes come from clock.advance, and the initial period must outlast slow calls.
    sb = await startSandbox({ port: 0, throttling: false });
    elb = clientOf(sb);
  });
  after(async () => {
    elb.destroy();
    await sb.close();
  });

  it('creates and describes load balancers, target groups, listeners and weighted rules', async () => {
    const { lb, blue, green, listenerArn } = await setup('a');
    assert.match(
      lb.LoadBalancerArn!,
      /^arn:aws:elasticloadbalancing:us-east-1:\d{12}:loadbalancer\/app\/a-lb\/[0-9a-f]{16}$/,
    );
    assert.deepEqual(lb.State, { Code: 'active' });
    assert.ok(lb.CreatedTime instanceof Date);
    const byName = await elb.send(new DescribeLoadBalancersCommand({ Names: ['a-lb'] }));
    assert.equal(byName.LoadBalancers![0]!.DNSName, lb.DNSName);
    const rule = (
      await elb.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 10,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
          Actions: [
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
      )
    ).Rules![0]!;
    const rules = (await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules!;
    assert.deepEqual(
      rules.map((r) => [r.Priority, r.IsDefault]),
      [
        ['10', false],
        ['default', true],
      ],
    );
    assert.deepEqual(rules[0]!.Actions![0]!.ForwardConfig?.TargetGroups, [
      { TargetGroupArn: blue, Weight: 90 },
      { TargetGroupArn: green, Weight: 10 },
    ]);
    const byLb = (await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn })))
      .TargetGroups!;
    assert.deepEqual(byLb.map((t) => t.TargetGroupName).sort(), ['a-blue', 'a-green']);
    assert.deepEqual(byLb[0]!.LoadBalancerArns, [lb.LoadBalancerArn]);
    assert.equal(byLb[0]!.HealthCheckIntervalSeconds, 10);
    assert.equal(byLb[0]!.HealthCheckEnabled, true);
    const listener = (await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] })))
      .Listeners![0]!;
    assert.equal(listener.DefaultActions![0]!.TargetGroupArn, blue);

    // Through the ports, as ECS's blue/green engine does: the listener ARN means its default rule.
    const region = regionOf(sb.runtime.world.accounts[sb.accountId]!, sb.region);
    assert.equal(findTargetGroup(region, blue)?.name, 'a-blue');
    assert.equal(findRule(region, listenerArn)?.isDefault, true);
    assert.equal(findRule(region, rule.RuleArn!)?.priority, '10');
    assert.deepEqual(forwardWeights(region, listenerArn), [{ targetGroupArn: blue, weight: 1 }]);
    assert.ok(
      setForwardWeights(region, listenerArn, [
        { targetGroupArn: blue, weight: 0 },
        { targetGroupArn: green, weight: 100 },
      ]),
    );
    const after = (await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] })))
      .Listeners![0]!;
    assert.deepEqual(after.DefaultActions![0]!.ForwardConfig?.TargetGroups, [
      { TargetGroupArn: blue, Weight: 0 },
      { TargetGroupArn: green, Weight: 100 },
    ]);
    assert.equal(
      findRule(region, 'arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/x/y/z/w'),
      undefined,
    );
    assert.equal(setForwardWeights(region, 'nope', []), false);

    await elb.send(
      new ModifyRuleCommand({ RuleArn: rule.RuleArn, Actions: [{ Type: 'forward', TargetGroupArn: green }] }),
    );
    assert.deepEqual(forwardWeights(region, rule.RuleArn!), [{ targetGroupArn: green, weight: 1 }]);
    await elb.send(
      new AddTagsCommand({ ResourceArns: [blue, listenerArn], Tags: [{ Key: 'env', Value: 'prod' }] }),
    );
    const tags = (await elb.send(new DescribeTagsCommand({ ResourceArns: [blue] }))).TagDescriptions;
    assert.deepEqual(tags, [{ ResourceArn: blue, Tags: [{ Key: 'env', Value: 'prod' }] }]);
    await elb.send(new DeleteRuleCommand({ RuleArn: rule.RuleArn }));
    await elb.send(new DeleteListenerCommand({ ListenerArn: listenerArn }));
    await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: green }));
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    assert.deepEqual((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers, []);
  });

  it('answers AWS errors', async () => {
    const { blue, listenerArn } = await setup('e');
    await rejects(
      elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [blue + '0'] })),
      'TargetGroupNotFoundException',
      /One or more target groups not found/,
    );
    await rejects(
      elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn + '0'] })),
      'ListenerNotFoundException',
    );
    await rejects(
      elb.send(new DescribeRulesCommand({ RuleArns: [listenerArn + '0'] })),
      'RuleNotFoundException',
    );
    await rejects(
      elb.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })),
      'LoadBalancerNotFoundException',
      /Load balancers '\[nope\]' not found/,
    );
    await rejects(
      elb.send(
        new CreateTargetGroupCommand({
          Name: 'e-blue',
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: 'vpc-1',
          TargetType: 'ip',
        }),
      ),
      'DuplicateTargetGroupNameException',
      /A target group with the same name 'e-blue' exists, but with different settings/,
    );
    await rejects(
      elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: blue })),
      'ResourceInUseException',
      /is currently in use by a listener or a rule/,
    );
    const lbArn = (await elb.send(new DescribeLoadBalancersCommand({ Names: ['e-lb'] }))).LoadBalancers![0]!
      .LoadBalancerArn;
    await rejects(
      elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lbArn,
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }],
        }),
      ),
      'DuplicateListenerException',
    );
    const rule = {
      ListenerArn: listenerArn,
      Priority: 5,
      Conditions: [{ Field: 'path-pattern', Values: ['/x'] }],
      Actions: [{ Type: 'forward' as const, TargetGroupArn: blue }],
    };
    await elb.send(new CreateRuleCommand(rule));
    await rejects(
      elb.send(new CreateRuleCommand(rule)),
      'PriorityInUseException',
      /Priority '5' is currently in use/,
    );
    const dflt = findRule(regionOf(sb.runtime.world.accounts[sb.accountId]!, sb.region), listenerArn)!;
    await rejects(elb.send(new DeleteRuleCommand({ RuleArn: dflt.arn })), 'OperationNotPermittedException');
    await rejects(
      elb.send(new RegisterTargetsCommand({ TargetGroupArn: blue + '0', Targets: [{ Id: '10.0.0.1' }] })),
      'TargetGroupNotFoundException',
    );
    await rejects(
      elb.send(new DeregisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: '10.0.0.9' }] })),
      'InvalidTargetException',
    );
    await rejects(
      elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: blue + '0', HealthCheckPath: '/h' })),
      'TargetGroupNotFoundException',
    );
    // The SDK does not check required members: the sandbox answers as AWS does.
    await rejects(
      elb.send(new CreateTargetGroupCommand({} as CreateTargetGroupCommandInput)),
      'ValidationError',
      /Value null at 'name'/,
    );
  });

  it('target health follows registration, the health check settings and draining on sandbox time', async () => {
    const { blue, green } = await setup('h');
    const region = regionOf(sb.runtime.world.accounts[sb.accountId]!, sb.region);
    await elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: blue,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '20' }],
      }),
    );
    await elb.send(
      new RegisterTargetsCommand({
        TargetGroupArn: blue,
        Targets: [{ Id: '10.0.0.1' }, { Id: '10.0.0.2', Port: 8080 }],
      }),
    );
    const health = async (tg: string) =>
      (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions!.map(
        (d) => [d.Target?.Id, d.TargetHealth?.State],
      );
    assert.deepEqual(await health(blue), [
      ['10.0.0.1', 'initial'],
      ['10.0.0.2', 'initial'],
    ]);
    sb.runtime.clock.advance(31_000); // interval 10 s × healthy threshold 3
    assert.deepEqual(await health(blue), [
      ['10.0.0.1', 'healthy'],
      ['10.0.0.2', 'healthy'],
    ]);
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: '10.0.0.1' }] }));
    assert.deepEqual((await health(blue))[0], ['10.0.0.1', 'draining']);
    sb.runtime.clock.advance(21_000);
    assert.deepEqual(await health(blue), [['10.0.0.2', 'healthy']]);

    // green is not attached to any listener: its targets are unused.
    assert.ok(registerTaskTarget(region, green, { id: '10.0.1.1', port: 80 }, sb.runtime.now()));
    assert.deepEqual(await health(green), [['10.0.1.1', 'unused']]);
    assert.equal(taskTargetHealth(region, green, '10.0.1.1', sb.runtime.now())?.reason, 'Target.NotInUse');
    const asked = (
      await elb.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: green, Targets: [{ Id: '10.9.9.9', Port: 80 }] }),
      )
    ).TargetHealthDescriptions!;
    assert.deepEqual(asked[0]!.TargetHealth, {
      State: 'unused',
      Reason: 'Target.NotRegistered',
      Description: 'Target is not registered to the target group',
    });
    assert.ok(deregisterTaskTarget(region, green, '10.0.1.1', sb.runtime.now()));
    assert.equal(taskTargetHealth(region, green, '10.0.1.1', sb.runtime.now())?.state, 'draining');
    sb.runtime.clock.advance(301_000); // default deregistration delay 300 s
    assert.equal(taskTargetHealth(region, green, '10.0.1.1', sb.runtime.now()), undefined);
    assert.equal(registerTaskTarget(region, 'nope', { id: '1.1.1.1', port: 80 }, 0), false);
  });

  it('keeps load balancers, weights and target timestamps in the state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-elbv2-'));
    const stateFile = join(dir, 'state.json');
    try {
      const one = await startSandbox({ port: 0, throttling: false, stateFile });
      const c1 = clientOf(one);
      const lb = (
        await c1.send(new CreateLoadBalancerCommand({ Name: 'kept', Subnets: ['subnet-a', 'subnet-b'] }))
      ).LoadBalancers![0]!;
      const tg = (
        await c1.send(
          new CreateTargetGroupCommand({
            Name: 'kept',
            Protocol: 'HTTP',
            Port: 80,
            VpcId: 'vpc-1',
            TargetType: 'ip',
          }),
        )
      ).TargetGroups![0]!.TargetGroupArn!;
      await c1.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Port: 80,
          DefaultActions: [
            { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 3 }] } },
          ],
        }),
      );
      await c1.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: '10.0.0.5' }] }));
      c1.destroy();
      await one.close();
      const two = await startSandbox({ port: 0, throttling: false, stateFile });
      const c2 = clientOf(two);
      try {
        const listeners = await c2.send(
          new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }),
        );
        const action = listeners.Listeners![0]!.DefaultActions![0]!;
        assert.deepEqual(action.ForwardConfig?.TargetGroups, [{ TargetGroupArn: tg, Weight: 3 }]);
        const health = await c2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
        assert.equal(health.TargetHealthDescriptions![0]!.Target?.Id, '10.0.0.5');
      } finally {
        c2.destroy();
        await two.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
