/** pg-boss's background errors reach a log: the injected one, or one line on stderr by default. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedPgliteDataDir, tempDataDir } from '../../test/helpers/postgres.js';
import { openStore, type Store } from '../store/database.js';
import { logQueueError, openQueue, queueErrorLine } from './queue.js';

describe('queue errors', () => {
  let store: Store;
  before(async () => {
    const dataDir = tempDataDir();
    await seedPgliteDataDir(dataDir);
    store = await openStore({ dataDir });
  });
  after(async () => {
    await store.close();
  });

  it('passes pg-boss’s error events to onError instead of dropping them', async () => {
    const seen: unknown[] = [];
    const boss = await openQueue(store, { onError: (e) => seen.push(e) });
    try {
      const failure = new Error('maintenance failed: connection terminated');
      boss.emit('error', failure);
      assert.deepEqual(seen, [failure]);
    } finally {
      await boss.stop({ graceful: false, close: false });
    }
  });

  it('logs to stderr by default, one line saying what failed and what to check', () => {
    const line = queueErrorLine(new Error('connect ECONNREFUSED 127.0.0.1:5432\n    at somewhere'));
    assert.doesNotMatch(line, /\n/);
    assert.match(
      line,
      /^slipway queue: pg-boss background work failed: connect ECONNREFUSED 127\.0\.0\.1:5432 at/,
    );
    assert.match(line, /check that the database is reachable/);
    // pg-boss's workers report plain objects that carry an error's message.
    assert.match(queueErrorLine({ message: 'worker failed', queue: 'deployment' }), /: worker failed\./);
    assert.match(queueErrorLine('text'), /: text\./);

    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
    try {
      logQueueError(new Error('boom'));
    } finally {
      process.stderr.write = write;
    }
    assert.deepEqual(written, [queueErrorLine(new Error('boom')) + '\n']);
  });
});
