import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStacksCommand,
  UpdateStackCommand,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { startSandbox, type SandboxHandle } from '../index.js';

let sb: SandboxHandle;
let cfn: CloudFormationClient;
let ecs: ECSClient;

const NETWORK = { AwsvpcConfiguration: { Subnets: ['subnet-0a1b2c3d'], AssignPublicIp: 'ENABLED' } };

/** A cluster, a Fargate task definition of `image` and a service of it (the Octopus step's shape). */
function ecsTemplate(image: string, service: Record<string, unknown> = {}): string {
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: { Count: { Type: 'Number', Default: '2' } },
    Resources: {
      Cluster: { Type: 'AWS::ECS::Cluster' },
      TaskDefinitionWeb: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Family: 'web',
          Cpu: '256',
          Memory: '512',
          NetworkMode: 'awsvpc',
          RequiresCompatibilities: ['FARGATE'],
          ContainerDefinitions: [{ Name: 'web', Image: image, Essential: true }],
        },
      },
      ServiceWeb: {
        Type: 'AWS::ECS::Service',
        DependsOn: 'TaskDefinitionWeb',
        Properties: {
          Cluster: { Ref: 'Cluster' },
          LaunchType: 'FARGATE',
          TaskDefinition: { Ref: 'TaskDefinitionWeb' },
          DesiredCount: { Ref: 'Count' },
          NetworkConfiguration: NETWORK,
          ...service,
        },
      },
    },
    Outputs: { ServiceArn: { Value: { Ref: 'ServiceWeb' } } },
  });
}

async function stackOf(name: string): Promise<Stack> {
  const r = await cfn.send(new DescribeStacksCommand({ StackName: name }));
  return r.Stacks![0]!;
}

/** Polls until the stack's status no longer ends in IN_PROGRESS. */
async function settled(name: string): Promise<Stack> {
  for (let i = 0; i < 2000; i++) {
    const s = await stackOf(name);
    if (!s.StackStatus!.endsWith('_IN_PROGRESS')) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`stack ${name} did not settle`);
}

/** All events, oldest first, following NextToken. */
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

function line(e: StackEvent): string {
  return [e.LogicalResourceId, e.ResourceStatus, e.ResourceStatusReason ?? ''].join(' ').trim();
}

before(async () => {
  sb = await startSandbox({ port: 0, timeScale: 50, throttling: false });
  const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
  cfn = new CloudFormationClient(config);
  ecs = new ECSClient(config);
});
after(async () => {
  await sb.close();
});

describe('CloudFormation stacks in the sandbox', () => {
  let stackId = '';

  it('creates a stack whose ECS service runs its tasks (CREATE_COMPLETE, outputs, events)', async () => {
    const r = await cfn.send(
      new CreateStackCommand({
        StackName: 'web',
        TemplateBody: ecsTemplate('nginx:1.27'),
        Tags: [{ Key: 'team', Value: 'platform' }],
        ClientRequestToken: 'create-1',
      }),
    );
    stackId = r.StackId!;
    assert.match(stackId, /^arn:aws:cloudformation:us-east-1:000000000000:stack\/web\/[0-9a-f-]{36}$/);
    const s = await settled('web');
    assert.equal(s.StackStatus, 'CREATE_COMPLETE');
    assert.deepEqual(s.Parameters, [{ ParameterKey: 'Count', ParameterValue: '2' }]);
    assert.deepEqual(s.Tags, [{ Key: 'team', Value: 'platform' }]);
    const arn = s.Outputs?.find((o) => o.OutputKey === 'ServiceArn')?.OutputValue ?? '';
    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'web' }));
    const cluster = resources.StackResources!.find(
      (x) => x.LogicalResourceId === 'Cluster',
    )!.PhysicalResourceId!;
    const svc = await ecs.send(new DescribeServicesCommand({ cluster, services: [arn] }));
    assert.equal(svc.services![0]!.runningCount, 2, 'the tasks run');
    const all = await events('web');
    assert.ok(all.every((e) => e.ClientRequestToken === 'create-1'));
    assert.equal(line(all[0]!), 'web CREATE_IN_PROGRESS User Initiated');
    assert.equal(line(all[all.length - 1]!), 'web CREATE_COMPLETE');
    const service = all.filter((e) => e.LogicalResourceId === 'ServiceWeb').map(line);
    assert.deepEqual(service, [
      'ServiceWeb CREATE_IN_PROGRESS',
      'ServiceWeb CREATE_IN_PROGRESS Resource creation Initiated',
      'ServiceWeb CREATE_COMPLETE',
    ]);
    const initiated = all.find((e) => e.LogicalResourceId === 'ServiceWeb' && e.ResourceStatusReason);
    assert.equal(JSON.parse(initiated!.ResourceProperties!).DesiredCount, '2');
    const ids = new Set(all.map((e) => e.EventId));
    assert.equal(ids.size, all.length, 'event ids are unique');
    assert.match(all[1]!.EventId!, /^[A-Za-z]+-CREATE_IN_PROGRESS-\d{4}-\d\d-\d\dT/);
  });

  it('an identical update is refused: "No updates are to be performed."', async () => {
    await assert.rejects(
      cfn.send(new UpdateStackCommand({ StackName: 'web', TemplateBody: ecsTemplate('nginx:1.27') })),
      { name: 'ValidationError', message: 'No updates are to be performed.' },
    );
  });

  it('a new image replaces the task definition; the old revision goes INACTIVE in the cleanup', async () => {
    const before = await cfn.send(
      new DescribeStackResourcesCommand({ StackName: 'web', LogicalResourceId: 'TaskDefinitionWeb' }),
    );
    const oldArn = before.StackResources![0]!.PhysicalResourceId!;
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'web',
        TemplateBody: ecsTemplate('nginx:1.28'),
        ClientRequestToken: 'update-1',
      }),
    );
    const s = await settled('web');
    assert.equal(s.StackStatus, 'UPDATE_COMPLETE');
    const mine = (await events('web')).filter((e) => e.ClientRequestToken === 'update-1').map(line);
    assert.deepEqual(mine, [
      'web UPDATE_IN_PROGRESS User Initiated',
      'TaskDefinitionWeb UPDATE_IN_PROGRESS Requested update requires the creation of a new physical resource; hence creating one.',
      'TaskDefinitionWeb UPDATE_IN_PROGRESS Resource creation Initiated',
      'TaskDefinitionWeb UPDATE_COMPLETE',
      'ServiceWeb UPDATE_IN_PROGRESS',
      'ServiceWeb UPDATE_COMPLETE',
      'web UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'TaskDefinitionWeb DELETE_IN_PROGRESS',
      'TaskDefinitionWeb DELETE_COMPLETE',
      'web UPDATE_COMPLETE',
    ]);
    const old = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: oldArn }));
    assert.equal(old.taskDefinition!.status, 'INACTIVE');
    const now = await cfn.send(
      new DescribeStackResourcesCommand({ StackName: 'web', LogicalResourceId: 'TaskDefinitionWeb' }),
    );
    assert.match(now.StackResources![0]!.PhysicalResourceId!, /:task-definition\/web:2$/);
    assert.equal(now.StackResources![0]!.ResourceStatus, 'UPDATE_COMPLETE');
  });

  it('UpdateStack with Tags=[] removes the tags; without Tags keeps them', async () => {
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'web',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Count', ParameterValue: '1' }],
      }),
    );
    let s = await settled('web');
    assert.equal(s.StackStatus, 'UPDATE_COMPLETE');
    assert.deepEqual(s.Tags, [{ Key: 'team', Value: 'platform' }]);
    assert.deepEqual(s.Parameters, [{ ParameterKey: 'Count', ParameterValue: '1' }]);
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'web',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Count', UsePreviousValue: true }],
        Tags: [],
      }),
    );
    s = await settled('web');
    assert.equal(s.StackStatus, 'UPDATE_COMPLETE');
    assert.deepEqual(s.Tags, []);
    const body = await cfn.send(new GetTemplateCommand({ StackName: 'web' }));
    assert.equal(body.TemplateBody, ecsTemplate('nginx:1.28'));
  });

  it('deletes the stack: unknown by name afterwards, DELETE_COMPLETE by StackId', async () => {
    await cfn.send(new DeleteStackCommand({ StackName: 'web', ClientRequestToken: 'delete-1' }));
    for (let i = 0; i < 2000; i++) {
      const s = await cfn.send(new DescribeStacksCommand({ StackName: stackId }));
      if (s.Stacks![0]!.StackStatus === 'DELETE_COMPLETE') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await assert.rejects(cfn.send(new DescribeStacksCommand({ StackName: 'web' })), {
      name: 'ValidationError',
      message: 'Stack with id web does not exist',
    });
    const gone = await stackOf(stackId);
    assert.equal(gone.StackStatus, 'DELETE_COMPLETE');
    assert.ok(gone.DeletionTime instanceof Date);
    const mine = (await events(stackId)).filter((e) => e.ClientRequestToken === 'delete-1').map(line);
    assert.equal(mine[0], 'web DELETE_IN_PROGRESS User Initiated');
    assert.equal(mine[mine.length - 1], 'web DELETE_COMPLETE');
    assert.ok(
      mine.indexOf('ServiceWeb DELETE_COMPLETE') < mine.indexOf('TaskDefinitionWeb DELETE_IN_PROGRESS'),
    );
    assert.ok(mine.indexOf('ServiceWeb DELETE_COMPLETE') < mine.indexOf('Cluster DELETE_IN_PROGRESS'));
    const listed = await cfn.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }));
    assert.ok(listed.StackSummaries!.some((x) => x.StackId === stackId));
    await cfn.send(new DeleteStackCommand({ StackName: 'never-was' }));
  });

  it('pages events newest first with NextToken', async () => {
    const resources: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++) resources[`Group${i}`] = { Type: 'AWS::Logs::LogGroup' };
    await cfn.send(
      new CreateStackCommand({ StackName: 'many', TemplateBody: JSON.stringify({ Resources: resources }) }),
    );
    assert.equal((await settled('many')).StackStatus, 'CREATE_COMPLETE');
    const first = await cfn.send(new DescribeStackEventsCommand({ StackName: 'many' }));
    assert.equal(first.StackEvents!.length, 100);
    assert.ok(first.NextToken);
    assert.equal(line(first.StackEvents![0]!), 'many CREATE_COMPLETE');
    const second = await cfn.send(
      new DescribeStackEventsCommand({ StackName: 'many', NextToken: first.NextToken }),
    );
    assert.equal(second.NextToken, undefined);
    const all = [...first.StackEvents!, ...second.StackEvents!];
    assert.equal(all.length, 2 + 40 * 3);
    assert.equal(line(all[all.length - 1]!), 'many CREATE_IN_PROGRESS User Initiated');
    const times = all.map((e) => e.Timestamp!.getTime());
    assert.deepEqual(
      [...times].sort((a, b) => b - a),
      times,
      'newest first',
    );
  });
});
