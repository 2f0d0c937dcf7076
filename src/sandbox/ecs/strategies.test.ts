import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
  type DeploymentConfiguration,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { blueGreenLoadBalancing } from '../../../test/kits/blue-green.js';
import { failure } from '../../../test/kits/sandbox-ecs-setup.js';
import { startSandbox, type SandboxHandle } from '../index.js';
import { regionOf } from '../world.js';
import { addContainerInstances } from './admin.js';
import { forwardWeights } from '../elbv2/ports.js';

type Out = Record<string, unknown>;
const cluster = 'strat';
const ROLE = 'arn:aws:iam::123456789012:role/ecs-infra';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:check';

let sb: SandboxHandle;
let ecs: ECSClient;
let elbv2: ElasticLoadBalancingV2Client;
let tdV1 = '';
let tdV2 = '';

async function admin(path: string, body: unknown): Promise<Out> {
  const res = await fetch(`${sb.endpoint}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Out;
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

/** A load balancer with blue and green target groups, a production listener and a test listener. */
function elb(prefix: string) {
  return blueGreenLoadBalancing(elbv2, prefix);
}

function weights(ruleArn: string): Record<string, number> {
  const rs = regionOf(sb.runtime.world.accounts[sb.accountId]!, sb.region);
  return Object.fromEntries(forwardWeights(rs, ruleArn).map((w) => [w.targetGroupArn, w.weight]));
}

async function describe1(arn: string): Promise<ServiceDeployment> {
  const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  return out.serviceDeployments![0]!;
}

async function current(service: string): Promise<string> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  return out.services![0]!.currentServiceDeployment!;
}

/**
 * Advances the sandbox clock a second at a time until `done` holds for the deployment, calling
 * `each` on every observation.
 */
async function until(
  arn: string,
  done: (d: ServiceDeployment) => boolean,
  each: (d: ServiceDeployment) => void | Promise<void> = () => {},
  maxSeconds = 3600,
): Promise<ServiceDeployment> {
  for (let i = 0; i < maxSeconds; i++) {
    const d = await describe1(arn);
    await each(d);
    if (done(d)) return d;
    sb.runtime.clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`deployment ${arn} did not reach the expected state`);
}

const ended = (d: ServiceDeployment) =>
  ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].includes(d.status ?? '');

/** Creates a service on v1, lets its first deployment finish, then updates it to v2. */
async function deployV2(
  name: string,
  config: DeploymentConfiguration,
  lbs?: Awaited<ReturnType<typeof elb>>,
  update?: DeploymentConfiguration,
): Promise<string> {
  const input: CreateServiceCommandInput = {
    cluster,
    serviceName: name,
    taskDefinition: tdV1,
    desiredCount: 2,
    deploymentConfiguration: config,
  };
  if (lbs) {
    input.loadBalancers = [
      {
        targetGroupArn: lbs.blue,
        containerName: 'app',
        containerPort: 80,
        advancedConfiguration: {
          alternateTargetGroupArn: lbs.green,
          productionListenerRule: lbs.prod,
          testListenerRule: lbs.test,
          roleArn: ROLE,
        },
      },
    ];
  }
  await ecs.send(new CreateServiceCommand(input));
  const first = await until(await current(name), ended);
  assert.equal(first.status, 'SUCCESSFUL');
  await ecs.send(
    new UpdateServiceCommand({
      cluster,
      service: name,
      taskDefinition: tdV2,
      ...(update ? { deploymentConfiguration: update } : {}),
    }),
  );
  return current(name);
}

before(async () => {
  sb = await startSandbox({ port: 0, timeScale: 50, throttling: false });
  ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  elbv2 = new ElasticLoadBalancingV2Client({
    endpoint: sb.endpoint,
    region: sb.region,
    credentials: sb.credentials,
  });
  addContainerInstances(sb.runtime, sb.runtime.world.accounts[sb.accountId]!, sb.region, cluster, {
    count: 4,
    cpu: 100_000,
    memory: 100_000,
  });
  const td = async (image: string) =>
    (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'app',
          containerDefinitions: [
            { name: 'app', image, memory: 64, portMappings: [{ containerPort: 80, hostPort: 0 }] },
          ],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
  tdV1 = await td('nginx:1');
  tdV2 = await td('nginx:2');
});
after(async () => {
  ecs.destroy();
  elbv2.destroy();
  await sb.close();
});

const STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
];

describe('BLUE_GREEN', () => {
  it('goes through its stages in order, both revisions up during the bake, blue gone after clean-up', async () => {
    const lbs = await elb('bg1');
    const arn = await deployV2('bg1', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 }, lbs);
    const seen: string[] = [];
    let bakeChecked = false;
    const d = await until(arn, ended, async (x) => {
      if (x.lifecycleStage && seen.at(-1) !== x.lifecycleStage) seen.push(x.lifecycleStage);
      if (x.lifecycleStage === 'BAKE_TIME' && !bakeChecked) {
        bakeChecked = true;
        const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: ['bg1'] })))
          .services![0]!;
        assert.equal(svc.currentServiceRevisions?.length, 2);
        assert.ok(svc.currentServiceRevisions!.every((r) => r.runningTaskCount === 2));
        assert.equal(x.targetServiceRevision?.requestedProductionTrafficWeight, 100);
        assert.equal(x.sourceServiceRevisions?.[0]?.requestedProductionTrafficWeight, 0);
        assert.deepEqual(weights(lbs.prod), { [lbs.blue]: 0, [lbs.green]: 100 });
        assert.deepEqual(weights(lbs.test), { [lbs.blue]: 0, [lbs.green]: 100 });
      }
    });
    assert.equal(d.status, 'SUCCESSFUL');
    assert.ok(bakeChecked, 'observed the bake');
    const idx = seen.map((s) => STAGES.indexOf(s));
    assert.deepEqual(
      [...idx].sort((a, b) => a - b),
      idx,
      `stages in order: ${seen.join(' ')}`,
    );
    assert.ok(seen.includes('SCALE_UP') && seen.includes('CLEAN_UP'));
    await until(arn, () => true);
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: ['bg1'] }))).services![0]!;
    assert.equal(svc.deployments?.length, 1);
    assert.equal(svc.deployments?.[0]?.taskDefinition, tdV2);
    assert.equal(svc.currentServiceRevisions?.length, 1);
    const rev = (
      await ecs.send(
        new DescribeServiceRevisionsCommand({ serviceRevisionArns: [d.targetServiceRevision!.arn!] }),
      )
    ).serviceRevisions![0]!;
    assert.equal(rev.taskDefinition, tdV2);
    assert.deepEqual(rev.containerImages, [{ containerName: 'app', image: 'nginx:2' }]);
    assert.equal(rev.resolvedConfiguration?.loadBalancers?.[0]?.targetGroupArn, lbs.green);
    const list = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service: 'bg1' }));
    assert.equal(list.serviceDeployments?.length, 2);
    assert.equal(list.serviceDeployments?.[0]?.serviceDeploymentArn, arn);
  });

  it('a Lambda hook failing at POST_TEST_TRAFFIC_SHIFT rolls back: weights back, ROLLBACK_SUCCESSFUL', async () => {
    const lbs = await elb('bg2');
    const fn = `${FN}-bg2`;
    const hook = { hookTargetArn: fn, roleArn: ROLE, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT' as const] };
    const arn = await deployV2(
      'bg2',
      { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, lifecycleHooks: [hook] },
      lbs,
    );
    // The first deployment's hook succeeded (no script yet); script this one's: IN_PROGRESS ×2, then FAILED.
    await admin('ecs/hook-outcomes', {
      functionArn: fn,
      outcomes: [{ hookStatus: 'IN_PROGRESS', callBackDelay: 5, times: 2 }, { hookStatus: 'FAILED' }],
    });
    const d = await until(arn, ended);
    assert.equal(d.status, 'ROLLBACK_SUCCESSFUL');
    assert.match(d.statusReason ?? '', /POST_TEST_TRAFFIC_SHIFT/);
    assert.equal(d.rollback?.serviceRevisionArn, d.sourceServiceRevisions?.[0]?.arn);
    assert.deepEqual(weights(lbs.prod), { [lbs.blue]: 100, [lbs.green]: 0 });
    assert.deepEqual(weights(lbs.test), { [lbs.blue]: 100, [lbs.green]: 0 });
    const res = await fetch(`${sb.endpoint}/_sandbox/ecs/hook-outcomes`);
    const inv = (
      (await res.json()) as { invocations: { functionArn: string; hookStatus: string; at: string }[] }
    ).invocations.filter((i) => i.functionArn === fn);
    assert.deepEqual(
      inv.slice(-3).map((i) => i.hookStatus),
      ['IN_PROGRESS', 'IN_PROGRESS', 'FAILED'],
    );
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: ['bg2'] }))).services![0]!;
    assert.equal(svc.taskDefinition, tdV1);
  });

  it('a PAUSE hook holds the stage until ContinueServiceDeployment(CONTINUE)', async () => {
    const hook = { targetType: 'PAUSE' as const, lifecycleStages: ['POST_SCALE_UP' as const] };
    const config = { strategy: 'BLUE_GREEN' as const, bakeTimeInMinutes: 1 };
    const arn = await deployV2('bg3', config, undefined, { ...config, lifecycleHooks: [hook] });
    const held = await until(arn, (d) => d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION');
    sb.runtime.clock.advance(10 * 60_000);
    const still = await describe1(arn);
    assert.equal(still.status, 'IN_PROGRESS');
    assert.equal(still.lifecycleStage, 'POST_SCALE_UP');
    const hookId = held.lifecycleHookDetails![0]!.hookId!;
    assert.match(hookId, /^ecs-pause-/);
    await ecs.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action: 'CONTINUE' }),
    );
    const err = await failure(
      ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId })),
    );
    assert.equal(err.name, 'InvalidParameterException');
    const d = await until(arn, ended);
    assert.equal(d.status, 'SUCCESSFUL');
  });

  it('ContinueServiceDeployment(ROLLBACK) at a PAUSE hook rolls back', async () => {
    const hook = {
      targetType: 'PAUSE' as const,
      lifecycleStages: ['POST_PRODUCTION_TRAFFIC_SHIFT' as const],
    };
    const config = { strategy: 'BLUE_GREEN' as const, bakeTimeInMinutes: 1 };
    const arn = await deployV2('bg4', config, undefined, { ...config, lifecycleHooks: [hook] });
    const held = await until(arn, (d) => d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION');
    const hookId = held.lifecycleHookDetails![0]!.hookId!;
    await ecs.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action: 'ROLLBACK' }),
    );
    const d = await until(arn, ended);
    assert.equal(d.status, 'ROLLBACK_SUCCESSFUL');
  });

  it('an alarm in ALARM during the bake rolls back', async () => {
    const alarms = { alarmNames: ['bg5-5xx'], enable: true, rollback: true };
    const arn = await deployV2('bg5', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 10, alarms });
    await until(arn, (d) => d.lifecycleStage === 'BAKE_TIME');
    await admin('alarms', { alarmName: 'bg5-5xx', state: 'ALARM' });
    const d = await until(arn, ended);
    assert.equal(d.status, 'ROLLBACK_SUCCESSFUL');
    assert.deepEqual(d.alarms?.triggeredAlarmNames, ['bg5-5xx']);
    assert.equal(d.alarms?.status, 'TRIGGERED');
  });

  it('StopServiceDeployment(ROLLBACK) during the bake rolls back; a finished one is a ConflictException', async () => {
    const arn = await deployV2('bg6', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 10 });
    await until(arn, (d) => d.lifecycleStage === 'BAKE_TIME');
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    const d = await until(arn, ended);
    assert.equal(d.status, 'ROLLBACK_SUCCESSFUL');
    assert.ok(d.rollback?.startedAt instanceof Date);
    const err = await failure(ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn })));
    assert.equal(err.name, 'ConflictException');
    const missing = await failure(
      ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn.replace(/[^/]+$/, 'nope') })),
    );
    assert.equal(missing.name, 'ServiceDeploymentNotFoundException');
  });
});

describe('LINEAR and CANARY', () => {
  it('LINEAR moves production traffic in 3 steps with a bake between each', async () => {
    const lbs = await elb('lin');
    const arn = await deployV2(
      'lin',
      {
        strategy: 'LINEAR',
        bakeTimeInMinutes: 0,
        linearConfiguration: { stepPercent: 34, stepBakeTimeInMinutes: 2 },
      },
      lbs,
    );
    const seen: number[] = [];
    const d = await until(arn, ended, (x) => {
      const w = weights(lbs.prod)[lbs.green] ?? 0;
      if (x.status === 'IN_PROGRESS' && seen.at(-1) !== w) seen.push(w);
    });
    assert.equal(d.status, 'SUCCESSFUL');
    assert.deepEqual(
      seen.filter((w) => w > 0),
      [34, 68, 100],
    );
  });

  it('CANARY shifts its canary, bakes, then goes to 100', async () => {
    const lbs = await elb('can');
    const arn = await deployV2(
      'can',
      {
        strategy: 'CANARY',
        bakeTimeInMinutes: 0,
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
      },
      lbs,
    );
    const seen: number[] = [];
    let canaryPolls = 0;
    const d = await until(arn, ended, (x) => {
      const w = x.targetServiceRevision?.requestedProductionTrafficWeight ?? 0;
      if (w === 10) canaryPolls++;
      if (seen.at(-1) !== w) seen.push(w);
    });
    assert.equal(d.status, 'SUCCESSFUL');
    assert.deepEqual(
      seen.filter((w) => w > 0),
      [10, 100],
    );
    assert.equal(weights(lbs.prod)[lbs.green], 100);
    // Each poll advances the clock a second: the canary stayed through its bake.
    assert.ok(canaryPolls > 10, `the canary baked (${canaryPolls} polls)`);
  });
});

describe('service deployments for ROLLING', () => {
  it('UpdateService makes a service deployment and revision that end SUCCESSFUL', async () => {
    const arn = await deployV2('roll', {});
    const d = await until(arn, ended);
    assert.equal(d.status, 'SUCCESSFUL');
    assert.equal(d.lifecycleStage, undefined);
    assert.equal(d.targetServiceRevision?.requestedProductionTrafficWeight, undefined);
    const err = await failure(
      ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: Array(21).fill(arn) })),
    );
    assert.equal(err.name, 'InvalidParameterException');
  });
});

describe('early success criteria (ROLLING)', () => {
  const running = async (name: string) => {
    const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
    return (out.services![0]!.deployments ?? []).map((d) => `${d.status}:${d.runningCount ?? 0}`);
  };

  it('DEFERRED: SUCCESSFUL once half the tasks run the new revision, old tasks still running', async () => {
    const early = { enable: true, healthyPercent: 50, sourceServiceRevisionCleanup: 'DEFERRED' as const };
    const arn = await deployV2('early-deferred', {
      minimumHealthyPercent: 50,
      maximumPercent: 100,
      earlySuccessCriteria: early,
    });
    const d = await until(arn, ended);
    assert.equal(d.status, 'SUCCESSFUL');
    // Done early: the rollout itself is still going (the new revision runs 1 of the 2 tasks).
    const at = await running('early-deferred');
    assert.ok(at.includes('PRIMARY:1'), at.join(' '));
    const out = await ecs.send(new DescribeServicesCommand({ cluster, services: ['early-deferred'] }));
    assert.deepEqual(out.services![0]!.deploymentConfiguration?.earlySuccessCriteria, early);
  });

  it('BLOCKING with a bake: SUCCESSFUL only after the old tasks are gone and the bake passed', async () => {
    const arn = await deployV2('early-blocking', {
      minimumHealthyPercent: 50,
      maximumPercent: 100,
      bakeTimeInMinutes: 3,
      earlySuccessCriteria: { enable: true, healthyPercent: 50, sourceServiceRevisionCleanup: 'BLOCKING' },
    });
    // Observed: every old task gone and the new revision fully running, yet the deployment still
    // IN_PROGRESS — the bake holds it (the sandbox clock also runs on its own, so no exact times).
    let heldByBake = false;
    const d = await until(arn, ended, async (seen) => {
      const at = await running('early-blocking');
      if (seen.status === 'IN_PROGRESS' && at.length === 1 && at[0] === 'PRIMARY:2') heldByBake = true;
    });
    assert.equal(d.status, 'SUCCESSFUL');
    assert.ok(heldByBake, 'the bake held the finished rollout');
  });
});

describe('validation', () => {
  const bad: [string, DeploymentConfiguration, RegExp][] = [
    ['bake time over 1440', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1441 }, /bakeTimeInMinutes/],
    ['BLUE_GREEN without a bake time', { strategy: 'BLUE_GREEN' }, /bakeTimeInMinutes is required/],
    ['stepPercent under 3', { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2.9 } }, /stepPercent/],
    [
      'stepPercent off the 0.1 grid',
      { strategy: 'LINEAR', linearConfiguration: { stepPercent: 10.05 } },
      /stepPercent/,
    ],
    [
      'stepBakeTimeInMinutes over 1440',
      { strategy: 'LINEAR', linearConfiguration: { stepBakeTimeInMinutes: 2000 } },
      /stepBakeTimeInMinutes/,
    ],
    [
      'canaryPercent over 100',
      { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 100.1 } },
      /canaryPercent/,
    ],
    [
      'canaryBakeTimeInMinutes negative',
      { strategy: 'CANARY', canaryConfiguration: { canaryBakeTimeInMinutes: -1 } },
      /canaryBakeTimeInMinutes/,
    ],
    [
      'linearConfiguration with CANARY',
      { strategy: 'CANARY', linearConfiguration: { stepPercent: 10 } },
      /linearConfiguration/,
    ],
    [
      'PAUSE at PRODUCTION_TRAFFIC_SHIFT',
      {
        strategy: 'CANARY',
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'] }],
      },
      /PAUSE hook cannot run at PRODUCTION_TRAFFIC_SHIFT/,
    ],
    [
      'hook timeout over 20160',
      {
        strategy: 'CANARY',
        lifecycleHooks: [
          {
            targetType: 'PAUSE',
            lifecycleStages: ['POST_SCALE_UP'],
            timeoutConfiguration: { timeoutInMinutes: 20161 },
          },
        ],
      },
      /timeoutInMinutes/,
    ],
    [
      'Lambda hook without an ARN',
      { strategy: 'CANARY', lifecycleHooks: [{ lifecycleStages: ['POST_SCALE_UP'] }] },
      /hookTargetArn/,
    ],
    [
      'hooks with ROLLING',
      { lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }] },
      /lifecycleHooks/,
    ],
    ['an unknown strategy', { strategy: 'SIDEWAYS' as 'ROLLING' }, /strategy/],
    [
      'early success with BLUE_GREEN',
      {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        earlySuccessCriteria: { enable: true, healthyPercent: 100, sourceServiceRevisionCleanup: 'BLOCKING' },
      },
      /earlySuccessCriteria is valid only with the ROLLING/,
    ],
    [
      'early success under minimumHealthyPercent',
      {
        minimumHealthyPercent: 100,
        earlySuccessCriteria: { enable: true, healthyPercent: 50, sourceServiceRevisionCleanup: 'DEFERRED' },
      },
      /healthyPercent \(50\) must be greater than or equal to minimumHealthyPercent \(100\)/,
    ],
    [
      'early success healthyPercent over 100',
      {
        minimumHealthyPercent: 50,
        earlySuccessCriteria: { enable: true, healthyPercent: 101, sourceServiceRevisionCleanup: 'DEFERRED' },
      },
      /healthyPercent must be an integer between 0 and 100/,
    ],
    [
      'early success without a cleanup',
      { minimumHealthyPercent: 50, earlySuccessCriteria: { enable: true, healthyPercent: 50 } },
      /sourceServiceRevisionCleanup is required/,
    ],
  ];
  for (const [name, config, message] of bad) {
    it(`refuses ${name}`, async () => {
      const err = await failure(
        ecs.send(
          new CreateServiceCommand({
            cluster,
            serviceName: 'bad',
            taskDefinition: tdV1,
            deploymentConfiguration: config,
          }),
        ),
      );
      assert.equal(err.name, 'InvalidParameterException');
      assert.match(err.message, message);
    });
  }

  it('refuses a strategy service whose target groups or rules do not exist', async () => {
    const lbs = await elb('val');
    const lb = (adv: Record<string, string>) => [
      { targetGroupArn: lbs.blue, containerName: 'app', containerPort: 80, advancedConfiguration: adv },
    ];
    const base = { alternateTargetGroupArn: lbs.green, productionListenerRule: lbs.prod, roleArn: ROLE };
    const cases: [Record<string, string> | undefined, RegExp][] = [
      [undefined, /advancedConfiguration is required/],
      [
        { ...base, alternateTargetGroupArn: lbs.green.replace(/[0-9a-f]{16}$/, '0000000000000000') },
        /does not exist/,
      ],
      [{ ...base, productionListenerRule: `${lbs.prod}x` }, /productionListenerRule/],
      [{ ...base, roleArn: '' }, /roleArn/],
    ];
    for (const [adv, message] of cases) {
      const err = await failure(
        ecs.send(
          new CreateServiceCommand({
            cluster,
            serviceName: 'badlb',
            taskDefinition: tdV1,
            deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 },
            loadBalancers: adv
              ? lb(adv)
              : [{ targetGroupArn: lbs.blue, containerName: 'app', containerPort: 80 }],
          }),
        ),
      );
      assert.equal(err.name, 'InvalidParameterException');
      assert.match(err.message, message);
    }
  });

  it('UpdateService on a CODE_DEPLOY service refuses a new task definition', async () => {
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'cd',
        taskDefinition: tdV1,
        desiredCount: 0,
        deploymentController: { type: 'CODE_DEPLOY' },
      }),
    );
    const err = await failure(
      ecs.send(new UpdateServiceCommand({ cluster, service: 'cd', taskDefinition: tdV2 })),
    );
    assert.equal(err.name, 'InvalidParameterException');
    assert.match(err.message, /CODE_DEPLOY deployment controller/);
    await ecs.send(new UpdateServiceCommand({ cluster, service: 'cd', desiredCount: 1 }));
  });
});

describe('restart', () => {
  it('a state file saved mid-bake resumes the bake and finishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-strat-'));
    const stateFile = join(dir, 'state.json');
    try {
      const s1 = await startSandbox({ port: 0, timeScale: 50, throttling: false, stateFile });
      const c1 = new ECSClient({ endpoint: s1.endpoint, region: s1.region, credentials: s1.credentials });
      addContainerInstances(s1.runtime, s1.runtime.world.accounts[s1.accountId]!, s1.region, 'r', {
        count: 2,
      });
      const td = (
        await c1.send(
          new RegisterTaskDefinitionCommand({
            family: 'r',
            containerDefinitions: [{ name: 'app', image: 'nginx:1', memory: 64 }],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
      const svc = (
        await c1.send(
          new CreateServiceCommand({
            cluster: 'r',
            serviceName: 'r',
            taskDefinition: td,
            desiredCount: 1,
            deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 },
          }),
        )
      ).service!;
      const arn = svc.currentServiceDeployment!;
      const stage = async (c: ECSClient) =>
        (await c.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
          .serviceDeployments![0]!;
      for (let i = 0; i < 600 && (await stage(c1)).lifecycleStage !== 'BAKE_TIME'; i++) {
        s1.runtime.clock.advance(1000);
        await new Promise((r) => setImmediate(r));
      }
      assert.equal((await stage(c1)).lifecycleStage, 'BAKE_TIME');
      s1.runtime.clock.advance(10 * 60_000);
      c1.destroy();
      await s1.close();

      const s2 = await startSandbox({ port: 0, timeScale: 50, throttling: false, stateFile });
      const c2 = new ECSClient({ endpoint: s2.endpoint, region: s2.region, credentials: s2.credentials });
      try {
        assert.equal((await stage(c2)).status, 'IN_PROGRESS');
        s2.runtime.clock.advance(19 * 60_000);
        assert.equal((await stage(c2)).lifecycleStage, 'BAKE_TIME', 'the bake kept its start');
        s2.runtime.clock.advance(2 * 60_000);
        await new Promise((r) => setImmediate(r));
        assert.equal((await stage(c2)).status, 'SUCCESSFUL');
      } finally {
        c2.destroy();
        await s2.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
