/** The PGlite dialect shares the event loop fairly: a stream of queries does not starve timers and sockets. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { seedPgliteDataDir, tempDataDir } from '../../test/helpers/postgres.js';
import { openStore, type Store } from './database.js';
import { abortedError } from './pglite-dialect.js';

describe('PGlite dialect', () => {
  let store: Store | undefined;
  after(async () => {
    await store?.close();
  });

  it('lets the event loop turn between queries (a timer runs while 200 queries are queued)', async () => {
    const dataDir = tempDataDir();
    await seedPgliteDataDir(dataDir);
    store = await openStore({ dataDir, migrate: false });
    const db = store.db;
    let done = 0;
    const queries = Array.from({ length: 200 }, () =>
      sql`select 1`.execute(db).then(() => {
        done++;
      }),
    );
    // A macrotask queued now must run long before the last query answers.
    const doneWhenTimerRan = await new Promise<number>((resolve) => setImmediate(() => resolve(done)));
    await Promise.all(queries);
    assert.equal(done, 200);
    assert.ok(doneWhenTimerRan < 200, `the timer waited for all ${doneWhenTimerRan} queries`);
  });
});

describe('PGlite aborts', () => {
  it('become STORE_UNAVAILABLE saying what to do, instead of "Build with -sASSERTIONS"', () => {
    const aborted = abortedError(new Error('Aborted(). Build with -sASSERTIONS for more info.'));
    assert.equal(aborted?.code, 'STORE_UNAVAILABLE');
    assert.match(aborted.message, /stopped working \(PGlite aborted\): restart Slipway/);
    assert.doesNotMatch(aborted.message, /ASSERTIONS/);
    assert.equal(abortedError(new Error('relation "x" does not exist')), undefined);
  });
});
