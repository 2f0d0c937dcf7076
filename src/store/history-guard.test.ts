/** Deployment history blocks deleting the environment, channel or tenant it belongs to. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { environmentsRepository } from './environments.js';
import { openReleaseModel, type ReleaseModel } from '../../test/kits/store-releases.js';
import { ACTOR, SPACE } from '../../test/kits/store-resources.js';

forEachBackend('deployment history guard', (backend) => {
  let m: ReleaseModel;

  it('refuses deleting a channel with releases and an environment with deployments, naming the count', async () => {
    m = await openReleaseModel(backend);
    const release = await m.releases.create(SPACE, m.newRelease('1.0.0'), ACTOR);
    await assert.rejects(
      m.repo('channel').delete(SPACE, m.channel.id, ACTOR),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'IN_USE');
        assert.match(e.message, /channel "Beta": 1 release belong/);
        return true;
      },
    );
    await m.deployments.create(
      SPACE,
      [
        {
          projectId: m.project.id,
          releaseId: release.id,
          channelId: m.channel.id,
          environmentId: m.prod.id,
          skippedSteps: [],
          comments: '',
          guidedFailure: false,
          prompted: {},
        },
      ],
      ACTOR,
    );
    await assert.rejects(
      environmentsRepository(m.store.db).delete(SPACE, m.prod.id, ACTOR),
      (e: Error & { code?: string }) => e.code === 'IN_USE' && /1 deployment belong/.test(e.message),
    );
    // The project goes with its whole history, deliberately.
    await m.repo('project').delete(SPACE, m.project.id, ACTOR);
    await environmentsRepository(m.store.db).delete(SPACE, m.prod.id, ACTOR);
  });
});
