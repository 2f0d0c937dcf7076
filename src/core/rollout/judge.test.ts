import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge, repeatedStopReason, startTracking, wantsStoppedTasks, type JudgeConfig } from './judge.js';
import { judgeStoppedTask } from './task-result.js';
import { minPollIntervalMs, nextPollDelay, pollPhase } from './poll.js';
import type { DeploymentSnapshot, ServiceSnapshot, StoppedTaskSnapshot } from './types.js';

const TD = (rev: number) => `arn:aws:ecs:us-east-1:000000000000:task-definition/web:${rev}`;
const OURS = 'ecs-svc/1';
const config: JudgeConfig = {
  timeoutMs: 100_000,
  inactivityTimeoutMs: 50_000,
  repeatedStopThreshold: 3,
  unablePlaceGraceMs: 10_000,
  skipDeploymentsCheck: false,
  rollbackAppearGraceMs: 5_000,
};

function dep(p: Partial<DeploymentSnapshot> & { id: string }): DeploymentSnapshot {
  return {
    status: 'PRIMARY',
    taskDefinitionArn: TD(5),
    desired: 2,
    pending: 0,
    running: 0,
    failed: 0,
    rolloutState: 'IN_PROGRESS',
    ...p,
  };
}
function svc(
  deployments: DeploymentSnapshot[],
  events: string[] = [],
  extra: Partial<ServiceSnapshot> = {},
): ServiceSnapshot {
  return {
    name: 'web',
    status: 'ACTIVE',
    taskDefinitionArn: deployments.find((d) => d.status === 'PRIMARY')?.taskDefinitionArn ?? TD(5),
    desiredCount: 2,
    deployments,
    events: events.map((message, i) => ({ id: `e${events.length - i}`, createdAt: i, message })),
    circuitBreaker: { enable: false, rollback: false },
    ...extra,
  };
}
const stopped = (
  n: number,
  reason = 'Essential container in task exited',
  exitCode = 3,
): StoppedTaskSnapshot[] =>
  Array.from({ length: n }, (_, i) => ({
    taskArn: `t${i}`,
    taskDefinitionArn: TD(5),
    stopCode: 'EssentialContainerExited',
    stoppedReason: reason,
    containers: [{ name: 'app', exitCode }],
  }));

describe('judge', () => {
  const table: {
    name: string;
    snapshot: ServiceSnapshot;
    stoppedTasks?: StoppedTaskSnapshot[];
    now?: number;
    cfg?: Partial<JudgeConfig>;
    expect: string;
    rolledBack?: boolean;
    nowRunning?: string;
  }[] = [
    {
      name: 'rolling',
      snapshot: svc([
        dep({ id: OURS, running: 1 }),
        dep({
          id: 'ecs-svc/0',
          status: 'ACTIVE',
          taskDefinitionArn: TD(4),
          running: 2,
          rolloutState: 'COMPLETED',
        }),
      ]),
      expect: 'in-progress',
    },
    {
      name: 'completed and alone',
      snapshot: svc([dep({ id: OURS, running: 2, rolloutState: 'COMPLETED' })]),
      expect: 'succeeded',
    },
    {
      name: 'all up but old tasks still there',
      snapshot: svc([
        dep({ id: OURS, running: 2 }),
        dep({ id: 'ecs-svc/0', status: 'ACTIVE', running: 1, taskDefinitionArn: TD(4) }),
      ]),
      expect: 'in-progress',
    },
    {
      name: 'skip deployments check: all up is enough',
      snapshot: svc([
        dep({ id: OURS, running: 2 }),
        dep({ id: 'ecs-svc/0', status: 'ACTIVE', running: 1, taskDefinitionArn: TD(4) }),
      ]),
      cfg: { skipDeploymentsCheck: true },
      expect: 'succeeded',
    },
    {
      name: 'COMPLETED but running below desired',
      snapshot: svc([dep({ id: OURS, running: 1, rolloutState: 'COMPLETED' })]),
      expect: 'in-progress',
    },
    {
      name: 'FAILED, no breaker rollback',
      snapshot: svc([
        dep({
          id: OURS,
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        }),
      ]),
      expect: 'failed:rollout-failed',
      rolledBack: false,
    },
    {
      name: 'FAILED with ECS rollback visible',
      snapshot: svc(
        [
          dep({ id: 'ecs-svc/2', taskDefinitionArn: TD(4) }),
          dep({ id: OURS, status: 'ACTIVE', rolloutState: 'FAILED' }),
        ],
        [
          '(service web) rolling back to deployment ecs-svc/0.',
          '(service web) deployment ecs-svc/1 deployment failed: tasks failed to start.',
        ],
        { circuitBreaker: { enable: true, rollback: true } },
      ),
      expect: 'failed:rollout-failed',
      rolledBack: true,
      nowRunning: TD(4),
    },
    {
      name: 'FAILED under a rolling-back breaker: wait briefly for the rollback to show',
      snapshot: svc([dep({ id: OURS, rolloutState: 'FAILED' })], [], {
        circuitBreaker: { enable: true, rollback: true },
      }),
      expect: 'in-progress',
    },
    {
      name: 'our deployment vanished, its failure event remains',
      snapshot: svc(
        [dep({ id: 'ecs-svc/2', taskDefinitionArn: TD(4) })],
        [
          '(service web) rolling back to deployment ecs-svc/0.',
          '(service web) deployment ecs-svc/1 deployment failed: tasks failed to start.',
        ],
      ),
      expect: 'failed:rollout-failed',
      rolledBack: true,
      nowRunning: TD(4),
    },
    {
      name: 'replaced by a newer deployment',
      snapshot: svc([
        dep({ id: 'ecs-svc/9', taskDefinitionArn: TD(6) }),
        dep({ id: OURS, status: 'ACTIVE' }),
      ]),
      expect: 'failed:replaced',
      rolledBack: false,
      nowRunning: TD(6),
    },
    {
      name: 'replaced by an older revision = rolled back',
      snapshot: svc([dep({ id: 'ecs-svc/9', taskDefinitionArn: TD(3) })]),
      expect: 'failed:replaced',
      rolledBack: true,
    },
    { name: 'gone without a trace', snapshot: svc([]), expect: 'failed:vanished' },
    {
      name: 'service deleted',
      snapshot: svc([dep({ id: OURS })], [], { status: 'DRAINING' }),
      expect: 'failed:service-inactive',
    },
    {
      name: 'repeated stops',
      snapshot: svc([dep({ id: OURS, failed: 3 })]),
      stoppedTasks: stopped(3),
      expect: 'failed:repeated-stops',
    },
    {
      name: 'two stops are not enough',
      snapshot: svc([dep({ id: OURS, failed: 2 })]),
      stoppedTasks: stopped(2),
      expect: 'in-progress',
    },
    {
      name: 'scheduler scale-downs do not count',
      snapshot: svc([dep({ id: OURS, failed: 0 })]),
      stoppedTasks: stopped(5, 'Scaling activity initiated by (deployment ecs-svc/1)', 0).map((t) => ({
        ...t,
        stopCode: 'ServiceSchedulerInitiated',
      })),
      expect: 'in-progress',
    },
    {
      name: 'unable to place within grace',
      snapshot: svc(
        [dep({ id: OURS })],
        [
          '(service web) was unable to place a task because no container instance met all of its requirements.',
        ],
      ),
      expect: 'in-progress',
    },
    { name: 'overall timeout', snapshot: svc([dep({ id: OURS })]), now: 100_000, expect: 'timed-out' },
  ];
  for (const row of table) {
    it(row.name, () => {
      const tracking = startTracking(OURS, TD(5), 0, []);
      const res = judge({
        snapshot: row.snapshot,
        now: row.now ?? 1000,
        tracking,
        config: { ...config, ...row.cfg },
        ...(row.stoppedTasks ? { stoppedTasks: row.stoppedTasks } : {}),
      });
      const v = res.verdict;
      assert.equal(v.kind === 'failed' ? `failed:${v.failure}` : v.kind, row.expect);
      if (v.kind === 'failed' && row.rolledBack !== undefined) assert.equal(v.ecsRolledBack, row.rolledBack);
      if (v.kind === 'failed' && row.nowRunning) assert.equal(v.nowRunning, row.nowRunning);
    });
  }

  it('unable to place past the grace fails; a started task resets it', () => {
    const unable =
      '(service web) was unable to place a task because no container instance met all of its requirements.';
    let t = startTracking(OURS, TD(5), 0, []);
    const s1 = svc([dep({ id: OURS })], [unable]);
    t = judge({ snapshot: s1, now: 1000, tracking: t, config }).tracking;
    assert.equal(judge({ snapshot: s1, now: 11_500, tracking: t, config }).verdict.kind, 'failed');
    const s2 = svc([dep({ id: OURS, pending: 1 })], ['(service web) has started 1 tasks: (task a).', unable]);
    const t2 = judge({ snapshot: s2, now: 5000, tracking: t, config }).tracking;
    assert.equal(judge({ snapshot: s2, now: 11_500, tracking: t2, config }).verdict.kind, 'in-progress');
  });

  it('inactivity: no change in counts, deployments or events', () => {
    const s = svc([dep({ id: OURS, pending: 2 })]);
    let t = startTracking(OURS, TD(5), 0, []);
    t = judge({ snapshot: s, now: 1, tracking: t, config }).tracking;
    assert.equal(judge({ snapshot: s, now: 40_000, tracking: t, config }).verdict.kind, 'in-progress');
    assert.equal(judge({ snapshot: s, now: 50_001, tracking: t, config }).verdict.kind, 'inactive');
    const moved = svc([dep({ id: OURS, pending: 1, running: 1 })]);
    const t2 = judge({ snapshot: moved, now: 45_000, tracking: t, config }).tracking;
    assert.equal(judge({ snapshot: moved, now: 60_000, tracking: t2, config }).verdict.kind, 'in-progress');
  });

  it('reports each new event once, oldest first, and not the baseline', () => {
    const base = svc([dep({ id: OURS })], ['old']);
    let t = startTracking(OURS, TD(5), 0, base.events);
    const s = svc([dep({ id: OURS })], ['second', 'first', 'old']);
    const r = judge({ snapshot: s, now: 1, tracking: t, config });
    assert.deepEqual(
      r.newEvents.map((e) => e.message),
      ['first', 'second'],
    );
    t = r.tracking;
    assert.deepEqual(judge({ snapshot: s, now: 2, tracking: t, config }).newEvents, []);
  });

  it('reads stopped tasks only when failedTasks grew and there is no breaker', () => {
    const t = startTracking(OURS, TD(5), 0, []);
    assert.equal(wantsStoppedTasks(t, svc([dep({ id: OURS, failed: 0 })])), false);
    assert.equal(wantsStoppedTasks(t, svc([dep({ id: OURS, failed: 1 })])), true);
    assert.equal(
      wantsStoppedTasks(
        t,
        svc([dep({ id: OURS, failed: 1 })], [], { circuitBreaker: { enable: true, rollback: false } }),
      ),
      false,
    );
    assert.equal(wantsStoppedTasks({ ...t, failedTasksRead: 1 }, svc([dep({ id: OURS, failed: 1 })])), false);
  });

  it('groups stop reasons with container exit codes', () => {
    const r = repeatedStopReason([...stopped(2, 'x', 1), ...stopped(3, 'x', 2)]);
    assert.equal(r?.count, 3);
    assert.match(r!.reason, /exit code 2/);
  });
});

describe('task result', () => {
  const task = (p: Partial<StoppedTaskSnapshot>): StoppedTaskSnapshot => ({
    taskArn: 't',
    taskDefinitionArn: TD(1),
    containers: [],
    ...p,
  });
  const table: [string, StoppedTaskSnapshot, string[] | undefined, boolean, RegExp?][] = [
    [
      'every essential container exited 0',
      task({
        containers: [
          { name: 'a', exitCode: 0 },
          { name: 'side', exitCode: 1 },
        ],
      }),
      ['a'],
      true,
    ],
    [
      'a non-essential failure is fine, an essential one is not',
      task({
        containers: [
          { name: 'a', exitCode: 0 },
          { name: 'b', exitCode: 2 },
        ],
      }),
      ['a', 'b'],
      false,
      /container b: exit code 2/,
    ],
    [
      'failed to start',
      task({
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'CannotPullContainerError: nope',
        containers: [{ name: 'a', reason: 'CannotPullContainerError: nope' }],
      }),
      ['a'],
      false,
      /^TaskFailedToStart: CannotPullContainerError/,
    ],
    ['no exit code', task({ containers: [{ name: 'a' }] }), ['a'], false, /no exit code/],
  ];
  for (const [name, t, essential, ok, re] of table) {
    it(name, () => {
      const v = judgeStoppedTask(t, essential);
      assert.equal(v.ok, ok);
      if (!v.ok && re) assert.match(v.reason, re);
    });
  }
});

describe('poll pace', () => {
  it('is fast at the start and when finishing, slow while tasks start, bounded by the rate limit', () => {
    const ours = dep({ id: OURS, pending: 2 });
    assert.equal(pollPhase(svc([ours]), ours, 100), 'starting');
    assert.equal(pollPhase(svc([ours]), ours, 10_000), 'far');
    const up = dep({ id: OURS, running: 2 });
    const draining = dep({ id: 'ecs-svc/0', status: 'ACTIVE', running: 0 });
    assert.equal(pollPhase(svc([up, draining]), up, 10_000), 'finishing');
    assert.equal(pollPhase(svc([up, { ...draining, running: 1 }]), up, 10_000), 'health-wait');
    let p = nextPollDelay(undefined, 'far', true, 0);
    const first = p.delayMs;
    p = nextPollDelay(p, 'far', false, 1);
    assert.ok(p.delayMs > first);
    for (let i = 0; i < 10; i++) p = nextPollDelay(p, 'far', false, i);
    assert.ok(p.delayMs <= 5000);
    assert.ok(nextPollDelay(p, 'finishing', false, 0).delayMs <= 1000);
    assert.ok(minPollIntervalMs(25, 20) > minPollIntervalMs(5, 20));
  });
});
