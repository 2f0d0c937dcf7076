import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { forEachBackend } from '../../test/helpers/postgres.js';
import { CHAIN_AMBIENT } from '../aws/account-credentials.js';
import type { Resource } from '../core/model/resource.js';
import { openReleaseModel, SECRET } from '../../test/kits/store-releases.js';
import { ACTOR, SPACE } from '../../test/kits/store-resources.js';
import { loadDeploymentInputs, targetInfo } from './facts.js';

describe('targetInfo', () => {
  it('maps an ecs-target document, defaults included', () => {
    const resource: Resource = {
      id: 'EcsTargets-1',
      spaceId: SPACE,
      kind: 'ecs-target',
      name: 'Blue',
      version: 1,
      createdAt: new Date(0),
      updatedAt: new Date(0),
      data: {
        roles: ['web'],
        environments: ['Environments-1'],
        region: 'eu-west-1',
        cluster: 'blue',
        awsAccount: 'AwsAccounts-2',
        assumeRole: { roleArn: 'arn:aws:iam::123456789012:role/deploy', externalId: 'x' },
      },
    };
    assert.deepEqual(targetInfo(resource), {
      id: 'EcsTargets-1',
      name: 'Blue',
      roles: ['web'],
      environments: ['Environments-1'],
      tenantedParticipation: 'untenanted',
      tenants: [],
      tenantTags: [],
      awsAccount: 'AwsAccounts-2',
      region: 'eu-west-1',
      cluster: 'blue',
      assumeRole: { roleArn: 'arn:aws:iam::123456789012:role/deploy', externalId: 'x' },
    });
  });
});

forEachBackend('deployment facts from the store', (backend) => {
  let m: Awaited<ReturnType<typeof openReleaseModel>>;
  before(async () => {
    m = await openReleaseModel(backend);
  });

  it('reads release, project, environment, channel, targets of the environment, registries and variables', async () => {
    const feed = await m
      .repo('feed')
      .create(SPACE, { name: 'local', type: 'docker', url: 'http://127.0.0.1:5999' }, ACTOR);
    const inDev = await m
      .repo('ecs-target')
      .create(SPACE, { name: 'dev-cluster', environments: ['Dev'] }, ACTOR);
    await m.repo('ecs-target').create(SPACE, { name: 'prod-cluster', environments: ['Prod'] }, ACTOR);
    const base = m.newRelease('2.0.0');
    const release = await m.releases.create(
      SPACE,
      { ...base, packages: base.packages.map((p) => ({ ...p, feedId: feed.id })) },
      ACTOR,
    );
    const [d] = await m.deployments.create(
      SPACE,
      [
        {
          projectId: m.project.id,
          releaseId: release.id,
          channelId: m.channel.id,
          environmentId: m.dev.id,
          skippedSteps: ['Later'],
          comments: '',
          guidedFailure: false,
          prompted: {},
        },
      ],
      ACTOR,
    );
    const { facts, snapshot, tenantValues } = await loadDeploymentInputs(
      m.store,
      m.secrets,
      CHAIN_AMBIENT,
      d!,
    );
    assert.equal(facts.deploymentId, d!.id);
    assert.equal(facts.deploymentName, 'web 2.0.0 to Dev');
    assert.deepEqual(facts.project, { id: m.project.id, name: 'web' });
    assert.deepEqual(facts.environment, { id: m.dev.id, name: 'Dev' });
    assert.deepEqual(facts.release.channel, { id: m.channel.id, name: 'Beta' });
    assert.deepEqual(
      facts.targets.map((t) => t.id),
      [inDev.id],
    );
    assert.deepEqual(facts.registries, { [feed.id]: '127.0.0.1:5999' });
    assert.deepEqual(
      facts.process.steps.map((s) => s.name),
      ['Deploy'],
    );
    assert.deepEqual(facts.skippedSteps, ['Later']);
    assert.equal(facts.tenant, undefined);
    assert.deepEqual(tenantValues, {});
    assert.ok(
      snapshot.some((v) => v.value === SECRET),
      'sensitive values come decrypted',
    );
  });
});
