import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeClustersCommand, ECSClient, ListTagsForResourceCommand } from '@aws-sdk/client-ecs';
import { GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  PutLogEventsCommand,
  CreateLogStreamCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { startSandbox, type SandboxHandle } from '../../index.js';
import { drive, testStack, type TestStack } from '../../../../test/kits/cfn-providers.js';
import { providerFor } from './index.js';

let sb: SandboxHandle;
let ecs: ECSClient;
let iam: IAMClient;
let logs: CloudWatchLogsClient;
let stack: TestStack;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: ['ecs-tasks.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
  ],
};
const EXEC_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';

before(async () => {
  sb = await startSandbox({ port: 0, timeScale: 50, throttling: false });
  const client = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
  ecs = new ECSClient(client);
  iam = new IAMClient(client);
  logs = new CloudWatchLogsClient(client);
  stack = testStack(sb, 'cf-ecs-web', [{ Key: 'owner', Value: 'platform' }]);
});
after(async () => {
  ecs.destroy();
  iam.destroy();
  logs.destroy();
  await sb.close();
});

describe('AWS::IAM::Role', () => {
  const role = providerFor('AWS::IAM::Role')!;

  it('creates a role with a generated name of at most 64 characters, after a few sandbox seconds', async () => {
    const logicalId = 'TaskExecutionRoletestOctopusSpfdeployedTaskWithAVeryLongName';
    const r = drive(sb, role, stack, {
      action: 'create',
      logicalId,
      properties: { Path: '/', ManagedPolicyArns: [EXEC_POLICY], AssumeRolePolicyDocument: TRUST },
    });
    assert.deepEqual(
      r.events.map((e) => [e.status, e.callbackDelaySeconds]),
      [
        ['IN_PROGRESS', 5],
        ['SUCCESS', undefined],
      ],
    );
    const name = r.last.physicalId!;
    assert.ok(name.length <= 64, name);
    const got = await iam.send(new GetRoleCommand({ RoleName: name }));
    assert.deepEqual(r.last.attributes, { Arn: got.Role?.Arn, RoleId: got.Role?.RoleId });
    assert.equal(got.Role?.Arn, `arn:aws:iam::${sb.accountId}:role/${name}`);
    assert.deepEqual(got.Role?.Tags, [{ Key: 'owner', Value: 'platform' }]);
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
    assert.deepEqual(
      attached.AttachedPolicies?.map((p) => p.PolicyArn),
      [EXEC_POLICY],
    );

    const props = { Path: '/', ManagedPolicyArns: [], AssumeRolePolicyDocument: TRUST, Policies: [] };
    const u = drive(sb, role, stack, { action: 'update', logicalId, properties: props, physicalId: name });
    assert.equal(u.last.status, 'SUCCESS', u.last.message);
    const none = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
    assert.deepEqual(none.AttachedPolicies, []);

    const d = drive(sb, role, stack, { action: 'delete', logicalId, properties: props, physicalId: name });
    assert.equal(d.last.status, 'SUCCESS', d.last.message);
    assert.equal(sb.runtime.world.accounts[sb.accountId]?.iam.roles[name], undefined);
  });

  it('fails on a name in use and on a policy IAM does not have, leaving nothing behind', () => {
    const props = { RoleName: 'taken', AssumeRolePolicyDocument: TRUST };
    assert.equal(
      drive(sb, role, stack, { action: 'create', logicalId: 'A', properties: props }).last.status,
      'SUCCESS',
    );
    const again = drive(sb, role, stack, { action: 'create', logicalId: 'B', properties: props }).last;
    assert.deepEqual(
      [again.status, again.errorCode, again.message],
      ['FAILED', 'AlreadyExists', 'taken already exists'],
    );

    const bad = drive(sb, role, stack, {
      action: 'create',
      logicalId: 'C',
      properties: {
        RoleName: 'bad-policy',
        AssumeRolePolicyDocument: TRUST,
        ManagedPolicyArns: ['arn:aws:iam::aws:policy/Nope'],
      },
    }).last;
    assert.equal(bad.status, 'FAILED');
    assert.match(
      bad.message ?? '',
      new RegExp(
        `^Resource handler returned message: "Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable\\. \\(Service: Iam, Status Code: 404, Request ID: ${UUID}\\) \\(SDK Attempt Count: 1\\)" \\(RequestToken: ${UUID}, HandlerErrorCode: NotFound\\)$`,
      ),
    );
    assert.equal(sb.runtime.world.accounts[sb.accountId]?.iam.roles['bad-policy'], undefined);
  });
});

describe('AWS::Logs::LogGroup', () => {
  const group = providerFor('AWS::Logs::LogGroup')!;

  it('creates with retention and tags, answers the ARN, updates retention, and deletes with its logs', async () => {
    const props = { LogGroupName: '/ecs/web', RetentionInDays: '7' };
    const r = drive(sb, group, stack, { action: 'create', logicalId: 'AwsLogGroupWeb', properties: props });
    assert.equal(r.last.status, 'SUCCESS', r.last.message);
    assert.equal(r.last.physicalId, '/ecs/web');
    assert.deepEqual(r.last.attributes, {
      Arn: `arn:aws:logs:${sb.region}:${sb.accountId}:log-group:/ecs/web:*`,
    });
    const g = sb.runtime.world.accounts[sb.accountId]!.regions[sb.region]!.logs.groups['/ecs/web']!;
    assert.equal(g.retentionInDays, 7);
    assert.equal(g.tags['aws:cloudformation:logical-id'], 'AwsLogGroupWeb');
    assert.equal(g.tags.owner, 'platform');

    const u = drive(sb, group, stack, {
      action: 'update',
      logicalId: 'AwsLogGroupWeb',
      properties: { LogGroupName: '/ecs/web' },
      previousProperties: props,
      physicalId: '/ecs/web',
    });
    assert.equal(u.last.status, 'SUCCESS', u.last.message);
    const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/web' }));
    assert.equal(described.logGroups?.[0]?.retentionInDays, undefined, 'retention removed with the property');

    const dup = drive(sb, group, stack, { action: 'create', logicalId: 'Other', properties: props }).last;
    assert.equal(dup.errorCode, 'AlreadyExists');
    assert.match(
      dup.message ?? '',
      new RegExp(
        `^Resource handler returned message: "Resource of type 'AWS::Logs::LogGroup' with identifier '\\{"/properties/LogGroupName":"/ecs/web"\\}' already exists\\." \\(RequestToken: ${UUID}, HandlerErrorCode: AlreadyExists\\)$`,
      ),
    );

    await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/web', logStreamName: 's' }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/ecs/web',
        logStreamName: 's',
        logEvents: [{ timestamp: Math.floor(sb.runtime.now()), message: 'hi' }],
      }),
    );
    const d = drive(sb, group, stack, {
      action: 'delete',
      logicalId: 'AwsLogGroupWeb',
      properties: props,
      physicalId: '/ecs/web',
    });
    assert.equal(d.last.status, 'SUCCESS', d.last.message);
    const after = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/web' }));
    assert.deepEqual(after.logGroups, []);
  });
});

describe('AWS::ECS::Cluster and AWS::ECS::TaskDefinition tags', () => {
  const cluster = providerFor('AWS::ECS::Cluster')!;
  const taskDefinition = providerFor('AWS::ECS::TaskDefinition')!;

  it('creates a cluster (Ref = name, Arn) with system tags, refuses an existing one, deletes it', async () => {
    const r = drive(sb, cluster, stack, {
      action: 'create',
      logicalId: 'Cluster',
      properties: { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] },
    });
    assert.equal(r.last.status, 'SUCCESS', r.last.message);
    const name = r.last.physicalId!;
    assert.match(name, /^cf-ecs-web-Cluster-[A-Z0-9]{13}$/);
    const arn = `arn:aws:ecs:${sb.region}:${sb.accountId}:cluster/${name}`;
    assert.deepEqual(r.last.attributes, { Arn: arn });
    const d = await ecs.send(
      new DescribeClustersCommand({ clusters: [name], include: ['TAGS', 'SETTINGS'] }),
    );
    assert.deepEqual(d.clusters?.[0]?.settings, [{ name: 'containerInsights', value: 'enabled' }]);
    const keys = (d.clusters?.[0]?.tags ?? []).map((t) => t.key).sort();
    assert.deepEqual(keys, [
      'aws:cloudformation:logical-id',
      'aws:cloudformation:stack-id',
      'aws:cloudformation:stack-name',
      'owner',
    ]);

    const dup = drive(sb, cluster, stack, {
      action: 'create',
      logicalId: 'Again',
      properties: { ClusterName: name },
    }).last;
    assert.equal(dup.errorCode, 'AlreadyExists');

    const del = drive(sb, cluster, stack, {
      action: 'delete',
      logicalId: 'Cluster',
      properties: {},
      physicalId: name,
    });
    assert.equal(del.last.status, 'SUCCESS', del.last.message);
    const gone = await ecs.send(new DescribeClustersCommand({ clusters: [name] }));
    assert.equal(gone.clusters?.[0]?.status, 'INACTIVE');
  });

  it('puts system, stack and own tags on a task definition and updates the own ones in place', async () => {
    const props = {
      Family: 'tagged',
      ContainerDefinitions: [{ Name: 'web', Image: 'nginx', Memory: '128' }],
      Tags: [{ Key: 'team', Value: 'core' }],
    };
    const r = drive(sb, taskDefinition, stack, {
      action: 'create',
      logicalId: 'TaskDefinitionTagged',
      properties: props,
    });
    assert.equal(r.last.status, 'SUCCESS', r.last.message);
    const arn = r.last.physicalId!;
    const tags = async () =>
      Object.fromEntries(
        ((await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? []).map((t) => [
          t.key,
          t.value,
        ]),
      );
    assert.deepEqual(await tags(), {
      owner: 'platform',
      team: 'core',
      'aws:cloudformation:stack-name': stack.stackName,
      'aws:cloudformation:stack-id': stack.stackId,
      'aws:cloudformation:logical-id': 'TaskDefinitionTagged',
    });
    const u = drive(sb, taskDefinition, stack, {
      action: 'update',
      logicalId: 'TaskDefinitionTagged',
      properties: { ...props, Tags: [{ Key: 'tier', Value: 'web' }] },
      previousProperties: props,
      physicalId: arn,
    });
    assert.equal(u.last.status, 'SUCCESS', u.last.message);
    const after = await tags();
    assert.equal(after.team, undefined);
    assert.equal(after.tier, 'web');
    assert.equal(after['aws:cloudformation:logical-id'], 'TaskDefinitionTagged');
  });

  it('fails a task definition ECS rejects with the wrapped ECS message', () => {
    const r = drive(sb, taskDefinition, stack, {
      action: 'create',
      logicalId: 'Bad',
      properties: { Family: 'bad', ContainerDefinitions: [] },
    });
    assert.equal(r.last.status, 'FAILED');
    assert.match(
      r.last.message ?? '',
      /^Resource handler returned message: "Invalid request provided: RegisterTaskDefinition error: Container list cannot be empty\. \(Service: Ecs, Status Code: 400, /,
    );
  });
});
