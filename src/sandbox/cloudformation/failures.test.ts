import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ListExportsCommand,
  UpdateStackCommand,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { startSandbox, type SandboxHandle } from '../index.js';

let sb: SandboxHandle;
let cfn: CloudFormationClient;
let ecs: ECSClient;
let logs: CloudWatchLogsClient;

const NETWORK = { AwsvpcConfiguration: { Subnets: ['subnet-0a1b2c3d'], AssignPublicIp: 'ENABLED' } };

function ecsTemplate(image: string, deployment: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Resources: {
      Cluster: { Type: 'AWS::ECS::Cluster' },
      TaskDefinitionWeb: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Family: 'crashy',
          Cpu: '256',
          Memory: '512',
          NetworkMode: 'awsvpc',
          RequiresCompatibilities: ['FARGATE'],
          ContainerDefinitions: [{ Name: 'web', Image: image, Essential: true }],
        },
      },
      ServiceWeb: {
        Type: 'AWS::ECS::Service',
        Properties: {
          Cluster: { Ref: 'Cluster' },
          LaunchType: 'FARGATE',
          TaskDefinition: { Ref: 'TaskDefinitionWeb' },
          DesiredCount: 1,
          NetworkConfiguration: NETWORK,
          DeploymentConfiguration: deployment,
        },
      },
    },
  });
}

const groups = (resources: Record<string, unknown>, outputs: Record<string, unknown> = {}) =>
  JSON.stringify({ Resources: resources, Outputs: outputs });

async function stackOf(name: string): Promise<Stack> {
  return (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!;
}

async function settled(name: string): Promise<Stack> {
  for (let i = 0; i < 3000; i++) {
    const s = await stackOf(name);
    if (!s.StackStatus!.endsWith('_IN_PROGRESS')) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`stack ${name} did not settle`);
}

async function events(name: string): Promise<StackEvent[]> {
  const out: StackEvent[] = [];
  let token: string | undefined;
  do {
    const r = await cfn.send(new DescribeStackEventsCommand({ StackName: name, NextToken: token }));
    out.push(...r.StackEvents!);
    token = r.NextToken;
  } while (token);
  return out.reverse();
}

const line = (e: StackEvent) =>
  [e.LogicalResourceId, e.ResourceStatus, e.ResourceStatusReason ?? ''].join(' ').trim();

async function admin(path: string, body: unknown): Promise<void> {
  const r = await fetch(`${sb.endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 200, await r.text());
}

before(async () => {
  sb = await startSandbox({ port: 0, timeScale: 50, throttling: false });
  const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
  cfn = new CloudFormationClient(config);
  ecs = new ECSClient(config);
  logs = new CloudWatchLogsClient(config);
});
after(async () => {
  await sb.close();
});

describe('CloudFormation failures and rollbacks', () => {
  it('a crashing image with the circuit breaker: UPDATE_ROLLBACK_COMPLETE, the new revision deregistered', async () => {
    const breakerOn = { DeploymentCircuitBreaker: { Enable: true, Rollback: true } };
    await cfn.send(
      new CreateStackCommand({ StackName: 'crash', TemplateBody: ecsTemplate('nginx:ok', breakerOn) }),
    );
    assert.equal((await settled('crash')).StackStatus, 'CREATE_COMPLETE');
    await admin('/_sandbox/faults/images', { image: 'nginx:crash', crashExitCode: 1, crashAfterSeconds: 1 });
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'crash',
        TemplateBody: ecsTemplate('nginx:crash', breakerOn),
        ClientRequestToken: 'bad-update',
      }),
    );
    const s = await settled('crash');
    assert.equal(s.StackStatus, 'UPDATE_ROLLBACK_COMPLETE');
    const mine = (await events('crash')).filter((e) => e.ClientRequestToken === 'bad-update').map(line);
    const breaker =
      'ServiceWeb UPDATE_FAILED Resource handler returned message: "Error occurred during operation \'ECS Deployment Circuit Breaker was triggered\'." (RequestToken: ';
    assert.ok(
      mine.some((l) => l.startsWith(breaker)),
      mine.join('\n'),
    );
    const at = (text: string) => mine.indexOf(text);
    assert.ok(
      at('crash UPDATE_ROLLBACK_IN_PROGRESS The following resource(s) failed to update: [ServiceWeb].') > 0,
      mine.join('\n'),
    );
    assert.ok(at('crash UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS') > at('ServiceWeb UPDATE_COMPLETE'));
    assert.equal(mine[mine.length - 1], 'crash UPDATE_ROLLBACK_COMPLETE');
    const newRevision = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'crashy:2' }));
    assert.equal(newRevision.taskDefinition!.status, 'INACTIVE');
    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'crash' }));
    const td = resources.StackResources!.find((r) => r.LogicalResourceId === 'TaskDefinitionWeb')!;
    assert.match(td.PhysicalResourceId!, /crashy:1$/);
    // UPDATE_ROLLBACK_COMPLETE can be updated again.
    await cfn.send(
      new UpdateStackCommand({ StackName: 'crash', TemplateBody: ecsTemplate('nginx:ok2', breakerOn) }),
    );
    assert.equal((await settled('crash')).StackStatus, 'UPDATE_COMPLETE');
  });

  it('a failing first create rolls back to ROLLBACK_COMPLETE; then only DeleteStack is allowed', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/taken' }));
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'taken',
        TemplateBody: groups({
          Free: { Type: 'AWS::Logs::LogGroup' },
          Taken: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/ecs/taken' } },
        }),
      }),
    );
    const s = await settled('taken');
    assert.equal(s.StackStatus, 'ROLLBACK_COMPLETE');
    const all = (await events('taken')).map(line);
    assert.ok(
      all.some((l) => /^Taken CREATE_FAILED .*AWS::Logs::LogGroup.*\/ecs\/taken.* already exists/.test(l)),
      all.join('\n'),
    );
    assert.ok(all.includes('Free CREATE_FAILED Resource creation cancelled'));
    assert.ok(
      all.includes(
        'taken ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Taken, Free]. Rollback requested by user.',
      ),
    );
    assert.ok(all.includes('Free DELETE_COMPLETE'));
    await assert.rejects(
      cfn.send(new UpdateStackCommand({ StackName: 'taken', UsePreviousTemplate: true })),
      { message: `Stack:${StackId} is in ROLLBACK_COMPLETE state and can not be updated.` },
    );
    await cfn.send(new DeleteStackCommand({ StackName: 'taken' }));
    await assert.rejects(settled('taken'), { message: 'Stack with id taken does not exist' });
    const left = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/taken' }));
    assert.equal(left.logGroups!.length, 1, 'the group the stack did not create stays');
  });

  it('IAM roles need CAPABILITY_IAM, named ones CAPABILITY_NAMED_IAM', async () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    };
    const unnamed = groups({
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust } },
    });
    await assert.rejects(cfn.send(new CreateStackCommand({ StackName: 'iam', TemplateBody: unnamed })), {
      name: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_IAM]',
    });
    const named = groups({
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { RoleName: 'cfn-named', AssumeRolePolicyDocument: trust },
      },
    });
    await assert.rejects(
      cfn.send(
        new CreateStackCommand({ StackName: 'iam', TemplateBody: named, Capabilities: ['CAPABILITY_IAM'] }),
      ),
      { message: 'Requires capabilities : [CAPABILITY_NAMED_IAM]' },
    );
    await cfn.send(
      new CreateStackCommand({
        StackName: 'iam',
        TemplateBody: named,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    assert.equal((await settled('iam')).StackStatus, 'CREATE_COMPLETE');
    // A change of Path needs a new role, which a custom name forbids.
    const moved = groups({
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { RoleName: 'cfn-named', Path: '/moved/', AssumeRolePolicyDocument: trust },
      },
    });
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'iam',
        TemplateBody: moved,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    assert.equal((await settled('iam')).StackStatus, 'UPDATE_ROLLBACK_COMPLETE');
    const all = (await events('iam')).map(line);
    assert.ok(
      all.includes(
        'Role UPDATE_FAILED CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename cfn-named and update the stack again.',
      ),
      all.join('\n'),
    );
  });

  it('types: unknown to AWS is a template error; known but not emulated fails the resource and rolls back', async () => {
    await assert.rejects(
      cfn.send(
        new CreateStackCommand({
          StackName: 'types',
          TemplateBody: groups({ X: { Type: 'AWS::Nope::Thing' } }),
        }),
      ),
      {
        name: 'ValidationError',
        message: 'Template format error: Unrecognized resource types: [AWS::Nope::Thing]',
      },
    );
    await cfn.send(
      new CreateStackCommand({
        StackName: 'types',
        TemplateBody: groups({ Bucket: { Type: 'AWS::S3::Bucket' } }),
      }),
    );
    assert.equal((await settled('types')).StackStatus, 'ROLLBACK_COMPLETE');
    const failed = (await events('types')).find((e) => e.ResourceStatus === 'CREATE_FAILED');
    assert.match(failed!.ResourceStatusReason!, /does not emulate .*AWS::S3::Bucket/);
  });

  it('DisableRollback keeps what was made (CREATE_FAILED); OnFailure DELETE deletes the stack', async () => {
    const template = groups({
      Kept: { Type: 'AWS::Logs::LogGroup' },
      Bucket: { Type: 'AWS::S3::Bucket', DependsOn: 'Kept' },
    });
    await cfn.send(
      new CreateStackCommand({ StackName: 'keep', TemplateBody: template, DisableRollback: true }),
    );
    const kept = await settled('keep');
    assert.equal(kept.StackStatus, 'CREATE_FAILED');
    assert.equal(kept.StackStatusReason, 'The following resource(s) failed to create: [Bucket]. ');
    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'keep' }));
    assert.equal(
      resources.StackResources!.find((r) => r.LogicalResourceId === 'Kept')!.ResourceStatus,
      'CREATE_COMPLETE',
    );
    const { StackId } = await cfn.send(
      new CreateStackCommand({ StackName: 'gone', TemplateBody: template, OnFailure: 'DELETE' }),
    );
    for (let i = 0; i < 2000 && (await stackOf(StackId!)).StackStatus !== 'DELETE_COMPLETE'; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const all = (await events(StackId!)).map(line);
    assert.ok(
      all.includes(
        'gone ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Bucket]. Delete requested by user.',
      ),
      all.join('\n'),
    );
    assert.equal(all[all.length - 1], 'gone DELETE_COMPLETE');
  });

  it('exports: one stack per name, and an export in use cannot be deleted', async () => {
    const exporting = (name: string) =>
      groups(
        { G: { Type: 'AWS::Logs::LogGroup' } },
        { Out: { Value: { Ref: 'G' }, Export: { Name: name } } },
      );
    await cfn.send(
      new CreateStackCommand({ StackName: 'exporter', TemplateBody: exporting('shared-group') }),
    );
    assert.equal((await settled('exporter')).StackStatus, 'CREATE_COMPLETE');
    await cfn.send(new CreateStackCommand({ StackName: 'copycat', TemplateBody: exporting('shared-group') }));
    const copy = await settled('copycat');
    assert.equal(copy.StackStatus, 'ROLLBACK_COMPLETE');
    const reasons = (await events('copycat')).map((e) => e.ResourceStatusReason);
    assert.ok(reasons.includes('Export with name shared-group is already exported by stack exporter'));
    const importer = groups({
      H: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: { 'Fn::Join': ['', [{ 'Fn::ImportValue': 'shared-group' }, '-child']] } },
      },
    });
    await cfn.send(new CreateStackCommand({ StackName: 'importer', TemplateBody: importer }));
    assert.equal((await settled('importer')).StackStatus, 'CREATE_COMPLETE');
    const exports = await cfn.send(new ListExportsCommand({}));
    assert.deepEqual(
      exports.Exports!.map((e) => e.Name),
      ['shared-group'],
    );
    await cfn.send(new DeleteStackCommand({ StackName: 'exporter' }));
    const refused = await settled('exporter');
    assert.equal(refused.StackStatus, 'DELETE_FAILED');
    assert.equal(
      refused.StackStatusReason,
      'Export shared-group cannot be deleted as it is in use by importer',
    );
  });

  it('DeletionPolicy Retain: DELETE_SKIPPED, the resource stays', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'retain',
        TemplateBody: groups({
          G: {
            Type: 'AWS::Logs::LogGroup',
            DeletionPolicy: 'Retain',
            Properties: { LogGroupName: '/kept/forever' },
          },
        }),
      }),
    );
    assert.equal((await settled('retain')).StackStatus, 'CREATE_COMPLETE');
    const { StackId } = await stackOf('retain');
    await cfn.send(new DeleteStackCommand({ StackName: 'retain' }));
    for (let i = 0; i < 2000 && (await stackOf(StackId!)).StackStatus !== 'DELETE_COMPLETE'; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok((await events(StackId!)).map(line).includes('G DELETE_SKIPPED'));
    const left = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/kept/forever' }));
    assert.equal(left.logGroups!.length, 1);
  });

  it('TimeoutInMinutes: a service that never stabilises rolls the create back', async () => {
    await admin('/_sandbox/faults/images', { image: 'nginx:loop', crashExitCode: 1, crashAfterSeconds: 1 });
    await cfn.send(
      new CreateStackCommand({
        StackName: 'slow',
        TemplateBody: ecsTemplate('nginx:loop'),
        TimeoutInMinutes: 1,
      }),
    );
    // Jump past the deadline (the sandbox clock drives the stack's timers too).
    await new Promise((r) => setTimeout(r, 100));
    await admin('/_sandbox/time', { advanceSeconds: 70 });
    const s = await settled('slow');
    assert.equal(s.StackStatus, 'ROLLBACK_COMPLETE');
    const all = (await events('slow')).map(line);
    assert.ok(
      all.includes(
        'slow ROLLBACK_IN_PROGRESS Stack creation time exceeded the specified timeout. Rollback requested by user.',
      ),
      all.join('\n'),
    );
    assert.ok(all.includes('ServiceWeb CREATE_FAILED Resource creation cancelled'));
  });
});
