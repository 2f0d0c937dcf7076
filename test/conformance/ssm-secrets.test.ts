/**
 * SSM Parameter Store and Secrets Manager conformance against moto and AWS's models; IAM's inline
 * role policies and SimulatePrincipalPolicy against the model; and the AWS CLI (put-parameter,
 * get-parameter --with-decryption, get-secret-value) against the sandbox.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
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
  SSMClient,
} from '@aws-sdk/client-ssm';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { AWS_CLI, runAwsCli, type CliResult } from '../helpers/aws-cli.js';
import { conformanceSuite, targetsOrSkip, type Recorder } from './harness.js';
import {
  clientConfig,
  errorName,
  modelProblems,
  operationDeclaresError,
  type Deviation,
  type Target,
} from './support.js';

const SSM_DEVIATIONS: readonly Deviation[] = [
  {
    call: 'DescribeParameters',
    path: 'Parameters[].ARN',
    side: 'sandboxOnly',
    follows: 'sandbox',
    reason: 'ParameterMetadata.ARN is in the AWS model and returned by AWS; moto omits it',
  },
  {
    call: 'DescribeParameters',
    path: 'Parameters[].Policies',
    side: 'sandboxOnly',
    follows: 'sandbox',
    reason:
      'AWS returns "Policies": [] for a parameter without policies (CLI example of describe-parameters); moto omits it',
  },
  {
    call: 'GetParameterHistory',
    path: 'Parameters[].Policies',
    side: 'sandboxOnly',
    follows: 'sandbox',
    reason:
      'AWS returns "Policies": [] in each history entry (CLI example of get-parameter-history); moto omits it',
  },
];
const SECRETS_DEVIATIONS: readonly Deviation[] = [
  {
    call: 'DescribeSecret',
    path: 'LastAccessedDate',
    side: 'sandboxOnly',
    follows: 'sandbox',
    reason: 'AWS records the day of the last GetSecretValue (DescribeSecret.LastAccessedDate); moto does not',
  },
  {
    call: 'ListSecrets',
    path: 'SecretList[].LastAccessedDate',
    side: 'sandboxOnly',
    follows: 'sandbox',
    reason: 'SecretListEntry.LastAccessedDate, as DescribeSecret',
  },
];
/** Fixed version ids (ClientRequestToken), so that both sides' VersionIdsToStages have the same keys. */
const VERSION_1 = '11111111-1111-4111-8111-111111111111';
const VERSION_2 = '22222222-2222-4222-8222-222222222222';

async function parameters(r: Recorder): Promise<void> {
  const ssm = new SSMClient(clientConfig(r.target));
  const put = await r.record(
    'PutParameter',
    'PutParameter',
    ssm.send(
      new PutParameterCommand({
        Name: '/slipway/prod/db-password',
        Value: 'hunter2',
        Type: 'SecureString',
        Description: 'db',
        Tags: [{ Key: 'team', Value: 'web' }],
      }),
    ),
  );
  r.expect('first version', put.Version, 1);
  const over = await r.record(
    'PutParameter overwrite',
    'PutParameter',
    ssm.send(
      new PutParameterCommand({ Name: '/slipway/prod/db-password', Value: 'hunter3', Overwrite: true }),
    ),
  );
  r.expect('second version', over.Version, 2);
  await ssm.send(new PutParameterCommand({ Name: '/slipway/prod/url', Value: 'https://x', Type: 'String' }));
  const plain = await r.record(
    'GetParameter',
    'GetParameter',
    ssm.send(new GetParameterCommand({ Name: '/slipway/prod/db-password' })),
  );
  r.expect('SecureString hidden without decryption', plain.Parameter?.Value === 'hunter3', false);
  const clear = await r.record(
    'GetParameter WithDecryption',
    'GetParameter',
    ssm.send(new GetParameterCommand({ Name: '/slipway/prod/db-password', WithDecryption: true })),
  );
  r.expect('decrypted value', clear.Parameter?.Value, 'hunter3');
  r.expect(
    'parameter ARN',
    clear.Parameter?.ARN,
    `arn:aws:ssm:${r.target.region}:${r.target.accountId}:parameter/slipway/prod/db-password`,
  );
  const many = await r.record(
    'GetParameters',
    'GetParameters',
    ssm.send(
      new GetParametersCommand({ Names: ['/slipway/prod/url', '/slipway/nope'], WithDecryption: true }),
    ),
  );
  r.expect('invalid parameters', many.InvalidParameters, ['/slipway/nope']);
  await r.record(
    'GetParametersByPath',
    'GetParametersByPath',
    ssm.send(new GetParametersByPathCommand({ Path: '/slipway', Recursive: true, WithDecryption: true })),
  );
  await r.record(
    'DescribeParameters',
    'DescribeParameters',
    ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Values: ['/slipway/prod/db-password'] }],
      }),
    ),
  );
  const history = await r.record(
    'GetParameterHistory',
    'GetParameterHistory',
    ssm.send(new GetParameterHistoryCommand({ Name: '/slipway/prod/db-password', WithDecryption: true })),
  );
  r.expect(
    'history values',
    history.Parameters?.map((p) => p.Value),
    ['hunter2', 'hunter3'],
  );
  await r.record(
    'AddTagsToResource',
    'AddTagsToResource',
    ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: '/slipway/prod/url',
        Tags: [{ Key: 'env', Value: 'prod' }],
      }),
    ),
  );
  const tags = await r.record(
    'ListTagsForResource',
    'ListTagsForResource',
    ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/slipway/prod/url' })),
  );
  r.expect('tags', tags.TagList, [{ Key: 'env', Value: 'prod' }]);
  await r.record(
    'DeleteParameter',
    'DeleteParameter',
    ssm.send(new DeleteParameterCommand({ Name: '/slipway/prod/url' })),
  );
  const deleted = await r.record(
    'DeleteParameters',
    'DeleteParameters',
    ssm.send(new DeleteParametersCommand({ Names: ['/slipway/prod/db-password', '/slipway/none'] })),
  );
  r.expect('deleted', deleted.DeletedParameters, ['/slipway/prod/db-password']);
  r.expect('not deleted', deleted.InvalidParameters, ['/slipway/none']);
}

async function secrets(r: Recorder): Promise<void> {
  const sm = new SecretsManagerClient(clientConfig(r.target));
  const created = await r.record(
    'CreateSecret',
    'CreateSecret',
    sm.send(
      new CreateSecretCommand({
        Name: 'slipway/db',
        SecretString: '{"password":"one"}',
        ClientRequestToken: VERSION_1,
        Description: 'db',
        Tags: [{ Key: 'team', Value: 'web' }],
      }),
    ),
  );
  r.expect(
    'secret ARN',
    /^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:slipway\/db-[A-Za-z0-9]{6}$/.test(created.ARN ?? ''),
    true,
  );
  const got = await r.record(
    'GetSecretValue',
    'GetSecretValue',
    sm.send(new GetSecretValueCommand({ SecretId: 'slipway/db' })),
  );
  r.expect('value', got.SecretString, '{"password":"one"}');
  r.expect('stages', got.VersionStages, ['AWSCURRENT']);
  const put = await r.record(
    'PutSecretValue',
    'PutSecretValue',
    sm.send(
      new PutSecretValueCommand({
        SecretId: created.ARN,
        SecretString: '{"password":"two"}',
        ClientRequestToken: VERSION_2,
      }),
    ),
  );
  r.expect('put stages', put.VersionStages, ['AWSCURRENT']);
  const prev = await r.record(
    'GetSecretValue AWSPREVIOUS',
    'GetSecretValue',
    sm.send(new GetSecretValueCommand({ SecretId: 'slipway/db', VersionStage: 'AWSPREVIOUS' })),
  );
  r.expect('previous value', prev.SecretString, '{"password":"one"}');
  await r.record(
    'UpdateSecret',
    'UpdateSecret',
    sm.send(new UpdateSecretCommand({ SecretId: 'slipway/db', Description: 'database' })),
  );
  await r.record(
    'TagResource',
    'TagResource',
    sm.send(new TagResourceCommand({ SecretId: 'slipway/db', Tags: [{ Key: 'env', Value: 'prod' }] })),
  );
  const described = await r.record(
    'DescribeSecret',
    'DescribeSecret',
    sm.send(new DescribeSecretCommand({ SecretId: 'slipway/db' })),
  );
  r.expect('description', described.Description, 'database');
  r.expect('versions to stages', described.VersionIdsToStages, {
    [VERSION_1]: ['AWSPREVIOUS'],
    [VERSION_2]: ['AWSCURRENT'],
  });
  await r.record('ListSecrets', 'ListSecrets', sm.send(new ListSecretsCommand({})));
  const deleted = await r.record(
    'DeleteSecret',
    'DeleteSecret',
    sm.send(new DeleteSecretCommand({ SecretId: 'slipway/db', RecoveryWindowInDays: 7 })),
  );
  r.expect('deletion date', deleted.DeletionDate instanceof Date, true);
}

conformanceSuite({
  name: 'SSM Parameter Store conformance',
  service: 'ssm',
  scenarios: [{ title: 'put, get, list, history, tags and delete parameters', run: parameters }],
  deviations: SSM_DEVIATIONS,
  extra: (pair) => {
    it('error names match AWS on both sides', async (t) => {
      const targets = targetsOrSkip(t, pair());
      if (!targets) return;
      const names = async (target: Target): Promise<string[]> => {
        const ssm = new SSMClient(clientConfig(target));
        await ssm.send(
          new PutParameterCommand({ Name: '/errors/p', Value: 'v', Type: 'String', Overwrite: true }),
        );
        return Promise.all([
          errorName(ssm.send(new GetParameterCommand({ Name: '/errors/none' }))),
          errorName(ssm.send(new PutParameterCommand({ Name: '/errors/p', Value: 'v', Type: 'String' }))),
          errorName(ssm.send(new GetParameterCommand({ Name: '/errors/p:7' }))),
          errorName(ssm.send(new DeleteParameterCommand({ Name: '/errors/none' }))),
        ]);
      };
      const [sandbox, moto] = await Promise.all([names(targets.sandbox), names(targets.moto)]);
      const expected = [
        'ParameterNotFound',
        'ParameterAlreadyExists',
        'ParameterVersionNotFound',
        'ParameterNotFound',
      ];
      assert.deepEqual(sandbox, expected, 'sandbox');
      assert.deepEqual(moto, expected, 'moto');
      const declared: [string, string][] = [
        ['GetParameter', 'ParameterNotFound'],
        ['PutParameter', 'ParameterAlreadyExists'],
        ['GetParameter', 'ParameterVersionNotFound'],
        ['DeleteParameter', 'ParameterNotFound'],
      ];
      for (const [operation, error] of declared) {
        const d = operationDeclaresError('ssm', operation, error);
        if (d !== undefined) assert.ok(d, `the AWS model lists ${error} for ${operation}`);
      }
    });
  },
});

conformanceSuite({
  name: 'Secrets Manager conformance',
  service: 'secretsmanager',
  scenarios: [{ title: 'create, read, version, update, tag, list and delete a secret', run: secrets }],
  deviations: SECRETS_DEVIATIONS,
  extra: (pair) => {
    it('error names match AWS on both sides', async (t) => {
      const targets = targetsOrSkip(t, pair());
      if (!targets) return;
      const names = async (target: Target): Promise<string[]> => {
        const sm = new SecretsManagerClient(clientConfig(target));
        await sm.send(new CreateSecretCommand({ Name: 'errors/s', SecretString: 'v' }));
        await sm.send(new CreateSecretCommand({ Name: 'errors/gone', SecretString: 'v' }));
        await sm.send(new DeleteSecretCommand({ SecretId: 'errors/gone' }));
        return Promise.all([
          errorName(sm.send(new GetSecretValueCommand({ SecretId: 'errors/none' }))),
          errorName(sm.send(new CreateSecretCommand({ Name: 'errors/s', SecretString: 'v' }))),
          errorName(sm.send(new GetSecretValueCommand({ SecretId: 'errors/gone' }))),
          errorName(sm.send(new DeleteSecretCommand({ SecretId: 'errors/s', RecoveryWindowInDays: 1 }))),
        ]);
      };
      const [sandbox, moto] = await Promise.all([names(targets.sandbox), names(targets.moto)]);
      const expected = [
        'ResourceNotFoundException',
        'ResourceExistsException',
        'InvalidRequestException',
        'InvalidParameterException',
      ];
      assert.deepEqual(sandbox, expected, 'sandbox');
      assert.deepEqual(moto, expected, 'moto');
      const declared: [string, string][] = [
        ['GetSecretValue', 'ResourceNotFoundException'],
        ['CreateSecret', 'ResourceExistsException'],
        ['GetSecretValue', 'InvalidRequestException'],
        ['DeleteSecret', 'InvalidParameterException'],
      ];
      for (const [operation, error] of declared) {
        const d = operationDeclaresError('secretsmanager', operation, error);
        if (d !== undefined) assert.ok(d, `the AWS model lists ${error} for ${operation}`);
      }
    });
  },
});

describe('IAM role policies against AWS’s model', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
  });
  after(() => sb.close());

  it('PutRolePolicy, GetRolePolicy, ListRolePolicies and SimulatePrincipalPolicy fit the model', async (t) => {
    const iam = new IAMClient(clientConfig({ name: 'sandbox', ...sbTarget(sb) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'exec', AssumeRolePolicyDocument: '{}' }));
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameters', Resource: '*' }],
    });
    const outputs: [string, unknown][] = [
      [
        'PutRolePolicy',
        await iam.send(
          new PutRolePolicyCommand({ RoleName: 'exec', PolicyName: 'p', PolicyDocument: document }),
        ),
      ],
      ['GetRolePolicy', await iam.send(new GetRolePolicyCommand({ RoleName: 'exec', PolicyName: 'p' }))],
      ['ListRolePolicies', await iam.send(new ListRolePoliciesCommand({ RoleName: 'exec' }))],
      [
        'SimulatePrincipalPolicy',
        await iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: `arn:aws:iam::${sb.accountId}:role/exec`,
            ActionNames: ['ssm:GetParameters', 'ssm:PutParameter'],
            ResourceArns: [`arn:aws:ssm:us-east-1:${sb.accountId}:parameter/x`],
          }),
        ),
      ],
    ];
    for (const [operation, output] of outputs) {
      const problems = modelProblems('iam', operation, output);
      if (problems === undefined) return t.skip('botocore models not found');
      assert.deepEqual(problems, [], operation);
    }
  });
});

function sbTarget(sb: SandboxHandle): Omit<Target, 'name'> {
  return { endpoint: sb.endpoint, region: sb.region, accountId: sb.accountId, credentials: sb.credentials };
}

const AWS = AWS_CLI;

describe('AWS CLI v1: SSM and Secrets Manager against the sandbox', () => {
  let sb: SandboxHandle | undefined;
  before(async () => {
    if (AWS) sb = await startSandbox({ port: 0, throttling: false });
  });
  after(() => sb?.close());

  function aws(...args: string[]): Promise<CliResult> {
    if (!sb || !AWS) throw new Error('no sandbox');
    return runAwsCli(sb, ...args);
  }

  async function awsJson(...args: string[]): Promise<Record<string, unknown>> {
    const r = await aws(...args);
    assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  it('put-parameter, get-parameter --with-decryption, secretsmanager get-secret-value; errors the AWS way', async (t) => {
    if (!AWS) return t.skip('aws CLI not found on PATH');
    const put = await awsJson(
      'ssm',
      'put-parameter',
      '--name',
      '/cli/token',
      '--value',
      's3cret',
      '--type',
      'SecureString',
    );
    assert.deepEqual(put, { Version: 1, Tier: 'Standard' });
    const hidden = (await awsJson('ssm', 'get-parameter', '--name', '/cli/token')).Parameter as Record<
      string,
      unknown
    >;
    assert.notEqual(hidden.Value, 's3cret');
    const shown = (await awsJson('ssm', 'get-parameter', '--name', '/cli/token', '--with-decryption'))
      .Parameter as Record<string, unknown>;
    assert.equal(shown.Value, 's3cret');
    assert.equal(shown.Type, 'SecureString');
    assert.equal(shown.Version, 1);
    await awsJson(
      'secretsmanager',
      'create-secret',
      '--name',
      'cli/db',
      '--secret-string',
      '{"password":"pw"}',
    );
    const secret = await awsJson('secretsmanager', 'get-secret-value', '--secret-id', 'cli/db');
    assert.equal(secret.SecretString, '{"password":"pw"}');
    assert.deepEqual(secret.VersionStages, ['AWSCURRENT']);
    // AWS CLI v1 prints a JSON protocol's timestamps as they come: epoch seconds.
    assert.equal(typeof secret.CreatedDate, 'number');
    const missing = await aws('ssm', 'get-parameter', '--name', '/cli/none');
    assert.equal(missing.code, 255);
    assert.match(missing.stderr, /\(ParameterNotFound\) when calling the GetParameter operation/);
    const noSecret = await aws('secretsmanager', 'get-secret-value', '--secret-id', 'cli/none');
    assert.match(
      noSecret.stderr,
      /\(ResourceNotFoundException\) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret\./,
    );
  });
});
