import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CancelUpdateStackCommand,
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startSandbox, type SandboxHandle } from '../index.js';

let sb: SandboxHandle;
let cfn: CloudFormationClient;
let logs: CloudWatchLogsClient;

const LOGS = JSON.stringify({ Resources: { G: { Type: 'AWS::Logs::LogGroup' } } });

async function settled(name: string): Promise<Stack> {
  for (let i = 0; i < 2000; i++) {
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!;
    if (!s.StackStatus!.endsWith('_IN_PROGRESS')) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`stack ${name} did not settle`);
}

before(async () => {
  sb = await startSandbox({ port: 0, timeScale: 50, throttling: false });
  cfn = new CloudFormationClient({
    endpoint: sb.endpoint,
    region: sb.region,
    credentials: sb.credentials,
    maxAttempts: 1,
  });
  logs = new CloudWatchLogsClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
});
after(async () => {
  await sb.close();
});

describe('CloudFormation input rules', () => {
  it('refuses stack names AWS refuses, in its words', async () => {
    await assert.rejects(cfn.send(new CreateStackCommand({ StackName: '1-bad', TemplateBody: LOGS })), {
      name: 'ValidationError',
      message:
        "1 validation error detected: Value '1-bad' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*",
    });
  });

  it('refuses a template over 51,200 bytes and a missing one', async () => {
    const big = JSON.stringify({
      Description: 'x'.repeat(52_000),
      Resources: { G: { Type: 'AWS::Logs::LogGroup' } },
    });
    await assert.rejects(
      cfn.send(new CreateStackCommand({ StackName: 'big', TemplateBody: big })),
      (e: Error) => {
        assert.equal(e.name, 'ValidationError');
        assert.match(
          e.message,
          /at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to 51200$/,
        );
        return true;
      },
    );
    await assert.rejects(cfn.send(new CreateStackCommand({ StackName: 'none' })), {
      message: 'Either Template URL or Template Body must be specified.',
    });
  });

  it('a ClientRequestToken retried is the same call; used for another call it is refused', async () => {
    const a = await cfn.send(
      new CreateStackCommand({ StackName: 'tok', TemplateBody: LOGS, ClientRequestToken: 't-1' }),
    );
    const b = await cfn.send(
      new CreateStackCommand({ StackName: 'tok', TemplateBody: LOGS, ClientRequestToken: 't-1' }),
    );
    assert.equal(b.StackId, a.StackId);
    await assert.rejects(cfn.send(new CreateStackCommand({ StackName: 'tok', TemplateBody: LOGS })), {
      name: 'AlreadyExistsException',
      message: 'Stack [tok] already exists',
    });
    await settled('tok');
    await assert.rejects(
      cfn.send(new UpdateStackCommand({ StackName: 'tok', TemplateBody: LOGS, ClientRequestToken: 't-1' })),
      { name: 'TokenAlreadyExistsException' },
    );
  });

  it('DescribeStackResource names the missing stack or resource', async () => {
    await assert.rejects(
      cfn.send(new DescribeStackResourceCommand({ StackName: 'nope', LogicalResourceId: 'G' })),
      { message: "Stack 'nope' does not exist" },
    );
    await assert.rejects(
      cfn.send(new DescribeStackResourceCommand({ StackName: 'tok', LogicalResourceId: 'X' })),
      {
        message: 'Resource X does not exist for stack tok',
      },
    );
  });

  it('ValidateTemplate lists parameters and the capabilities needed', async () => {
    const r = await cfn.send(
      new ValidateTemplateCommand({
        TemplateBody: JSON.stringify({
          Description: 'd',
          Parameters: { P: { Type: 'String', Default: 'x', Description: 'the p' } },
          Resources: {
            R: {
              Type: 'AWS::IAM::Role',
              Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } },
            },
          },
        }),
      }),
    );
    assert.deepEqual(r.Parameters, [
      { ParameterKey: 'P', DefaultValue: 'x', NoEcho: false, Description: 'the p' },
    ]);
    assert.deepEqual(r.Capabilities, ['CAPABILITY_IAM']);
    assert.equal(r.Description, 'd');
  });

  it('an update that drops a resource deletes it in the cleanup', async () => {
    const two = JSON.stringify({
      Resources: { G: { Type: 'AWS::Logs::LogGroup' }, H: { Type: 'AWS::Logs::LogGroup' } },
    });
    await cfn.send(new CreateStackCommand({ StackName: 'drop', TemplateBody: two }));
    assert.equal((await settled('drop')).StackStatus, 'CREATE_COMPLETE');
    await cfn.send(
      new UpdateStackCommand({ StackName: 'drop', TemplateBody: LOGS, ClientRequestToken: 'drop-h' }),
    );
    assert.equal((await settled('drop')).StackStatus, 'UPDATE_COMPLETE');
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: 'drop' }))).StackEvents!;
    const mine = events
      .filter((e) => e.ClientRequestToken === 'drop-h')
      .reverse()
      .map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`);
    assert.deepEqual(mine, [
      'drop UPDATE_IN_PROGRESS',
      'drop UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'H DELETE_IN_PROGRESS',
      'H DELETE_COMPLETE',
      'drop UPDATE_COMPLETE',
    ]);
    await assert.rejects(
      cfn.send(new DescribeStackResourceCommand({ StackName: 'drop', LogicalResourceId: 'H' })),
      {
        message: 'Resource H does not exist for stack drop',
      },
    );
  });

  it('DeleteStack during the create cancels it and deletes what was made', async () => {
    const template = JSON.stringify({
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } },
        },
      },
    });
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'early',
        TemplateBody: template,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    for (let i = 0; i < 200; i++) {
      const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: 'early' }))).StackEvents!;
      if (events.some((e) => e.ResourceStatusReason === 'Resource creation Initiated')) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await cfn.send(new DeleteStackCommand({ StackName: 'early' }));
    let status = '';
    for (let i = 0; i < 500 && status !== 'DELETE_COMPLETE'; i++) {
      status = (await cfn.send(new DescribeStacksCommand({ StackName: StackId }))).Stacks![0]!.StackStatus!;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 'DELETE_COMPLETE');
    const lines = (await cfn.send(new DescribeStackEventsCommand({ StackName: StackId })))
      .StackEvents!.reverse()
      .map((e) => `${e.LogicalResourceId} ${e.ResourceStatus} ${e.ResourceStatusReason ?? ''}`.trim());
    assert.ok(lines.includes('Role CREATE_FAILED Resource creation cancelled'), lines.join('\n'));
    assert.ok(lines.includes('Role DELETE_COMPLETE'));
  });

  it('a failed update rollback waits in UPDATE_ROLLBACK_FAILED for ContinueUpdateRollback', async () => {
    const retention = (days: number) =>
      JSON.stringify({
        Resources: {
          G: {
            Type: 'AWS::Logs::LogGroup',
            Properties: { LogGroupName: '/gone/soon', RetentionInDays: days },
          },
        },
      });
    await cfn.send(new CreateStackCommand({ StackName: 'stuck', TemplateBody: retention(7) }));
    assert.equal((await settled('stuck')).StackStatus, 'CREATE_COMPLETE');
    // The group goes away behind the stack's back: the update and its rollback both fail.
    await logs.send(new DeleteLogGroupCommand({ logGroupName: '/gone/soon' }));
    await cfn.send(new UpdateStackCommand({ StackName: 'stuck', TemplateBody: retention(14) }));
    const failed = await settled('stuck');
    assert.equal(failed.StackStatus, 'UPDATE_ROLLBACK_FAILED');
    await assert.rejects(
      cfn.send(new UpdateStackCommand({ StackName: 'stuck', TemplateBody: retention(30) })),
      {
        message: `Stack:${failed.StackId} is in UPDATE_ROLLBACK_FAILED state and can not be updated.`,
      },
    );
    await cfn.send(new ContinueUpdateRollbackCommand({ StackName: 'stuck', ResourcesToSkip: ['G'] }));
    assert.equal((await settled('stuck')).StackStatus, 'UPDATE_ROLLBACK_COMPLETE');
  });

  it('CancelUpdateStack rolls an update in progress back', async () => {
    const slow = (days: number) =>
      JSON.stringify({
        Resources: {
          Role: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
              Tags: [{ Key: 'days', Value: String(days) }],
            },
          },
          G: { Type: 'AWS::Logs::LogGroup', DependsOn: 'Role', Properties: { RetentionInDays: days } },
        },
      });
    await cfn.send(
      new CreateStackCommand({
        StackName: 'cancel',
        TemplateBody: slow(1),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    assert.equal((await settled('cancel')).StackStatus, 'CREATE_COMPLETE');
    await assert.rejects(cfn.send(new CancelUpdateStackCommand({ StackName: 'cancel' })), {
      name: 'ValidationError',
    });
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'cancel',
        TemplateBody: slow(3),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    await cfn.send(new CancelUpdateStackCommand({ StackName: 'cancel' }));
    const s = await settled('cancel');
    assert.equal(s.StackStatus, 'UPDATE_ROLLBACK_COMPLETE');
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: 'cancel' }))).StackEvents!;
    assert.ok(
      events.some(
        (e) =>
          e.ResourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS' &&
          e.ResourceStatusReason === 'Stack update cancelled',
      ),
    );
  });
});
