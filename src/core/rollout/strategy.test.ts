import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  controllerRefusal,
  earlySuccessRefusal,
  expectedWaitMs,
  parseWaitUntil,
  stageIndex,
  strategySwitchWarning,
  type StrategyTiming,
} from './strategy.js';

test('controllerRefusal: ECS is driven; CODE_DEPLOY and EXTERNAL are refused saying what to use', () => {
  assert.equal(controllerRefusal('web', undefined), undefined);
  assert.equal(controllerRefusal('web', 'ECS'), undefined);
  assert.match(controllerRefusal('web', 'CODE_DEPLOY') ?? '', /CodeDeploy.*create-deployment.*BLUE_GREEN/s);
  assert.match(controllerRefusal('web', 'EXTERNAL') ?? '', /task sets.*that tool/s);
});

test('strategySwitchWarning: none when equal; a note when going back to ROLLING', () => {
  assert.equal(strategySwitchWarning('web', 'ROLLING', 'ROLLING'), undefined);
  assert.match(strategySwitchWarning('web', 'ROLLING', 'BLUE_GREEN') ?? '', /from ROLLING to BLUE_GREEN/);
  assert.match(strategySwitchWarning('web', 'BLUE_GREEN', 'ROLLING') ?? '', /#2664/);
});

test('parseWaitUntil', () => {
  const cases: [string, unknown][] = [
    ['deployed', { kind: 'deployed' }],
    ['ecs:POST_TEST_TRAFFIC_SHIFT', { kind: 'stage', stage: 'POST_TEST_TRAFFIC_SHIFT' }],
    ['ecs:bake_time', { kind: 'stage', stage: 'BAKE_TIME' }],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseWaitUntil(text), want, text);
  for (const bad of ['ecs:NOPE', 'stage', '', 'ecs:']) assert.ok('error' in parseWaitUntil(bad), bad);
});

test('stageIndex orders stages; unknown is -1', () => {
  assert.ok(stageIndex('TEST_TRAFFIC_SHIFT') < stageIndex('PRODUCTION_TRAFFIC_SHIFT'));
  assert.ok(stageIndex('BAKE_TIME') < stageIndex('CLEAN_UP'));
  assert.equal(stageIndex(undefined), -1);
  assert.equal(stageIndex('X'), -1);
});

test('expectedWaitMs: bake, step bakes and Lambda hook timeouts; PAUSE hooks not counted', () => {
  const min = 60_000;
  const cases: [string, StrategyTiming, number][] = [
    ['rolling', { strategy: 'ROLLING', bakeTimeInMinutes: 5 }, 0],
    ['absent strategy', {}, 0],
    ['blue/green bake', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 }, 5 * min],
    ['linear defaults', { strategy: 'LINEAR', bakeTimeInMinutes: 1 }, (1 + 9 * 6) * min],
    [
      'linear 25 % steps of 2 min',
      { strategy: 'LINEAR', linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 } },
      3 * 2 * min,
    ],
    ['canary default', { strategy: 'CANARY' }, 10 * min],
    [
      'hooks',
      {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 0,
        lifecycleHooks: [
          {
            targetType: 'AWS_LAMBDA',
            lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT', 'POST_SCALE_UP'],
            timeoutConfiguration: { timeoutInMinutes: 3 },
          },
          {
            targetType: 'PAUSE',
            lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
            timeoutConfiguration: { timeoutInMinutes: 20160 },
          },
        ],
      },
      6 * min,
    ],
    [
      'canary production hook fires at both steps',
      {
        strategy: 'CANARY',
        canaryConfiguration: { canaryBakeTimeInMinutes: 1 },
        lifecycleHooks: [
          { lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 2 } },
        ],
      },
      (1 + 2 * 2) * min,
    ],
  ];
  for (const [name, timing, want] of cases) assert.equal(expectedWaitMs(timing), want, name);
});

test('earlySuccessRefusal: ROLLING only, and not under minimumHealthyPercent (default 100)', () => {
  const early = { healthyPercent: 50, cleanup: 'BLOCKING' as const };
  assert.equal(earlySuccessRefusal('web', early, 'ROLLING', 50), undefined);
  assert.equal(earlySuccessRefusal('web', { ...early, healthyPercent: 100 }, 'ROLLING'), undefined);
  assert.match(
    earlySuccessRefusal('web', early, 'BLUE_GREEN', 0) ?? '',
    /ROLLING deployments only; service web uses BLUE_GREEN/,
  );
  assert.match(
    earlySuccessRefusal('web', early, 'ROLLING') ?? '',
    /below service web's minimumHealthyPercent \(100 %\)/,
  );
  assert.match(earlySuccessRefusal('web', early, 'ROLLING', 75) ?? '', /give at least 75/);
});
