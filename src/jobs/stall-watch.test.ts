import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Interruption, TaskLogLine } from '../core/model/release.js';
import type { RunnerStore } from './runner-deps.js';
import { watchStalls, type StallStore } from './stall-watch.js';

const MINUTE = 60_000;

/** A fake store that records what the watch does, and a runner store to track. */
function fixture(stallAfterMs = 10 * MINUTE) {
  let now = Date.parse('2030-01-01T12:00:00Z');
  const running = new Set<string>();
  const lines: { id: string; line: Omit<TaskLogLine, 'seq'> }[] = [];
  const marks: string[] = [];
  const questions = new Map<string, Interruption[]>();
  const store: StallStore = {
    appendLog: async (id, batch) => {
      for (const line of batch) lines.push({ id, line });
    },
    interruptions: async (id) => questions.get(id) ?? [],
    markStalled: async (id, since) => {
      marks.push(`mark ${id} ${since.toISOString()}`);
    },
    clearStalled: async (id) => {
      marks.push(`clear ${id}`);
    },
  };
  const watch = watchStalls({ store, stallAfterMs, running: () => running, now: () => now });
  const runner = {
    appendLog: async () => {},
    saveStep: async () => {},
    getById: async (id: string) => ({ id }),
  } as unknown as RunnerStore;
  const tracked = watch.track(runner);
  return {
    watch,
    tracked,
    running,
    lines,
    marks,
    questions,
    advance: (ms: number) => (now += ms),
    at: () => new Date(now).toISOString(),
  };
}

const logLine = { path: [], level: 'info' as const, at: new Date(), message: 'hello' };

describe('stall watch', () => {
  it('flags a deployment silent for stallAfter once, clears the flag on progress, warns again on a new stall', async () => {
    const f = fixture();
    f.running.add('d1');
    await f.tracked.appendLog('d1', [logLine]);
    const lastProgress = f.at();
    assert.deepEqual(f.marks, ['clear d1'], 'first seen: a flag another node left is cleared');
    f.advance(9 * MINUTE);
    await f.watch.check();
    assert.equal(f.lines.length, 0, 'not yet');
    f.advance(2 * MINUTE);
    await f.watch.check();
    f.advance(20 * MINUTE);
    await f.watch.check();
    assert.deepEqual(f.marks, ['clear d1', `mark d1 ${lastProgress}`]);
    assert.equal(f.lines.length, 1, 'one warning per stall');
    const warning = f.lines[0]!.line;
    assert.equal(warning.code, 'deployment.stalled');
    assert.equal(warning.level, 'warning');
    assert.deepEqual(warning.path, []);
    assert.deepEqual(warning.data, { stalledSince: lastProgress, stallAfterMinutes: 10 });
    assert.match(warning.message, /^No progress for 11 minutes: nothing was logged or saved since /);

    // Saved progress counts as progress: the flag goes.
    await f.tracked.saveStep('d1', { step: 0, targetId: '', state: 'running', progress: {} } as never);
    assert.deepEqual(f.marks.at(-1), 'clear d1');
    f.advance(5 * MINUTE);
    await f.watch.check();
    assert.equal(f.lines.length, 1);
    f.advance(6 * MINUTE);
    await f.watch.check();
    assert.equal(f.lines.length, 2, 'a second stall warns again');
  });

  it('a deployment waiting for a person is not stalled', async () => {
    const f = fixture();
    f.running.add('d1');
    await f.tracked.appendLog('d1', [logLine]);
    f.questions.set('d1', [{ id: 'i1' } as Interruption]);
    f.advance(60 * MINUTE);
    await f.watch.check();
    assert.equal(f.lines.length, 0);
    // Answered, and still nothing happens: now it is stalled.
    f.questions.set('d1', [{ id: 'i1', answer: 'proceed' } as Interruption]);
    await f.watch.check();
    assert.equal(f.lines.length, 1);
  });

  it('counts from when it first saw a running deployment, and forgets those that stopped running here', async () => {
    const f = fixture();
    f.running.add('quiet');
    await f.watch.check();
    f.advance(10 * MINUTE);
    await f.watch.check();
    assert.deepEqual(
      f.lines.map((l) => l.id),
      ['quiet'],
    );
    f.running.delete('quiet');
    f.advance(60 * MINUTE);
    await f.watch.check();
    assert.equal(f.lines.length, 1);
    assert.equal(f.marks.filter((m) => m.startsWith('mark')).length, 1);
  });

  it('leaves the rest of the tracked store as it was, and checks at a quarter of stallAfter (250 ms to 1 min)', async () => {
    const f = fixture();
    assert.deepEqual(await f.tracked.getById('x'), { id: 'x' });
    assert.equal(f.watch.checkEveryMs, 60_000);
    assert.equal(fixture(2000).watch.checkEveryMs, 500);
    assert.equal(fixture(100).watch.checkEveryMs, 250);
  });
});
