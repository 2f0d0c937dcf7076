import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildRollout, isOurRow, rolloutLook, tasksInEvent } from './rollout.js';
import { interventionFor, stageSteps } from './strategy.js';
import type { LogLine } from './types.js';

let seq = 0;
/** A coded line as the task log stores it: the event's message, code and data (src/deploy/progress.ts say()). */
function coded(
  code: string,
  message: string,
  data: Record<string, unknown>,
  path = ['Deploy', 'hello'],
): LogLine {
  seq += 1;
  return {
    seq,
    path,
    level: 'info',
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
    message,
    code,
    data,
  };
}

const SUBJECT = { service: 'hello-color-dev', cluster: 'hello' };
const TD1 = 'arn:aws:ecs:us-east-1:000000000000:task-definition/hello-color-dev:1';
const TD2 = 'arn:aws:ecs:us-east-1:000000000000:task-definition/hello-color-dev:2';

describe('buildRollout: Update ECS service', () => {
  it('follows plan, register, update, the deployments table, service events and success', () => {
    const lines: LogLine[] = [
      {
        seq: 0,
        path: ['Deploy', 'hello'],
        level: 'info',
        at: '2025-01-01T00:00:00.000Z',
        message: 'Running step',
      },
      coded('deploy.plan', '[hello-color-dev] register a new revision and update', {
        ...SUBJECT,
        action: 'register-and-update',
        family: 'hello-color-dev',
        currentTaskDefinitionArn: TD1,
        rollbackTarget: TD1,
      }),
      coded('deploy.registered', '[hello-color-dev] registered hello-color-dev:2', {
        ...SUBJECT,
        taskDefinitionArn: TD2,
        family: 'hello-color-dev',
      }),
      coded('deploy.service-updated', '[hello-color-dev] updated', {
        ...SUBJECT,
        deploymentId: 'ecs-svc/2',
        taskDefinitionArn: TD2,
      }),
      coded('deploy.deployments', '[hello-color-dev] PRIMARY hello-color-dev:2 IN_PROGRESS ...', {
        ...SUBJECT,
        deploymentId: 'ecs-svc/2',
        deployments: [
          {
            id: 'ecs-svc/2',
            taskDefinition: 'hello-color-dev:2',
            status: 'PRIMARY',
            rolloutState: 'IN_PROGRESS',
            desired: 2,
            pending: 2,
            running: 0,
            failed: 0,
          },
          {
            id: 'ecs-svc/1',
            taskDefinition: 'hello-color-dev:1',
            status: 'ACTIVE',
            rolloutState: 'COMPLETED',
            desired: 2,
            pending: 0,
            running: 2,
            failed: 0,
          },
        ],
      }),
      coded('deploy.service-event', '[hello-color-dev] has started 2 tasks: (task aaa) (task bbb).', {
        ...SUBJECT,
        eventId: 'e1',
        createdAt: '2025-01-01T00:00:05.000Z',
        text: '(service hello-color-dev) has started 2 tasks: (task aaa) (task bbb).',
      }),
      coded('deploy.service-event', '[hello-color-dev] has stopped 1 running tasks: (task old1).', {
        ...SUBJECT,
        eventId: 'e2',
        createdAt: '2025-01-01T00:00:06.000Z',
        text: '(service hello-color-dev) has stopped 1 running tasks: (task old1).',
      }),
      coded('deploy.deployments', '[hello-color-dev] PRIMARY hello-color-dev:2 COMPLETED ...', {
        ...SUBJECT,
        deploymentId: 'ecs-svc/2',
        deployments: [
          {
            id: 'ecs-svc/2',
            taskDefinition: 'hello-color-dev:2',
            status: 'PRIMARY',
            rolloutState: 'COMPLETED',
            desired: 2,
            pending: 0,
            running: 2,
            failed: 0,
          },
        ],
      }),
      coded('deploy.succeeded', '[hello-color-dev] deployment ecs-svc/2 of hello-color-dev:2 completed', {
        ...SUBJECT,
        deploymentId: 'ecs-svc/2',
        taskDefinitionArn: TD2,
      }),
    ];
    const model = buildRollout(lines);
    assert.equal(model.services.length, 1);
    const s = model.services[0]!;
    assert.equal(s.service, 'hello-color-dev');
    assert.equal(s.cluster, 'hello');
    assert.deepEqual(s.path, ['Deploy', 'hello']);
    assert.equal(s.action, 'register-and-update');
    assert.equal(s.taskDefinition, 'hello-color-dev:2');
    assert.equal(s.deploymentId, 'ecs-svc/2');
    assert.deepEqual(
      s.deployments.map((r) => [r.status, r.rolloutState, r.running]),
      [['PRIMARY', 'COMPLETED', 2]],
    );
    assert.deepEqual(
      s.tasks.map((t) => [t.id, t.startedAt !== undefined, t.stoppedAt !== undefined]),
      [
        ['aaa', true, false],
        ['bbb', true, false],
        ['old1', false, true],
      ],
    );
    assert.equal(s.events.length, 2);
    assert.equal(s.outcome?.kind, 'succeeded');
    assert.deepEqual(rolloutLook(s), { label: 'Success', tone: 'success' });
  });

  it('keeps a failure’s reason and the stopped tasks’ summary, and the rollback', () => {
    const model = buildRollout([
      coded('deploy.failed', '[web] deployment ecs-svc/3 of web:3 failed: 3 tasks of web:3 stopped: ...', {
        service: 'web',
        cluster: 'c',
        deploymentId: 'ecs-svc/3',
        taskDefinitionArn: 'web:3',
        failure: 'repeated-stops',
        reason:
          '3 tasks of web:3 stopped: EssentialContainerExited: Essential container in task exited (container web exit code 2)',
        ecsRolledBack: false,
        runningTaskDefinitionArn: 'web:3',
      }),
      coded('deploy.rollback-started', '[web] rolling back to web:2', { service: 'web', cluster: 'c' }),
      coded('deploy.rollback-succeeded', '[web] rolled back to web:2', {
        service: 'web',
        cluster: 'c',
        deploymentId: 'ecs-svc/4',
        taskDefinitionArn: 'web:2',
      }),
    ]);
    const s = model.services[0]!;
    assert.equal(s.outcome?.kind, 'failed');
    assert.match(s.stopReasons[0] ?? '', /exit code 2/);
    assert.equal(s.rollback?.state, 'succeeded');
    assert.equal(rolloutLook(s).label, 'Failed, rolled back');
  });

  it('names each stopped task’s reason from the CloudFormation step’s deploy.failed', () => {
    const model = buildRollout([
      coded('deploy.failed', '[shop] deployment ecs-svc/1 of shop:2 failed: ...', {
        service: 'shop',
        cluster: 'apps',
        deploymentId: 'ecs-svc/1',
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/shop:2',
        failure: 'rollout-failed',
        reason: 'tasks failed to start',
        ecsRolledBack: true,
        stoppedTasks: [
          {
            taskArn: 'arn:aws:ecs:us-east-1:1:task/apps/t1',
            taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/shop:2',
            reason:
              'EssentialContainerExited: Essential container in task exited (container web exit code 2)',
          },
        ],
      }),
    ]);
    const t = model.services[0]!.tasks[0]!;
    assert.equal(t.id, 't1');
    assert.equal(t.taskDefinition, 'shop:2');
    assert.match(t.reason ?? '', /exit code 2/);
  });
});

describe('buildRollout: run task, strategies and stacks', () => {
  it('reads a run task’s start and stop with exit codes (family subject)', () => {
    const model = buildRollout([
      coded('task.started', '[migrate] started task t9 of migrate:4', {
        family: 'migrate',
        cluster: 'c',
        taskArn: 'arn:aws:ecs:us-east-1:1:task/c/t9',
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/migrate:4',
      }),
      coded('task.stopped', '[migrate] task t9 stopped: Essential container in task exited', {
        family: 'migrate',
        cluster: 'c',
        taskArn: 'arn:aws:ecs:us-east-1:1:task/c/t9',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'migrate', exitCode: 3 }],
      }),
    ]);
    const t = model.services[0]!.tasks[0]!;
    assert.equal(model.services[0]!.service, 'migrate');
    assert.equal(t.reason, 'EssentialContainerExited: Essential container in task exited');
    assert.deepEqual(t.exits, [{ container: 'migrate', exitCode: 3 }]);
  });

  it('follows a native strategy’s stage, weights and pause', () => {
    const model = buildRollout([
      coded('deploy.stage', '[bg] BLUE_GREEN TEST_TRAFFIC_SHIFT', {
        ...SUBJECT,
        serviceDeploymentArn: 'arn:sd/1',
        stage: 'TEST_TRAFFIC_SHIFT',
        status: 'IN_PROGRESS',
        strategy: 'BLUE_GREEN',
        testWeight: 100,
        productionWeight: 0,
        target: null,
        sources: [],
        hooks: [],
      }),
      coded('deploy.paused', '[bg] paused at POST_TEST_TRAFFIC_SHIFT', {
        ...SUBJECT,
        serviceDeploymentArn: 'arn:sd/1',
        stage: 'POST_TEST_TRAFFIC_SHIFT',
        hook: { hookId: 'h1' },
      }),
    ]);
    const s = model.services[0]!;
    assert.equal(s.strategy?.strategy, 'BLUE_GREEN');
    assert.equal(s.strategy?.testWeight, 100);
    assert.deepEqual(s.strategy?.paused, { stage: 'POST_TEST_TRAFFIC_SHIFT', hookId: 'h1' });
    assert.equal(rolloutLook(s).label, 'Paused');
  });

  it('collects a stack’s events, its final status and the failures', () => {
    const ev = (id: string, logical: string, type: string, status: string, reason?: string) => ({
      eventId: id,
      stackId: 'arn:stack/s/1',
      stackName: 'hello-stack-dev',
      logicalResourceId: logical,
      physicalResourceId: '',
      resourceType: type,
      status,
      ...(reason ? { reason } : {}),
      timestamp: '2025-01-01T00:00:00.000Z',
      token: 'tok',
    });
    const model = buildRollout([
      coded('cfn.operation-started', 'Creating stack hello-stack-dev', {
        stackName: 'hello-stack-dev',
        stackId: 'arn:stack/s/1',
        operation: 'create',
        token: 'tok',
        attached: false,
      }),
      coded(
        'cfn.stack-event',
        'Service - AWS::ECS::Service - CREATE_FAILED',
        ev('e1', 'Service', 'AWS::ECS::Service', 'CREATE_FAILED', 'tasks failed'),
      ),
      coded('cfn.stack-finished', 'Stack hello-stack-dev create finished: ROLLBACK_COMPLETE.', {
        stackName: 'hello-stack-dev',
        stackId: 'arn:stack/s/1',
        operation: 'create',
        status: 'ROLLBACK_COMPLETE',
        succeeded: false,
      }),
      coded(
        'cfn.failure-event',
        'Stack event ...',
        ev('e1', 'Service', 'AWS::ECS::Service', 'CREATE_FAILED', 'tasks failed'),
      ),
    ]);
    const st = model.stacks[0]!;
    assert.equal(st.operation, 'create');
    assert.equal(st.status, 'ROLLBACK_COMPLETE');
    assert.equal(st.succeeded, false);
    assert.equal(st.events.length, 1);
    assert.equal(st.failures[0]?.reason, 'tasks failed');
  });

  it('reads task ids out of ECS’s started and stopped events', () => {
    assert.deepEqual(tasksInEvent('(service a) has started 1 tasks: (task x1).'), {
      started: ['x1'],
      stopped: [],
    });
    assert.deepEqual(tasksInEvent('(service a) has stopped 2 running tasks: (task y) (task z).'), {
      started: [],
      stopped: ['y', 'z'],
    });
    assert.deepEqual(tasksInEvent('(service a) has reached a steady state.'), { started: [], stopped: [] });
  });
});

// Shapes of src/deploy/watch-strategy.ts (deploy.stage, deploy.deployments with strategyRows and
// strategyState, deploy.paused, deploy.hook-answered) and finish-strategy.ts (deploy.succeeded/failed).
const BG = { service: 'bg-web', cluster: 'e2e-bg' };
const SD = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/e2e-bg/bg-web/abc';
const REV_NEW = 'arn:aws:ecs:us-east-1:123456789012:service-revision/e2e-bg/bg-web/2';
const REV_OLD = 'arn:aws:ecs:us-east-1:123456789012:service-revision/e2e-bg/bg-web/1';
const HOOK = {
  hookId: 'ecs-pause-1',
  targetType: 'PAUSE',
  status: 'AWAITING_ACTION',
  expiresAt: Date.UTC(2025, 0, 2),
  timeoutAction: 'ROLLBACK',
};

function stageLine(
  stage: string,
  status: string,
  test: number | null,
  production: number | null,
  hooks: unknown[] = [],
) {
  const target = {
    arn: REV_NEW,
    requested: 2,
    running: 2,
    pending: 0,
    testWeight: test ?? 0,
    productionWeight: production ?? 0,
  };
  return coded('deploy.stage', `[bg-web] BLUE_GREEN ${stage}`, {
    ...BG,
    serviceDeploymentArn: SD,
    stage,
    status,
    strategy: 'BLUE_GREEN',
    testWeight: test,
    productionWeight: production,
    target,
    sources: [
      {
        arn: REV_OLD,
        requested: 2,
        running: 2,
        pending: 0,
        testWeight: 100 - (test ?? 0),
        productionWeight: 100 - (production ?? 0),
      },
    ],
    hooks,
  });
}

function rowsLine(stage: string | null, status: string, test: number | null, production: number | null) {
  return coded('deploy.deployments', `[bg-web] BLUE_GREEN ${stage ?? ''}`, {
    ...BG,
    deploymentId: SD,
    serviceDeploymentArn: SD,
    strategy: 'BLUE_GREEN',
    status,
    stage,
    testWeight: test,
    productionWeight: production,
    revision: 'bg-web:2',
    deployments: [
      {
        id: REV_NEW,
        taskDefinition: 'bg-web:2',
        status: 'TARGET',
        rolloutState: status,
        desired: 2,
        pending: 0,
        running: 2,
        failed: 0,
        ...(test !== null ? { testWeight: test } : {}),
        ...(production !== null ? { productionWeight: production } : {}),
      },
      {
        id: REV_OLD,
        taskDefinition: 'bg-web:1',
        status: 'SOURCE',
        rolloutState: status,
        desired: 2,
        pending: 0,
        running: 2,
        failed: 0,
        testWeight: 100 - (test ?? 0),
        productionWeight: 100 - (production ?? 0),
      },
    ],
  });
}

describe('buildRollout: a BLUE_GREEN service deployment', () => {
  it('follows the stages, the weights per revision, the pause, its answer and success', () => {
    const paused = [
      stageLine('SCALE_UP', 'IN_PROGRESS', 0, 0),
      rowsLine('SCALE_UP', 'IN_PROGRESS', 0, 0),
      stageLine('POST_TEST_TRAFFIC_SHIFT', 'IN_PROGRESS', 100, 0, [HOOK]),
      rowsLine('POST_TEST_TRAFFIC_SHIFT', 'IN_PROGRESS', 100, 0),
      coded(
        'deploy.paused',
        '[bg-web] paused at POST_TEST_TRAFFIC_SHIFT: PAUSE hook ecs-pause-1 awaits action',
        {
          ...BG,
          serviceDeploymentArn: SD,
          stage: 'POST_TEST_TRAFFIC_SHIFT',
          hook: HOOK,
        },
      ),
    ];
    let s = buildRollout(paused).services[0]!;
    const st = s.strategy!;
    assert.equal(st.strategy, 'BLUE_GREEN');
    assert.equal(st.status, 'IN_PROGRESS');
    assert.equal(st.stage, 'POST_TEST_TRAFFIC_SHIFT');
    assert.equal(st.testWeight, 100);
    assert.equal(st.productionWeight, 0);
    assert.equal(st.revision, 'bg-web:2');
    assert.deepEqual(st.stagesSeen, ['SCALE_UP', 'POST_TEST_TRAFFIC_SHIFT']);
    assert.deepEqual(st.hooks, [{ hookId: 'ecs-pause-1', targetType: 'PAUSE', status: 'AWAITING_ACTION' }]);
    assert.deepEqual(st.paused, {
      stage: 'POST_TEST_TRAFFIC_SHIFT',
      hookId: 'ecs-pause-1',
      expiresAt: HOOK.expiresAt,
      timeoutAction: 'ROLLBACK',
    });
    assert.equal(s.deploymentId, SD);
    assert.equal(rolloutLook(s).label, 'Paused');
    // TARGET is ours (its id is a service revision, not the service deployment), with its weights.
    assert.deepEqual(
      s.deployments.map((r) => [r.status, r.rolloutState, r.testWeight, r.productionWeight, isOurRow(s, r)]),
      [
        ['TARGET', 'IN_PROGRESS', 100, 0, true],
        ['SOURCE', 'IN_PROGRESS', 0, 100, false],
      ],
    );
    const steps = stageSteps(st);
    assert.equal(steps.find((x) => x.state === 'current')?.stage, 'POST_TEST_TRAFFIC_SHIFT');
    assert.deepEqual(
      steps.filter((x) => x.state === 'done').map((x) => x.stage),
      ['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT'],
    );
    assert.ok(!steps.some((x) => x.stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT'), 'a hook stage only');
    assert.equal(steps.at(-1)?.state, 'upcoming');

    s = buildRollout([
      ...paused,
      coded(
        'deploy.hook-answered',
        '[bg-web] answered PAUSE hook ecs-pause-1 at POST_TEST_TRAFFIC_SHIFT: CONTINUE',
        {
          ...BG,
          serviceDeploymentArn: SD,
          hookId: 'ecs-pause-1',
          action: 'CONTINUE',
        },
      ),
      stageLine('PRODUCTION_TRAFFIC_SHIFT', 'IN_PROGRESS', 100, 100),
      rowsLine('PRODUCTION_TRAFFIC_SHIFT', 'IN_PROGRESS', 100, 100),
      stageLine('BAKE_TIME', 'IN_PROGRESS', 100, 100),
      stageLine('CLEAN_UP', 'IN_PROGRESS', 100, 100),
      rowsLine('CLEAN_UP', 'SUCCESSFUL', 100, 100),
      coded('deploy.succeeded', `[bg-web] service deployment ${SD} of bg-web:2 completed (SUCCESSFUL)`, {
        ...BG,
        deploymentId: SD,
        serviceDeploymentArn: SD,
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/bg-web:2',
        stage: 'CLEAN_UP',
      }),
    ]).services[0]!;
    assert.equal(s.strategy?.paused, undefined);
    assert.deepEqual(s.strategy?.hookAnswered, {
      hookId: 'ecs-pause-1',
      action: 'CONTINUE',
      message: '[bg-web] answered PAUSE hook ecs-pause-1 at POST_TEST_TRAFFIC_SHIFT: CONTINUE',
    });
    assert.equal(s.strategy?.status, 'SUCCESSFUL');
    assert.equal(s.strategy?.productionWeight, 100);
    assert.ok(stageSteps(s.strategy!).every((x) => x.state === 'done'));
    assert.equal(rolloutLook(s).label, 'Success');
  });

  it('ends a pause answered outside Slipway once the stage moves on', () => {
    const s = buildRollout([
      stageLine('POST_TEST_TRAFFIC_SHIFT', 'IN_PROGRESS', 100, 0, [HOOK]),
      coded('deploy.paused', '[bg-web] paused', {
        ...BG,
        serviceDeploymentArn: SD,
        stage: 'POST_TEST_TRAFFIC_SHIFT',
        hook: HOOK,
      }),
      rowsLine('POST_TEST_TRAFFIC_SHIFT', 'IN_PROGRESS', 100, 0),
      stageLine('PRODUCTION_TRAFFIC_SHIFT', 'IN_PROGRESS', 100, 100),
    ]).services[0]!;
    assert.equal(s.strategy?.paused, undefined);
    assert.equal(rolloutLook(s).label, 'In progress');
  });

  it('marks the stage a rollback started from, and the failure', () => {
    const s = buildRollout([
      stageLine('POST_TEST_TRAFFIC_SHIFT', 'IN_PROGRESS', 100, 0),
      rowsLine('POST_TEST_TRAFFIC_SHIFT', 'ROLLBACK_REQUESTED', 100, 0),
      stageLine('CLEAN_UP', 'ROLLBACK_IN_PROGRESS', 0, 0),
      rowsLine('CLEAN_UP', 'ROLLBACK_SUCCESSFUL', 0, 0),
      coded(
        'deploy.failed',
        `[bg-web] service deployment ${SD} of bg-web:2 failed at POST_TEST_TRAFFIC_SHIFT: ...`,
        {
          ...BG,
          deploymentId: SD,
          serviceDeploymentArn: SD,
          taskDefinitionArn: 'bg-web:2',
          stage: 'CLEAN_UP',
          reason: 'the PAUSE hook was answered ROLLBACK',
          ecsRolledBack: true,
          rollbackFailed: false,
          runningTaskDefinitionArn: 'bg-web:1',
        },
      ),
    ]).services[0]!;
    assert.equal(s.strategy?.failedAt, 'POST_TEST_TRAFFIC_SHIFT');
    assert.equal(s.strategy?.status, 'ROLLBACK_SUCCESSFUL');
    const steps = stageSteps(s.strategy!);
    assert.deepEqual(steps.find((x) => x.state === 'failed')?.stage, 'POST_TEST_TRAFFIC_SHIFT');
    assert.equal(rolloutLook(s).label, 'Failed, rolled back');
  });

  it('draws no stage sequence for a ROLLING deployment judged for early success', () => {
    const s = buildRollout([rowsLine(null, 'IN_PROGRESS', null, null)]).services[0]!;
    s.strategy!.strategy = 'ROLLING';
    assert.deepEqual(stageSteps(s.strategy!), []);
  });

  it('finds the manual intervention of a paused hook', () => {
    const base = {
      kind: 'manual-intervention',
      step: 'Deploy',
      title: 'Deploy: bg-web paused at POST_TEST_TRAFFIC_SHIFT',
    };
    const items = [
      { ...base, id: 'i-old', instructions: 'paused (PAUSE hook ecs-pause-0, ...)', answer: 'proceed' },
      {
        ...base,
        id: 'i-1',
        instructions: 'is paused at POST_TEST_TRAFFIC_SHIFT (PAUSE hook ecs-pause-1, service deployment ...)',
      },
      { ...base, id: 'i-gf', kind: 'guided-failure', instructions: '' },
    ];
    assert.equal(interventionFor(['Deploy', 'bg'], 'bg-web', 'ecs-pause-1', items)?.id, 'i-1');
    assert.equal(
      interventionFor(['Deploy', 'bg'], 'bg-web', 'ecs-pause-9', items)?.id,
      'i-1',
      'by its title',
    );
    assert.equal(interventionFor(['Other'], 'bg-web', 'ecs-pause-9', items), undefined);
  });
});

describe('buildRollout: a rolling deployment’s stopped tasks', () => {
  it('lists each stopped task of deploy.failed with its reason (src/deploy/finish.ts)', () => {
    const td = 'arn:aws:ecs:us-east-1:1:task-definition/web:3';
    const model = buildRollout([
      coded('deploy.failed', '[web] deployment ecs-svc/3 of web:3 failed: 2 tasks of web:3 stopped: ...', {
        service: 'web',
        cluster: 'c',
        deploymentId: 'ecs-svc/3',
        taskDefinitionArn: td,
        failure: 'repeated-stops',
        reason:
          '2 tasks of web:3 stopped: EssentialContainerExited: Essential container in task exited (container web exit code 2)',
        ecsRolledBack: false,
        runningTaskDefinitionArn: td,
        stoppedTasks: [
          {
            taskArn: 'arn:aws:ecs:us-east-1:1:task/c/t1',
            taskDefinitionArn: td,
            reason:
              'EssentialContainerExited: Essential container in task exited (container web exit code 2)',
          },
          {
            taskArn: 'arn:aws:ecs:us-east-1:1:task/c/t2',
            taskDefinitionArn: td,
            reason: 'TaskFailedToStart: CannotPullContainerError: pull access denied',
          },
        ],
      }),
    ]);
    const s = model.services[0]!;
    assert.deepEqual(
      s.tasks.map((t) => [t.id, t.taskDefinition, t.reason, t.stoppedAt !== undefined]),
      [
        [
          't1',
          'web:3',
          'EssentialContainerExited: Essential container in task exited (container web exit code 2)',
          true,
        ],
        ['t2', 'web:3', 'TaskFailedToStart: CannotPullContainerError: pull access denied', true],
      ],
    );
    assert.equal(rolloutLook(s).label, 'Failed');
  });
});
