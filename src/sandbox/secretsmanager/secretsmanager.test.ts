import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  paginateListSecrets,
} from '@aws-sdk/client-secrets-manager';
import { startSandbox, type SandboxHandle } from '../index.js';

async function rejects(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('Secrets Manager', () => {
  let sb: SandboxHandle;
  let sm: SecretsManagerClient;
  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
    sm = new SecretsManagerClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  });
  after(() => sb.close());

  it('creates a secret (ARN with a 6-character suffix) and reads it by name, ARN and partial ARN', async () => {
    const created = await sm.send(
      new CreateSecretCommand({
        Name: 'prod/db',
        SecretString: '{"user":"app","password":"pw"}',
        KmsKeyId: 'alias/my-key',
        Tags: [{ Key: 'team', Value: 'web' }],
      }),
    );
    assert.match(
      created.ARN ?? '',
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:prod\/db-[A-Za-z0-9]{6}$/,
    );
    assert.equal(created.Name, 'prod/db');
    assert.ok(created.VersionId);
    for (const id of ['prod/db', created.ARN!, created.ARN!.slice(0, -7)]) {
      const v = await sm.send(new GetSecretValueCommand({ SecretId: id }));
      assert.equal(v.SecretString, '{"user":"app","password":"pw"}');
      assert.deepEqual(v.VersionStages, ['AWSCURRENT']);
      assert.equal(v.VersionId, created.VersionId);
      assert.ok(v.CreatedDate instanceof Date);
    }
    await rejects(
      sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: 'x' })),
      'ResourceExistsException',
    );
    await rejects(sm.send(new GetSecretValueCommand({ SecretId: 'nope' })), 'ResourceNotFoundException');
    await rejects(
      sm.send(new CreateSecretCommand({ Name: 'bad name', SecretString: 'x' })),
      'InvalidParameterException',
    );
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'prod/db' }));
    assert.equal(d.KmsKeyId, 'alias/my-key');
    assert.deepEqual(d.Tags, [{ Key: 'team', Value: 'web' }]);
    assert.deepEqual(d.VersionIdsToStages, { [created.VersionId!]: ['AWSCURRENT'] });
  });

  it('versions: PutSecretValue moves AWSCURRENT and AWSPREVIOUS; VersionId and VersionStage select', async () => {
    const c = await sm.send(new CreateSecretCommand({ Name: 'rotating', SecretString: 'one' }));
    const p2 = await sm.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'two' }));
    assert.deepEqual(p2.VersionStages, ['AWSCURRENT']);
    const p3 = await sm.send(new UpdateSecretCommand({ SecretId: 'rotating', SecretString: 'three' }));
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'rotating' }));
    assert.deepEqual(d.VersionIdsToStages, {
      [p2.VersionId!]: ['AWSPREVIOUS'],
      [p3.VersionId!]: ['AWSCURRENT'],
    });
    const prev = await sm.send(
      new GetSecretValueCommand({ SecretId: 'rotating', VersionStage: 'AWSPREVIOUS' }),
    );
    assert.equal(prev.SecretString, 'two');
    const first = await sm.send(new GetSecretValueCommand({ SecretId: 'rotating', VersionId: c.VersionId }));
    assert.equal(first.SecretString, 'one');
    assert.deepEqual(first.VersionStages, []);
    await rejects(
      sm.send(
        new GetSecretValueCommand({
          SecretId: 'rotating',
          VersionId: c.VersionId,
          VersionStage: 'AWSCURRENT',
        }),
      ),
      'InvalidRequestException',
    );
    await rejects(
      sm.send(new GetSecretValueCommand({ SecretId: 'rotating', VersionStage: 'AWSPENDING' })),
      'ResourceNotFoundException',
    );
    const bin = await sm.send(
      new CreateSecretCommand({ Name: 'binary', SecretBinary: Buffer.from([1, 2, 3]) }),
    );
    const got = await sm.send(new GetSecretValueCommand({ SecretId: bin.ARN }));
    assert.deepEqual([...(got.SecretBinary ?? [])], [1, 2, 3]);
  });

  it('deletes with a recovery window, restores, force-deletes; tags', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'x' }));
    await sm.send(
      new TagResourceCommand({
        SecretId: 'doomed',
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await sm.send(new UntagResourceCommand({ SecretId: 'doomed', TagKeys: ['a'] }));
    assert.deepEqual((await sm.send(new DescribeSecretCommand({ SecretId: 'doomed' }))).Tags, [
      { Key: 'b', Value: '2' },
    ]);
    await rejects(
      sm.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 3 })),
      'InvalidParameterException',
    );
    const del = await sm.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }));
    assert.ok(del.DeletionDate instanceof Date);
    await rejects(sm.send(new GetSecretValueCommand({ SecretId: 'doomed' })), 'InvalidRequestException');
    await rejects(sm.send(new DeleteSecretCommand({ SecretId: 'doomed' })), 'InvalidRequestException');
    const listed = await sm.send(new ListSecretsCommand({}));
    assert.ok(!listed.SecretList?.some((s) => s.Name === 'doomed'));
    const withDeleted = await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }));
    assert.ok(withDeleted.SecretList?.find((s) => s.Name === 'doomed')?.DeletedDate instanceof Date);
    await sm.send(new RestoreSecretCommand({ SecretId: 'doomed' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'doomed' }))).SecretString, 'x');
    await sm.send(new DeleteSecretCommand({ SecretId: 'doomed', ForceDeleteWithoutRecovery: true }));
    await rejects(sm.send(new DescribeSecretCommand({ SecretId: 'doomed' })), 'ResourceNotFoundException');
    // Time passing beyond the window forgets a deleted secret.
    await sm.send(new CreateSecretCommand({ Name: 'later', SecretString: 'x' }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'later', RecoveryWindowInDays: 7 }));
    sb.runtime.clock.advance(8 * 86400_000);
    await rejects(sm.send(new DescribeSecretCommand({ SecretId: 'later' })), 'ResourceNotFoundException');
  });

  it('lists with filters and pages', async () => {
    for (let i = 0; i < 5; i++) {
      await sm.send(new CreateSecretCommand({ Name: `list/s${i}`, SecretString: 'v', Description: `n${i}` }));
    }
    const names: string[] = [];
    for await (const p of paginateListSecrets(
      { client: sm, pageSize: 2 },
      { Filters: [{ Key: 'name', Values: ['list/'] }] },
    )) {
      names.push(...(p.SecretList ?? []).map((s) => s.Name ?? ''));
    }
    assert.deepEqual(names, ['list/s0', 'list/s1', 'list/s2', 'list/s3', 'list/s4']);
    const entry = (
      await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'description', Values: ['n3'] }] }))
    ).SecretList?.[0];
    assert.equal(entry?.Name, 'list/s3');
    assert.ok(entry?.SecretVersionsToStages);
    assert.equal((entry as Record<string, unknown>).SecretString, undefined);
  });
});
