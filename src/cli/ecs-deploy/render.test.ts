import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEvent } from '../../core/events.js';
import type { DeployOutcome } from '../../deploy/request.js';
import { EXIT, exitCodeForOutcome } from '../exit-codes.js';
import { createRenderer, strategyLine, type Terminal } from './render.js';

function terminal(isTTY: boolean): Terminal & { text: string } {
  const t = {
    text: '',
    isTTY,
    columns: 200,
    write(s: string) {
      t.text += s;
      return true;
    },
  };
  return t;
}

const deployments = (running: number) =>
  makeEvent('deploy.deployments', 'web deployments', {
    service: 'web',
    deployments: [
      {
        id: 'ecs-svc/2',
        taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:2',
        status: 'PRIMARY',
        rolloutState: 'IN_PROGRESS',
        desired: 2,
        pending: 2 - running,
        running,
        failed: 0,
      },
      {
        id: 'ecs-svc/1',
        taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
        status: 'ACTIVE',
        rolloutState: 'COMPLETED',
        desired: 2,
        pending: 0,
        running: 2,
        failed: 0,
      },
    ],
  });

describe('ecs-deploy rendering', () => {
  it('CI: every line has a time and the service; the table only when it changes', () => {
    const err = terminal(false);
    const r = createRenderer({ output: 'text', verbose: false, targets: ['web', 'api'] }, err);
    r.emit(makeEvent('deploy.registered', 'web: registered web:2', { service: 'web' }));
    r.emit(deployments(0));
    r.emit(deployments(0));
    r.emit(
      makeEvent('deploy.service-event', '(service api) has reached a steady state.', { service: 'api' }),
    );
    r.emit(deployments(1));
    r.emit(makeEvent('aws.retry', 'retrying', {}));
    const lines = err.text.trimEnd().split('\n');
    for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[(web|api)\] /);
    assert.equal(lines.filter((l) => l.includes('REVISION')).length, 2, err.text);
    assert.ok(!err.text.includes('\x1b'), 'no escape codes in CI logs');
    assert.doesNotMatch(err.text, /retrying/);
  });

  it('TTY: redraws the table in place, events above it', () => {
    const err = terminal(true);
    const r = createRenderer({ output: 'text', verbose: false, colour: false, targets: ['web'] }, err);
    r.emit(deployments(0));
    r.emit(makeEvent('deploy.service-event', 'web: started 1 task', { service: 'web' }));
    r.emit(deployments(1));
    // Three lines (header + two rows) are erased before each redraw.
    assert.equal(err.text.split('\x1b[3F\x1b[J').length, 3);
    assert.match(err.text, /started 1 task\nSERVICE/);
  });

  it('json: NDJSON events (debug with -v) and the result as one object', () => {
    const err = terminal(true);
    const r = createRenderer({ output: 'json', verbose: true, targets: ['web'] }, err);
    r.emit(deployments(0));
    r.emit(makeEvent('aws.throttled', 'slow down', {}));
    const events = err.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { code: string });
    assert.deepEqual(
      events.map((e) => e.code),
      ['deploy.deployments', 'aws.throttled'],
    );
    const result = {
      outcome: 'succeeded' as const,
      results: [{ name: 'web', outcome: 'succeeded' as const, message: 'ok' }],
    };
    assert.deepEqual(JSON.parse(r.formatResult(result)), result);
  });

  it('a strategy deployment: stage and weights on a line under the table (CI and TTY), kept in json', () => {
    const state = (stage: string, testWeight: number) =>
      makeEvent('deploy.deployments', 'web', {
        service: 'web',
        strategy: 'BLUE_GREEN',
        status: 'IN_PROGRESS',
        stage,
        testWeight,
        productionWeight: 0,
        revision: 'web:8',
        deployments: [
          {
            id: 'r8',
            taskDefinition: 'web:8',
            status: 'TARGET',
            rolloutState: 'IN_PROGRESS',
            desired: 2,
            running: 2,
          },
          {
            id: 'r7',
            taskDefinition: 'web:7',
            status: 'SOURCE',
            rolloutState: 'IN_PROGRESS',
            desired: 2,
            running: 2,
          },
        ],
      });
    assert.equal(
      strategyLine(state('TEST_TRAFFIC_SHIFT', 100).data),
      'BLUE_GREEN IN_PROGRESS · stage TEST_TRAFFIC_SHIFT · test 100 % / production 0 % on web:8',
    );
    assert.equal(strategyLine(deployments(0).data), undefined, 'rolling tables have no such line');

    const ci = terminal(false);
    const r = createRenderer({ output: 'text', verbose: false, targets: ['web'] }, ci);
    r.emit(state('SCALE_UP', 0));
    r.emit(state('SCALE_UP', 0));
    // Same rows, a new stage: printed again.
    r.emit(state('TEST_TRAFFIC_SHIFT', 100));
    const lines = ci.text.trimEnd().split('\n');
    assert.equal(lines.filter((l) => l.includes('REVISION')).length, 2, ci.text);
    assert.match(
      lines[3]!,
      /\[web\] BLUE_GREEN IN_PROGRESS · stage SCALE_UP · test 0 % \/ production 0 % on web:8$/,
    );
    assert.match(lines.at(-1)!, /stage TEST_TRAFFIC_SHIFT · test 100 %/);
    assert.match(lines[1]!, /web:8\s+TARGET\s+IN_PROGRESS/);

    const tty = terminal(true);
    const live = createRenderer({ output: 'text', verbose: false, colour: false, targets: ['web'] }, tty);
    live.emit(state('SCALE_UP', 0));
    live.emit(state('TEST_TRAFFIC_SHIFT', 100));
    // Header, two rows and the stage line are erased before the redraw.
    assert.equal(tty.text.split('\x1b[4F\x1b[J').length, 2, JSON.stringify(tty.text));
    assert.match(tty.text, /web:7.*\nBLUE_GREEN IN_PROGRESS · stage TEST_TRAFFIC_SHIFT/);

    const json = terminal(false);
    createRenderer({ output: 'json', verbose: false, targets: ['web'] }, json).emit(
      state('TEST_TRAFFIC_SHIFT', 100),
    );
    const event = JSON.parse(json.text) as { data: Record<string, unknown> };
    assert.equal(event.data.stage, 'TEST_TRAFFIC_SHIFT');
    assert.equal(event.data.testWeight, 100);
    assert.equal(event.data.productionWeight, 0);
  });

  it('text result: one line per service with outcome and revisions; --diff lines before it', () => {
    const r = createRenderer({ output: 'text', verbose: false, targets: ['web'] }, terminal(false));
    r.emit(
      makeEvent('deploy.diff', 'web: 1 change', {
        service: 'web',
        lines: ['container web: image a:1 → a:2'],
      }),
    );
    const text = r.formatResult({
      outcome: 'previewed',
      results: [
        {
          name: 'web',
          outcome: 'previewed',
          message: 'would register web:3',
          runningTaskDefinitionArn: 'arn:aws:ecs:us-east-1:0:task-definition/web:2',
        },
      ],
    });
    assert.equal(
      text,
      'container web: image a:1 → a:2\nweb: previewed (runs web:2) - would register web:3\n',
    );
  });

  it('outcomes map to the documented exit codes', () => {
    const table: Record<DeployOutcome, number> = {
      succeeded: 0,
      'no-change': 0,
      previewed: 0,
      failed: 1,
      'task-failed': 1,
      'failed-ecs-rolled-back': 14,
      'failed-rolled-back': 15,
      'rollback-failed': 16,
      'timed-out': 17,
      inactive: 18,
    };
    for (const [outcome, exit] of Object.entries(table)) {
      assert.equal(exitCodeForOutcome(outcome as DeployOutcome), exit, outcome);
    }
    assert.equal(EXIT.INACTIVE, 18);
  });
});
