import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { SlipwayError } from '../core/errors.js';
import { DEFAULT_SPACE_ID } from '../core/model/space.js';
import { freePort } from '../../test/helpers/moto.js';
import { forEachBackend, tempDataDir } from '../../test/helpers/postgres.js';
import { openStore } from './database.js';
import { environmentsRepository } from './environments.js';
import { spacesRepository } from './spaces.js';

const by = { actor: 'test' };

function storeError(pattern: RegExp, notIn?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, 'STORE_UNAVAILABLE');
    assert.match(e.message, pattern);
    if (notIn) assert.ok(!e.message.includes(notIn), 'the message must not show the password');
    return true;
  };
}

forEachBackend('openStore', (backend) => {
  it('reports its kind and has the Default space', async () => {
    const store = await backend.open();
    assert.equal(store.kind, backend.kind);
    const space = await spacesRepository(store.db).getDefault();
    assert.equal(space.id, DEFAULT_SPACE_ID);
    assert.equal(space.name, 'Default');
    assert.equal((await spacesRepository(store.db).get('default')).id, DEFAULT_SPACE_ID);
    await assert.rejects(spacesRepository(store.db).get('Nope'), { code: 'NOT_FOUND' });
  });

  it('keeps the data when reopened', async () => {
    const location = await backend.freshLocation();
    const first = await openStore(location);
    const env = await environmentsRepository(first.db).create(DEFAULT_SPACE_ID, { name: 'Dev' }, by);
    await first.close();
    await first.close(); // safe twice
    const second = await openStore(location);
    try {
      assert.deepEqual(await environmentsRepository(second.db).get(DEFAULT_SPACE_ID, env.id), env);
    } finally {
      await second.close();
    }
  });

  if (backend.kind === 'pglite') {
    it('names the data directory it cannot use', async () => {
      const file = join(tempDataDir(), 'not-a-dir');
      writeFileSync(file, 'x');
      await assert.rejects(
        openStore({ dataDir: file }),
        storeError(/Cannot create the data directory .*--data-dir/),
      );
    });
  }

  if (backend.kind === 'postgres') {
    it('says the password was refused, without showing it', async () => {
      const pg = await backend.postgres();
      await assert.rejects(
        openStore({ databaseUrl: pg.urlFor('postgres', 'wrong-secret') }),
        storeError(
          /refused the password for user "slipway".*Check the user and password in DATABASE_URL/,
          'wrong-secret',
        ),
      );
    });

    it('says the database is missing and how to create it', async () => {
      const pg = await backend.postgres();
      await assert.rejects(
        openStore({ databaseUrl: pg.urlFor('nothere') }),
        storeError(/Database "nothere" does not exist .*createdb nothere/),
      );
    });

    it('says nothing listens at the host and port', async () => {
      const port = await freePort();
      await assert.rejects(
        openStore({ databaseUrl: `postgres://u:secret-pw@127.0.0.1:${port}/db` }),
        storeError(new RegExp(`127\\.0\\.0\\.1:${port}: connection refused`), 'secret-pw'),
      );
    });

    it('rejects a URL that is not postgres://', async () => {
      await assert.rejects(
        openStore({ databaseUrl: 'mysql://x@y/z' }),
        storeError(/must start with postgres:\/\//),
      );
      await assert.rejects(openStore({ databaseUrl: 'not a url' }), storeError(/not a URL/));
    });
  }
});
