import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEvent } from '../core/events.js';
import type { Interruption, TaskLogLine } from '../core/model/release.js';
import { awaitInterruption, CanceledError, DeploymentLog, MaskedLog } from './step-context.js';

type Line = Omit<TaskLogLine, 'seq'>;

function sink() {
  const batches: Line[][] = [];
  return { batches, appendLog: async (_id: string, lines: Line[]) => void batches.push(lines) };
}

describe('task log', () => {
  it('writes lines in order, in batches of at most 100', async () => {
    const s = sink();
    const log = new DeploymentLog(s, 'Deployments-1', () => 0);
    for (let i = 0; i < 250; i++) log.add(['Step'], 'info', `line ${i}`);
    await log.flush();
    assert.ok(s.batches.every((b) => b.length <= 100));
    assert.deepEqual(
      s.batches.flat().map((l) => l.message),
      Array.from({ length: 250 }, (_, i) => `line ${i}`),
    );
  });

  it('masks the deployment’s secrets, the step’s own and ones added later', async () => {
    const s = sink();
    const log = new DeploymentLog(s, 'Deployments-1', () => 0);
    const deploymentSecrets = ['deployment-secret'];
    const step = new MaskedLog(log, ['Step', 'Target'], () => deploymentSecrets, ['step-secret']);
    step.info('a deployment-secret and a step-secret');
    step.addSensitive(['late-secret']);
    step.warning('then late-secret');
    deploymentSecrets.push('output-secret');
    step.refresh();
    step.error('and output-secret');
    await log.flush();
    const lines = s.batches.flat();
    assert.deepEqual(
      lines.map((l) => [l.level, l.message]),
      [
        ['info', 'a ******** and a ********'],
        ['warning', 'then ********'],
        ['error', 'and ********'],
      ],
    );
    assert.deepEqual(lines[0]!.path, ['Step', 'Target']);
  });

  it('keeps a coded event’s code and data, masked like the message', async () => {
    const s = sink();
    const log = new DeploymentLog(s, 'Deployments-1', () => 0);
    const step = new MaskedLog(log, ['Step'], () => ['hunter22', '987654']);
    step.event(
      makeEvent('deploy.plan', 'plan with hunter22', {
        service: 'web',
        nested: { list: ['a hunter22 b', 987654, 12, true, null], hunter22: 'key' },
        skipped: undefined,
      }),
    );
    step.event(makeEvent('deploy.failed', 'failed'));
    step.event(makeEvent('deploy.succeeded', 'done'), 'highlight');
    step.info('a plain line');
    await log.flush();
    const lines = s.batches.flat();
    assert.deepEqual(lines[0], {
      path: ['Step'],
      level: 'info',
      at: new Date(0),
      message: 'plan with ********',
      code: 'deploy.plan',
      data: {
        service: 'web',
        nested: { list: ['a ******** b', '********', 12, true, null], '********': 'key' },
      },
    });
    assert.deepEqual(
      lines.slice(1).map((l) => [l.level, l.code, l.data]),
      [
        ['error', 'deploy.failed', {}],
        ['highlight', 'deploy.succeeded', {}],
        ['info', undefined, undefined],
      ],
    );
  });

  it('reports a failed write on flush', async () => {
    const log = new DeploymentLog(
      {
        appendLog: () => Promise.reject(new Error('store down')),
      },
      'Deployments-1',
      () => 0,
    );
    log.add([], 'info', 'x');
    await assert.rejects(log.flush(), /store down/);
  });
});

describe('interruptions', () => {
  const base = {
    kind: 'manual-intervention' as const,
    step: 'Approve',
    title: 'Approve?',
    instructions: 'Look',
    responsibleTeamIds: [],
  };
  function store() {
    const all: Interruption[] = [];
    return {
      all,
      interrupt: async (deploymentId: string, i: Omit<Interruption, 'id' | 'deploymentId' | 'createdAt'>) => {
        const made = { ...i, id: `I-${all.length + 1}`, deploymentId, createdAt: new Date() };
        all.push(made);
        return made;
      },
      interruptions: async () => all.map((i) => ({ ...i })),
    };
  }

  it('opens one and says so, waits for the answer given elsewhere; a resumed wait finds the same one', async () => {
    const s = store();
    const signal = new AbortController().signal;
    const opened: string[] = [];
    const waiting = awaitInterruption(s, 'D-1', base, {
      pollMs: 10,
      signal,
      opened: async (id) => void opened.push(id),
    });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(s.all.length, 1);
    assert.deepEqual(opened, ['I-1']);
    s.all[0]!.answer = 'proceed';
    assert.equal((await waiting).answer, 'proceed');
    // Resumed with the saved id: the answer given before the node died.
    const again = await awaitInterruption(s, 'D-1', base, { pollMs: 10, signal, resume: 'I-1' });
    assert.equal(again.id, 'I-1');
    assert.equal(s.all.length, 1);
  });

  it('asks again when the answered question is not the one to resume (a retried step)', async () => {
    const s = store();
    const signal = new AbortController().signal;
    const first = awaitInterruption(s, 'D-1', base, { pollMs: 10, signal });
    await new Promise((r) => setTimeout(r, 30));
    s.all[0]!.answer = 'abort';
    assert.equal((await first).answer, 'abort');
    const second = awaitInterruption(s, 'D-1', base, { pollMs: 10, signal });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(s.all.length, 2, 'a new question, not the old answer');
    // An open question is reused by a resumed run that did not save its id.
    const third = awaitInterruption(s, 'D-1', base, { pollMs: 10, signal });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(s.all.length, 2);
    s.all[1]!.answer = 'proceed';
    assert.equal((await second).answer, 'proceed');
    assert.equal((await third).id, 'I-2');
  });

  it('stops waiting when the deployment is canceled', async () => {
    const s = store();
    const cancel = new AbortController();
    const waiting = awaitInterruption(s, 'D-1', base, { pollMs: 10, signal: cancel.signal });
    cancel.abort();
    await assert.rejects(waiting, CanceledError);
  });
});
