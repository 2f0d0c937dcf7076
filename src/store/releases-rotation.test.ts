/** Master key rotation re-encrypts the release, deployment and step secrets too. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { deploymentsRepository } from './deployments.js';
import { releasesRepository } from './releases.js';
import { openReleaseModel, SECRET } from '../../test/kits/store-releases.js';
import { ACTOR, code, SPACE } from '../../test/kits/store-resources.js';
import { ENCRYPTED_COLUMNS, rotateMasterKey } from './secrets.js';
import { testSecrets } from '../../test/kits/secrets.js';

forEachBackend('release secrets and key rotation', (backend) => {
  it('lists the new columns and re-encrypts them under the new key', async () => {
    const tables = ENCRYPTED_COLUMNS.map((c) => c.table);
    for (const t of ['release_variables', 'deployments', 'deployment_steps'])
      assert.ok(tables.includes(t), t);

    const m = await openReleaseModel(backend);
    const release = await m.releases.create(SPACE, m.newRelease('1.0.0'), ACTOR);
    const [d] = await m.deployments.create(
      SPACE,
      [
        {
          projectId: m.project.id,
          releaseId: release.id,
          channelId: m.channel.id,
          environmentId: m.dev.id,
          skippedSteps: [],
          comments: '',
          guidedFailure: false,
          prompted: { Token: 'prompted-token' },
        },
      ],
      ACTOR,
    );
    const step = {
      step: 2,
      targetId: 'EcsTargets-9',
      state: 'success' as const,
      progress: {},
      outputs: { Key: 'output-key' },
      sensitiveOutputs: ['Key'],
    };
    await m.deployments.saveStep(d!.id, step);

    const newBox = testSecrets();
    const result = await rotateMasterKey(m.store, m.secrets, newBox);
    // Project variable, release variable, prompted values, step outputs.
    assert.equal(result.reencrypted, 4);

    const releases = releasesRepository(m.store.db, newBox, { kinds: m.kinds });
    const deployments = deploymentsRepository(m.store.db, newBox);
    const vars = await releases.variables(SPACE, release.id);
    assert.equal(vars.find((v) => v.name === 'Password')?.value, SECRET);
    assert.deepEqual(await deployments.prompted(d!.id), { Token: 'prompted-token' });
    assert.deepEqual(await deployments.steps(d!.id), [step]);

    await assert.rejects(m.releases.variables(SPACE, release.id), code('SECRET_UNREADABLE'));
    await assert.rejects(m.deployments.prompted(d!.id), code('SECRET_UNREADABLE'));
    await assert.rejects(m.deployments.steps(d!.id), code('SECRET_UNREADABLE'));
  });
});
