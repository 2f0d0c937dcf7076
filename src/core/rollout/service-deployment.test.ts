import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeServiceDeployment,
  isExpectedWait,
  judgeServiceDeployment,
  startStrategyTracking,
  type ServiceDeploymentSnapshot,
  type StrategyJudgeConfig,
} from './service-deployment.js';

const ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/web/abc';
const config: StrategyJudgeConfig = {
  timeoutMs: 60_000,
  inactivityTimeoutMs: 30_000,
  waitUntil: { kind: 'deployed' },
  onPause: 'return',
};

function dep(over: Partial<ServiceDeploymentSnapshot> = {}): ServiceDeploymentSnapshot {
  return {
    arn: ARN,
    status: 'IN_PROGRESS',
    stage: 'SCALE_UP',
    strategy: 'BLUE_GREEN',
    target: { arn: 'rev/2', requested: 2, running: 1, pending: 1, testWeight: 0, productionWeight: 0 },
    sources: [],
    hooks: [],
    triggeredAlarms: [],
    ...over,
  };
}

test('judgeServiceDeployment maps the status', () => {
  const cases: [string, Partial<ServiceDeploymentSnapshot>, Record<string, unknown>][] = [
    ['successful', { status: 'SUCCESSFUL' }, { kind: 'succeeded' }],
    ['pending', { status: 'PENDING', stage: undefined }, { kind: 'in-progress' }],
    ['in progress', {}, { kind: 'in-progress' }],
    ['rolling back', { status: 'ROLLBACK_IN_PROGRESS' }, { kind: 'in-progress' }],
    [
      'rolled back by a hook',
      {
        status: 'ROLLBACK_SUCCESSFUL',
        statusReason: 'Service deployment rolled back because of a failed lifecycle hook.',
        hooks: [{ hookId: 'h1', targetType: 'AWS_LAMBDA', targetArn: 'arn:lambda:check', status: 'FAILED' }],
      },
      {
        kind: 'failed',
        ecsRolledBack: true,
        rollbackFailed: false,
        canceled: false,
        reason:
          'Service deployment rolled back because of a failed lifecycle hook; lifecycle hook arn:lambda:check failed',
      },
    ],
    [
      'rollback failed',
      { status: 'ROLLBACK_FAILED', statusReason: 'x' },
      { kind: 'failed', ecsRolledBack: false, rollbackFailed: true, canceled: false, reason: 'x' },
    ],
    [
      'stopped',
      { status: 'STOPPED' },
      {
        kind: 'failed',
        ecsRolledBack: false,
        rollbackFailed: false,
        canceled: false,
        reason: 'the service deployment ended STOPPED',
      },
    ],
    [
      'alarm',
      { status: 'ROLLBACK_SUCCESSFUL', triggeredAlarms: ['5xx'] },
      {
        kind: 'failed',
        ecsRolledBack: true,
        rollbackFailed: false,
        canceled: false,
        reason: 'alarms in ALARM: 5xx',
      },
    ],
  ];
  for (const [name, over, want] of cases) {
    const res = judgeServiceDeployment(dep(over), 1000, startStrategyTracking(ARN, 0), config);
    assert.deepEqual(res.verdict, want, name);
  }
});

test('STOPPED after our stop is canceled', () => {
  const t = { ...startStrategyTracking(ARN, 0), stopRequestedByUs: 'stop' as const };
  const res = judgeServiceDeployment(dep({ status: 'STOPPED' }), 10, t, config);
  assert.equal(res.verdict.kind === 'failed' && res.verdict.canceled, true);
});

test('PAUSE awaiting action: paused for the CLI, waiting for the server', () => {
  const hook = { hookId: 'ecs-pause-1', targetType: 'PAUSE', status: 'AWAITING_ACTION', expiresAt: 99 };
  const d = dep({ stage: 'POST_TEST_TRAFFIC_SHIFT', hooks: [hook] });
  const cli = judgeServiceDeployment(d, 10, startStrategyTracking(ARN, 0), config);
  assert.deepEqual(cli.verdict, { kind: 'paused', stage: 'POST_TEST_TRAFFIC_SHIFT', hook });
  const server = judgeServiceDeployment(d, 10, startStrategyTracking(ARN, 0), { ...config, onPause: 'wait' });
  assert.equal(server.verdict.kind, 'in-progress');
  assert.deepEqual(server.awaiting, hook);
});

test('--wait-until ecs:<STAGE> returns once that stage (or a later one) is reached, not during a rollback', () => {
  const c = { ...config, waitUntil: { kind: 'stage' as const, stage: 'POST_TEST_TRAFFIC_SHIFT' as const } };
  const cases: [Partial<ServiceDeploymentSnapshot>, string][] = [
    [{ stage: 'TEST_TRAFFIC_SHIFT' }, 'in-progress'],
    [{ stage: 'POST_TEST_TRAFFIC_SHIFT' }, 'reached'],
    [{ stage: 'BAKE_TIME' }, 'reached'],
    [{ stage: 'BAKE_TIME', status: 'ROLLBACK_IN_PROGRESS' }, 'in-progress'],
    [{ status: 'SUCCESSFUL' }, 'succeeded'],
  ];
  for (const [over, kind] of cases)
    assert.equal(
      judgeServiceDeployment(dep(over), 1, startStrategyTracking(ARN, 0), c).verdict.kind,
      kind,
      JSON.stringify(over),
    );
});

test('a bake longer than the inactivity and overall timeouts is an expected wait, not a failure', () => {
  let t = startStrategyTracking(ARN, 0);
  const baking = dep({
    stage: 'BAKE_TIME',
    target: { arn: 'rev/2', requested: 2, running: 2, pending: 0, testWeight: 100, productionWeight: 100 },
  });
  for (let now = 5_000; now <= 200_000; now += 5_000) {
    const res = judgeServiceDeployment(baking, now, t, config);
    assert.equal(res.verdict.kind, 'in-progress', `at ${now}`);
    t = res.tracking;
  }
  // Stuck outside a wait: inactivity, then the timeout counts only the time outside waits.
  const stuck = dep({ stage: 'SCALE_UP' });
  let res = judgeServiceDeployment(stuck, 201_000, t, config);
  t = res.tracking;
  res = judgeServiceDeployment(stuck, 231_000, t, config);
  assert.equal(res.verdict.kind, 'inactive');
});

test('the overall timeout counts time outside expected waits', () => {
  const t = startStrategyTracking(ARN, 0);
  const moving = (n: number) => dep({ target: { arn: 'rev/2', requested: 100, running: n, pending: 1 } });
  let tr = t;
  let kind = '';
  for (let now = 10_000; now <= 70_000; now += 10_000) {
    const res = judgeServiceDeployment(moving(now / 1000), now, tr, config);
    tr = res.tracking;
    kind = res.verdict.kind;
  }
  assert.equal(kind, 'timed-out');
});

test('isExpectedWait', () => {
  const cases: [Partial<ServiceDeploymentSnapshot>, boolean][] = [
    [{ stage: 'BAKE_TIME' }, true],
    [{ stage: 'SCALE_UP' }, false],
    [{ hooks: [{ hookId: 'h', targetType: 'AWS_LAMBDA', status: 'IN_PROGRESS' }] }, true],
    [{ hooks: [{ hookId: 'h', targetType: 'AWS_LAMBDA', status: 'SUCCEEDED' }] }, false],
    [
      {
        strategy: 'LINEAR',
        stage: 'PRODUCTION_TRAFFIC_SHIFT',
        target: { arn: 'r', requested: 1, running: 1, pending: 0, productionWeight: 30 },
      },
      true,
    ],
    [
      {
        strategy: 'BLUE_GREEN',
        stage: 'PRODUCTION_TRAFFIC_SHIFT',
        target: { arn: 'r', requested: 1, running: 1, pending: 0, productionWeight: 30 },
      },
      false,
    ],
  ];
  for (const [over, want] of cases) assert.equal(isExpectedWait(dep(over)), want, JSON.stringify(over));
});

test('stage changes are reported once; the line shows stage and weights', () => {
  const t = startStrategyTracking(ARN, 0);
  const a = judgeServiceDeployment(dep({ stage: 'TEST_TRAFFIC_SHIFT' }), 1, t, config);
  assert.equal(a.newStage, 'TEST_TRAFFIC_SHIFT');
  const b = judgeServiceDeployment(dep({ stage: 'TEST_TRAFFIC_SHIFT' }), 2, a.tracking, config);
  assert.equal(b.newStage, undefined);
  const line = describeServiceDeployment(
    dep({
      stage: 'TEST_TRAFFIC_SHIFT',
      target: { arn: 'r', requested: 2, running: 2, pending: 0, testWeight: 100, productionWeight: 0 },
    }),
    'web:8',
  );
  assert.equal(
    line,
    'TEST_TRAFFIC_SHIFT (IN_PROGRESS), test 100 % / production 0 % on web:8, tasks 2/2 running',
  );
});

test('remembers the stage a deployment failed at, not the CLEAN_UP its rollback ends in', () => {
  let t = startStrategyTracking(ARN, 0);
  for (const [i, d] of [
    dep({ stage: 'TEST_TRAFFIC_SHIFT' }),
    dep({ stage: 'POST_TEST_TRAFFIC_SHIFT' }),
    dep({ status: 'ROLLBACK_IN_PROGRESS', stage: 'CLEAN_UP' }),
    dep({ status: 'ROLLBACK_SUCCESSFUL', stage: 'CLEAN_UP' }),
  ].entries()) {
    t = judgeServiceDeployment(d, (i + 1) * 1000, t, config).tracking;
  }
  assert.equal(t.failedAtStage, 'POST_TEST_TRAFFIC_SHIFT');
  assert.equal(t.stage, 'CLEAN_UP');
  // A deployment that succeeds never has one.
  const ok = judgeServiceDeployment(
    dep({ status: 'SUCCESSFUL', stage: 'CLEAN_UP' }),
    1,
    startStrategyTracking(ARN, 0),
    config,
  );
  assert.equal(ok.tracking.failedAtStage, undefined);
});
