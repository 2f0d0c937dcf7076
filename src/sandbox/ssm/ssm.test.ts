import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  RemoveTagsFromResourceCommand,
  SSMClient,
  paginateGetParametersByPath,
} from '@aws-sdk/client-ssm';
import { startSandbox, type SandboxHandle } from '../index.js';

async function rejects(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('SSM Parameter Store', () => {
  let sb: SandboxHandle;
  let ssm: SSMClient;
  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
    ssm = new SSMClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  });
  after(() => sb.close());

  it('puts, overwrites and reads versions; history; selectors', async () => {
    const put = await ssm.send(new PutParameterCommand({ Name: '/app/db/host', Value: 'a', Type: 'String' }));
    assert.deepEqual([put.Version, put.Tier], [1, 'Standard']);
    await rejects(
      ssm.send(new PutParameterCommand({ Name: '/app/db/host', Value: 'b', Type: 'String' })),
      'ParameterAlreadyExists',
      /set the overwrite option/,
    );
    const v2 = await ssm.send(new PutParameterCommand({ Name: '/app/db/host', Value: 'b', Overwrite: true }));
    assert.equal(v2.Version, 2);
    const got = await ssm.send(new GetParameterCommand({ Name: '/app/db/host' }));
    assert.equal(got.Parameter?.Value, 'b');
    assert.equal(got.Parameter?.Version, 2);
    assert.equal(got.Parameter?.Type, 'String');
    assert.equal(got.Parameter?.ARN, 'arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host');
    assert.ok(got.Parameter?.LastModifiedDate instanceof Date);
    const old = await ssm.send(new GetParameterCommand({ Name: '/app/db/host:1' }));
    assert.deepEqual(
      [old.Parameter?.Value, old.Parameter?.Selector, old.Parameter?.Name],
      ['a', ':1', '/app/db/host'],
    );
    const byArn = await ssm.send(
      new GetParameterCommand({ Name: 'arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host' }),
    );
    assert.equal(byArn.Parameter?.Value, 'b');
    await rejects(ssm.send(new GetParameterCommand({ Name: '/app/db/host:9' })), 'ParameterVersionNotFound');
    await rejects(ssm.send(new GetParameterCommand({ Name: '/nope' })), 'ParameterNotFound');
    const history = await ssm.send(new GetParameterHistoryCommand({ Name: '/app/db/host' }));
    assert.deepEqual(
      history.Parameters?.map((p) => [p.Version, p.Value, p.LastModifiedUser]),
      [
        [1, 'a', 'arn:aws:iam::000000000000:root'],
        [2, 'b', 'arn:aws:iam::000000000000:root'],
      ],
    );
    const page = await ssm.send(new GetParameterHistoryCommand({ Name: '/app/db/host', MaxResults: 1 }));
    assert.equal(page.Parameters?.length, 1);
    assert.ok(page.NextToken);
  });

  it('SecureString: encrypted unless WithDecryption, key ids echoed', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/app/secret', Value: 'hunter2', Type: 'SecureString' }));
    await ssm.send(
      new PutParameterCommand({
        Name: '/app/secret2',
        Value: 'pw',
        Type: 'SecureString',
        KeyId: 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      }),
    );
    const hidden = await ssm.send(new GetParameterCommand({ Name: '/app/secret' }));
    assert.notEqual(hidden.Parameter?.Value, 'hunter2');
    assert.ok(!hidden.Parameter?.Value?.includes('hunter2'));
    assert.match(hidden.Parameter?.Value ?? '', /^[A-Za-z0-9+/]+=*$/);
    const shown = await ssm.send(new GetParameterCommand({ Name: '/app/secret', WithDecryption: true }));
    assert.equal(shown.Parameter?.Value, 'hunter2');
    const both = await ssm.send(
      new GetParametersCommand({ Names: ['/app/secret', '/missing', '/app/secret2'] }),
    );
    assert.deepEqual(both.InvalidParameters, ['/missing']);
    assert.ok(both.Parameters?.every((p) => p.Value !== 'hunter2' && p.Value !== 'pw'));
    const described = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Values: ['/app/secret', '/app/secret2'] }],
      }),
    );
    assert.deepEqual(
      described.Parameters?.map((p) => [p.Name, p.KeyId]),
      [
        ['/app/secret', 'alias/aws/ssm'],
        ['/app/secret2', 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
      ],
    );
  });

  it('validates names, tiers and tags as AWS does', async () => {
    await rejects(
      ssm.send(new PutParameterCommand({ Name: 'a/b', Value: 'x', Type: 'String' })),
      'ValidationException',
      /fully qualified/,
    );
    await rejects(
      ssm.send(new PutParameterCommand({ Name: '/aws/x', Value: 'x', Type: 'String' })),
      'ValidationException',
      /can't be prefixed with "aws" or "ssm"/,
    );
    await rejects(
      ssm.send(new PutParameterCommand({ Name: 'x', Value: 'x' })),
      'ValidationException',
      /type is required/,
    );
    const deep = '/' + Array.from({ length: 16 }, (_, i) => `l${i}`).join('/');
    await rejects(
      ssm.send(new PutParameterCommand({ Name: deep, Value: 'x', Type: 'String' })),
      'HierarchyLevelLimitExceededException',
    );
    await rejects(
      ssm.send(new PutParameterCommand({ Name: '/big', Value: 'x'.repeat(4097), Type: 'String' })),
      'ValidationException',
      /Standard tier parameters support a maximum parameter value of 4096/,
    );
    const adv = await ssm.send(
      new PutParameterCommand({ Name: '/big', Value: 'x'.repeat(8192), Type: 'String', Tier: 'Advanced' }),
    );
    assert.equal(adv.Tier, 'Advanced');
    await rejects(
      ssm.send(
        new PutParameterCommand({ Name: '/big2', Value: 'x'.repeat(8193), Type: 'String', Tier: 'Advanced' }),
      ),
      'ValidationException',
    );
    await rejects(
      ssm.send(new PutParameterCommand({ Name: '/big', Value: 'y', Overwrite: true, Tier: 'Standard' })),
      'ValidationException',
      /can't downgrade/,
    );
    await rejects(
      ssm.send(
        new PutParameterCommand({
          Name: '/big',
          Value: 'y',
          Overwrite: true,
          Tags: [{ Key: 'a', Value: 'b' }],
        }),
      ),
      'ValidationException',
      /tags and overwrite can't be used together/,
    );
  });

  it('tags on create and with the tagging calls', async () => {
    await ssm.send(
      new PutParameterCommand({
        Name: '/tagged',
        Value: 'v',
        Type: 'String',
        Tags: [{ Key: 'team', Value: 'web' }],
      }),
    );
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: '/tagged',
        Tags: [{ Key: 'env', Value: 'prod' }],
      }),
    );
    const tags = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/tagged' }),
    );
    assert.deepEqual(tags.TagList, [
      { Key: 'team', Value: 'web' },
      { Key: 'env', Value: 'prod' },
    ]);
    await ssm.send(
      new RemoveTagsFromResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: '/tagged',
        TagKeys: ['team'],
      }),
    );
    const left = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/tagged' }),
    );
    assert.deepEqual(left.TagList, [{ Key: 'env', Value: 'prod' }]);
    await rejects(
      ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/none' })),
      'InvalidResourceId',
    );
    const byTag = await ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'tag:env', Values: ['prod'] }] }),
    );
    assert.deepEqual(
      byTag.Parameters?.map((p) => p.Name),
      ['/tagged'],
    );
  });

  it('by path (one level, recursive, paged), describe by path, delete', async () => {
    for (const n of ['/svc/a', '/svc/b', '/svc/c', '/svc/deep/d', '/other/x']) {
      await ssm.send(new PutParameterCommand({ Name: n, Value: n, Type: 'String' }));
    }
    const one = await ssm.send(new GetParametersByPathCommand({ Path: '/svc' }));
    assert.deepEqual(
      one.Parameters?.map((p) => p.Name),
      ['/svc/a', '/svc/b', '/svc/c'],
    );
    const names: string[] = [];
    for await (const p of paginateGetParametersByPath(
      { client: ssm, pageSize: 2 },
      { Path: '/svc/', Recursive: true },
    )) {
      names.push(...(p.Parameters ?? []).map((x) => x.Name ?? ''));
    }
    assert.deepEqual(names, ['/svc/a', '/svc/b', '/svc/c', '/svc/deep/d']);
    await rejects(
      ssm.send(new GetParametersByPathCommand({ Path: 'svc' })),
      'ValidationException',
      /forward slash/,
    );
    const described = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/svc'] }],
      }),
    );
    assert.equal(described.Parameters?.length, 4);
    await rejects(
      ssm.send(
        new DescribeParametersCommand({
          ParameterFilters: [{ Key: 'Path', Option: 'Nope', Values: ['/svc'] }],
        }),
      ),
      'InvalidFilterOption',
    );
    await ssm.send(new DeleteParameterCommand({ Name: '/svc/a' }));
    await rejects(ssm.send(new DeleteParameterCommand({ Name: '/svc/a' })), 'ParameterNotFound');
    const del = await ssm.send(new DeleteParametersCommand({ Names: ['/svc/b', '/svc/zz'] }));
    assert.deepEqual([del.DeletedParameters, del.InvalidParameters], [['/svc/b'], ['/svc/zz']]);
  });
});
