/** Uniqueness rules hold across spellings: one environment named once by id and once by name. */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import { forEachBackend } from '../../test/helpers/postgres.js';
import type { Store } from './database.js';
import { environmentsRepository } from './environments.js';
import { resourcesRepository } from './resources.js';
import { testSecrets } from '../../test/kits/secrets.js';

const SPACE = 'Spaces-1';
const BY = { actor: 'alice' };

forEachBackend('resource references spelled two ways', (backend) => {
  let store: Store;
  before(async () => {
    store = await backend.open();
  });

  it('refuses a lifecycle naming one environment by id in one phase and by name in another', async () => {
    const dev = await environmentsRepository(store.db).create(SPACE, { name: 'Dev' }, BY);
    const lifecycles = resourcesRepository(store.db, testSecrets(), RESOURCE_KINDS.lifecycle);
    await assert.rejects(
      lifecycles.create(
        SPACE,
        {
          name: 'Twice',
          phases: [
            { name: 'One', automaticEnvironments: [dev.id] },
            { name: 'Two', manualEnvironments: ['dev'] },
          ],
        },
        BY,
      ),
      (e: Error & { code?: string }) => e.code === 'INVALID_INPUT' && /phases\[1\]/.test(e.message),
    );
    assert.equal((await lifecycles.list(SPACE, {})).items.length, 0);
  });
});
