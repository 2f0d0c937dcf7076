/** The model-driven input checks: type ranges, model min/max, Query strings, every problem reported. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeLogGroupsCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { AwsError } from '../errors.js';
import { rawEcs, startEcsEnv, type EcsTestEnv } from '../../../test/kits/sandbox-ecs-setup.js';
import { checkJsonInput, checkQueryInput, modelPattern } from './input-rules.js';
import { MODEL_LIMITS } from './model-limits.js';

function refusal(fn: () => void): AwsError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AwsError, String(e));
    return e;
  }
  assert.fail('accepted');
}

describe('checkJsonInput', () => {
  it('refuses a number outside Int32 with AWS wording', () => {
    const e = refusal(() => checkJsonInput('ecs', 'UpdateService', { service: 's', desiredCount: 1e12 }));
    assert.equal(e.code, 'InvalidParameterException');
    assert.equal(
      e.message,
      "1 validation error detected: Value '1000000000000' at 'desiredCount' failed to satisfy constraint: " +
        'Member must have value less than or equal to 2147483647',
    );
  });

  it('finds numbers in nested structures and lists, and reports them all', () => {
    const e = refusal(() =>
      checkJsonInput('ecs', 'RegisterTaskDefinition', {
        family: 'f',
        containerDefinitions: [
          { name: 'a', cpu: 1, portMappings: [{ containerPort: 80 }] },
          { name: 'b', cpu: 2 ** 31, portMappings: [{ containerPort: -(2 ** 31) - 1 }] },
        ],
      }),
    );
    assert.match(e.message, /^2 validation errors detected: /);
    assert.match(e.message, /Value '2147483648' at 'containerDefinitions\.2\.member\.cpu'/);
    assert.match(
      e.message,
      /Value '-2147483649' at 'containerDefinitions\.2\.member\.portMappings\.1\.member\.containerPort' failed to satisfy constraint: Member must have value greater than or equal to -2147483648/,
    );
  });

  it("applies the model's own min and max", () => {
    const e = refusal(() =>
      checkJsonInput('ecs', 'CreateService', {
        capacityProviderStrategy: [{ capacityProvider: 'x', weight: 1001, base: -1 }],
      }),
    );
    assert.match(e.message, /at 'capacityProviderStrategy\.1\.member\.weight'.*less than or equal to 1000/);
    assert.match(e.message, /at 'capacityProviderStrategy\.1\.member\.base'.*greater than or equal to 0/);
    assert.throws(
      () => checkJsonInput('ecr', 'DescribeRepositories', { maxResults: 0 }),
      /greater than or equal to 1/,
    );
    assert.throws(
      () => checkJsonInput('logs', 'GetLogEvents', { startTime: -1 }),
      /greater than or equal to 0/,
    );
  });

  it('a number member of another JSON type is a SerializationException', () => {
    const cases: [unknown, RegExp][] = [
      ['3', /^STRING_VALUE cannot be converted to Integer$/],
      [true, /^TRUE_VALUE cannot be converted to Integer$/],
      [{}, /Start of structure or map/],
      [[1], /Start of list/],
    ];
    for (const [value, message] of cases) {
      const e = refusal(() => checkJsonInput('ecs', 'UpdateService', { desiredCount: value }));
      assert.equal(e.code, 'SerializationException');
      assert.match(e.message, message);
    }
    assert.match(
      refusal(() => checkJsonInput('logs', 'GetLogEvents', { startTime: 'x' })).message,
      /to Long$/,
    );
  });

  it('accepts what fits, and leaves absent or null members alone', () => {
    checkJsonInput('ecs', 'UpdateService', { desiredCount: 2 ** 31 - 1 });
    checkJsonInput('ecs', 'UpdateService', { desiredCount: null, deploymentConfiguration: null });
    checkJsonInput('logs', 'GetLogEvents', { startTime: 2 ** 53 });
    checkJsonInput('ecs', 'ListClusters', {});
  });
});

describe('checkQueryInput', () => {
  it('checks required members, lengths, patterns and numbers together', () => {
    const e = refusal(() =>
      checkQueryInput('sts', 'AssumeRole', { RoleSessionName: 'a b', DurationSeconds: '60' }),
    );
    assert.equal(e.code, 'ValidationError');
    assert.match(e.message, /^3 validation errors detected: /);
    assert.match(e.message, /Value null at 'roleArn' failed to satisfy constraint: Member must not be null/);
    assert.match(
      e.message,
      /Value 'a b' at 'roleSessionName'.*regular expression pattern: \[\\w\+=,\.@-\]\*/,
    );
    assert.match(e.message, /Value '60' at 'durationSeconds'.*greater than or equal to 900/);
  });

  it('reads flattened lists (Tags.member.N.Key)', () => {
    const e = refusal(() =>
      checkQueryInput('iam', 'CreateRole', {
        RoleName: 'r',
        AssumeRolePolicyDocument: '{}',
        'Tags.member.1.Key': 'ok',
        'Tags.member.1.Value': 'v',
        'Tags.member.2.Key': '',
        'Tags.member.2.Value': 'v',
      }),
    );
    // Empty breaks both the length and the pattern (+): AWS reports each constraint.
    assert.match(e.message, /^2 validation errors detected: Value '' at 'tags\.2\.member\.key'/);
  });

  it('accepts what the model accepts', () => {
    checkQueryInput('sts', 'AssumeRole', {
      RoleArn: 'arn:aws:iam::000000000000:role/path/R',
      RoleSessionName: 'a+b=c,d.e@f-g_h',
      ExternalId: 'tenant:acme/prod-1',
      DurationSeconds: '43200',
    });
    checkQueryInput('iam', 'CreateRole', {
      RoleName: 'r',
      AssumeRolePolicyDocument: '{"Version":"2012-10-17"}',
      Path: '/team/',
      'Tags.member.1.Key': 'équipe',
      'Tags.member.1.Value': 'café',
    });
  });

  it('every pattern of the table compiles in JavaScript', () => {
    for (const actions of Object.values(MODEL_LIMITS)) {
      for (const rules of Object.values(actions)) {
        for (const rule of rules) if (rule.pattern) assert.ok(modelPattern(rule.pattern) instanceof RegExp);
      }
    }
    // Java's \u10000 (a code point above U+FFFF) is read as one.
    const arn = MODEL_LIMITS.sts!.AssumeRole!.find((r) => r.path === 'RoleArn')!.pattern!;
    assert.ok(modelPattern(arn).test('arn:aws:iam::000000000000:role/😀'));
    assert.ok(!modelPattern(arn).test('arn\u0000'));
  });
});

describe('through the server', () => {
  let env: EcsTestEnv;
  before(async () => {
    env = await startEcsEnv();
  });
  after(() => env.close());

  it('ECS answers a desiredCount of 1e12 with InvalidParameterException', async () => {
    await rawEcs(env.sb, 'CreateCluster', { clusterName: 'c' });
    const r = await rawEcs(env.sb, 'UpdateService', { cluster: 'c', service: 's', desiredCount: 1e12 });
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'InvalidParameterException');
    assert.match(r.json.message as string, /less than or equal to 2147483647/);
  });

  it('ECR, Logs and IAM refuse maxResults, limit and MaxItems out of their ranges', async () => {
    const config = { endpoint: env.sb.endpoint, region: env.sb.region, credentials: env.sb.credentials };
    await assert.rejects(
      new ECRClient(config).send(new DescribeRepositoriesCommand({ maxResults: 1001 })),
      (e: Error) => e.name === 'InvalidParameterException' && /less than or equal to 1000/.test(e.message),
    );
    await assert.rejects(
      new CloudWatchLogsClient(config).send(new DescribeLogGroupsCommand({ limit: 51 })),
      (e: Error) => e.name === 'InvalidParameterException' && /less than or equal to 50/.test(e.message),
    );
    await assert.rejects(
      new IAMClient(config).send(new ListRolesCommand({ MaxItems: 0 })),
      (e: Error) => e.name === 'ValidationError' && /at 'maxItems'/.test(e.message),
    );
  });

  it('ECR PutImage: a manifest over 4 MiB is refused', async () => {
    const ecr = new ECRClient({
      endpoint: env.sb.endpoint,
      region: env.sb.region,
      credentials: env.sb.credentials,
    });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'big' }));
    await assert.rejects(
      ecr.send(new PutImageCommand({ repositoryName: 'big', imageManifest: ' '.repeat(4_194_305) })),
      (e: Error) => e.name === 'InvalidParameterException' && /less than or equal to 4194304/.test(e.message),
    );
  });
});
