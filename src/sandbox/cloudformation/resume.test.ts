import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { startSandbox, type SandboxHandle } from '../index.js';
import { cfnOf } from './model.js';

const dir = mkdtempSync(join(tmpdir(), 'slipway-cfn-resume-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TEMPLATE = JSON.stringify({
  Resources: {
    Cluster: { Type: 'AWS::ECS::Cluster' },
    Task: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Family: 'resumed',
        Cpu: '256',
        Memory: '512',
        NetworkMode: 'awsvpc',
        RequiresCompatibilities: ['FARGATE'],
        ContainerDefinitions: [{ Name: 'web', Image: 'nginx:1.27', Essential: true }],
      },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: { Ref: 'Cluster' },
        LaunchType: 'FARGATE',
        TaskDefinition: { Ref: 'Task' },
        DesiredCount: 2,
        NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0a1b2c3d'] } },
      },
    },
  },
  Outputs: { Service: { Value: { 'Fn::GetAtt': ['Service', 'Name'] } } },
});

function client(sb: SandboxHandle): CloudFormationClient {
  return new CloudFormationClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
}

describe('a restarted sandbox resumes stack operations', () => {
  it('a stack creating its ECS service when the sandbox stops completes after the restart', async () => {
    const file = join(dir, 'state.json');
    const first = await startSandbox({ port: 0, timeScale: 20, stateFile: file, throttling: false });
    let stackId: string;
    try {
      stackId = (
        await client(first).send(new CreateStackCommand({ StackName: 'resumed', TemplateBody: TEMPLATE }))
      ).StackId!;
      // Wait until the service is being stabilised (its tasks take ~20 sandbox seconds to run).
      for (let i = 0; i < 500; i++) {
        const stack = cfnOf(first.runtime.world.accounts[first.accountId]!.regions[first.region]!).stacks[
          stackId
        ]!;
        if (stack.operation?.tasks.Service?.state === 'in_progress') break;
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await first.close();
    }
    const second = await startSandbox({ port: 0, timeScale: 50, stateFile: file, throttling: false });
    try {
      const cfn = client(second);
      const mid = (await cfn.send(new DescribeStacksCommand({ StackName: 'resumed' }))).Stacks![0]!;
      assert.equal(mid.StackStatus, 'CREATE_IN_PROGRESS', 'saved mid-operation');
      let status: string | undefined = mid.StackStatus;
      for (let i = 0; i < 1000 && status === 'CREATE_IN_PROGRESS'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        status = (await cfn.send(new DescribeStacksCommand({ StackName: 'resumed' }))).Stacks![0]!
          .StackStatus;
      }
      assert.equal(status, 'CREATE_COMPLETE');
      const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: stackId }))).StackEvents!;
      assert.equal(
        events.filter((e) => e.LogicalResourceId === 'Service' && e.ResourceStatus === 'CREATE_COMPLETE')
          .length,
        1,
      );
      const s = (await cfn.send(new DescribeStacksCommand({ StackName: 'resumed' }))).Stacks![0]!;
      const name = s.Outputs![0]!.OutputValue!;
      const ecs = new ECSClient({
        endpoint: second.endpoint,
        region: second.region,
        credentials: second.credentials,
      });
      const cluster = cfnOf(second.runtime.world.accounts[second.accountId]!.regions[second.region]!).stacks[
        stackId
      ]!.resources.Cluster!.physicalId;
      const svc = await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
      assert.equal(svc.services![0]!.runningCount, 2);
    } finally {
      await second.close();
    }
  });
});
