import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateSummaryCommand,
  ListChangeSetsCommand,
  type DescribeChangeSetCommandOutput,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { startSandbox, type SandboxHandle } from '../index.js';

let sb: SandboxHandle;
let cfn: CloudFormationClient;

const template = (retention: number, extra = false) =>
  JSON.stringify({
    Parameters: { Days: { Type: 'Number', Default: String(retention) } },
    Resources: {
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: { Ref: 'Days' } } },
      ...(extra ? { More: { Type: 'AWS::Logs::LogGroup' } } : {}),
    },
  });

async function ready(name: string, stack = 'app'): Promise<DescribeChangeSetCommandOutput> {
  for (let i = 0; i < 1000; i++) {
    const cs = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: name, StackName: stack }));
    if (cs.Status === 'CREATE_COMPLETE' || cs.Status === 'FAILED') return cs;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`change set ${name} not ready`);
}

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
  cfn = new CloudFormationClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
});
after(async () => {
  await sb.close();
});

describe('CloudFormation change sets', () => {
  it('a CREATE change set makes a REVIEW_IN_PROGRESS stack; executing it creates the stack', async () => {
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'app',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: template(7),
      }),
    );
    assert.match(
      created.Id!,
      /^arn:aws:cloudformation:us-east-1:000000000000:changeSet\/first\/[0-9a-f-]{36}$/,
    );
    const review = (await cfn.send(new DescribeStacksCommand({ StackName: 'app' }))).Stacks![0]!;
    assert.equal(review.StackStatus, 'REVIEW_IN_PROGRESS');
    await assert.rejects(cfn.send(new GetTemplateSummaryCommand({ StackName: 'app' })), {
      message: 'GetTemplateSummary cannot be called on REVIEW_IN_PROGRESS stacks.',
    });
    const cs = await ready('first');
    assert.equal(cs.Status, 'CREATE_COMPLETE');
    assert.equal(cs.ExecutionStatus, 'AVAILABLE');
    assert.deepEqual(
      cs.Changes!.map((c) => [c.ResourceChange!.Action, c.ResourceChange!.LogicalResourceId]),
      [['Add', 'Logs']],
    );
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
    const s = await settled('app');
    assert.equal(s.StackStatus, 'CREATE_COMPLETE');
    assert.equal(s.ChangeSetId, created.Id);
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: 'app' }))).StackEvents!;
    const oldest = events[events.length - 1]!;
    assert.equal(
      `${oldest.ResourceStatus} ${oldest.ResourceStatusReason}`,
      'REVIEW_IN_PROGRESS User Initiated',
    );
    const done = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
    assert.equal(done.ExecutionStatus, 'EXECUTE_COMPLETE');
    await assert.rejects(
      cfn.send(
        new CreateChangeSetCommand({
          StackName: 'app',
          ChangeSetName: 'again',
          ChangeSetType: 'CREATE',
          TemplateBody: template(7),
        }),
      ),
      {
        name: 'AlreadyExistsException',
        message: 'Stack [app] already exists and cannot be created again with the changeSet [again].',
      },
    );
  });

  it('an UPDATE change set (the default type) without changes fails with AWS reason', async () => {
    await cfn.send(
      new CreateChangeSetCommand({ StackName: 'app', ChangeSetName: 'same', TemplateBody: template(7) }),
    );
    const cs = await ready('same');
    assert.equal(cs.Status, 'FAILED');
    assert.equal(cs.ExecutionStatus, 'UNAVAILABLE');
    assert.equal(
      cs.StatusReason,
      "The submitted information didn't contain changes. Submit different information to create a change set.",
    );
    await assert.rejects(cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: 'same', StackName: 'app' })), {
      name: 'InvalidChangeSetStatusException',
    });
    await cfn.send(new DeleteChangeSetCommand({ ChangeSetName: 'same', StackName: 'app' }));
    await assert.rejects(
      cfn.send(new DescribeChangeSetCommand({ ChangeSetName: 'same', StackName: 'app' })),
      {
        name: 'ChangeSetNotFoundException',
        message: 'ChangeSet [same] does not exist',
      },
    );
  });

  it('UPDATE change sets list Modify and Add; executing one makes the others OBSOLETE', async () => {
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'app',
        ChangeSetName: 'longer',
        TemplateBody: template(7, true),
        Parameters: [{ ParameterKey: 'Days', ParameterValue: '14' }],
      }),
    );
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'app',
        ChangeSetName: 'previous',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Days', ParameterValue: '30' }],
      }),
    );
    const cs = await ready('longer');
    const changes = cs.Changes!.map((c) => c.ResourceChange!);
    assert.deepEqual(
      changes.map((c) => [c.Action, c.LogicalResourceId, c.Replacement]),
      [
        ['Modify', 'Logs', 'False'],
        ['Add', 'More', undefined],
      ],
    );
    assert.equal(changes[0]!.Details![0]!.Target!.Name, 'RetentionInDays');
    await ready('previous');
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: 'longer', StackName: 'app' }));
    const s = await settled('app');
    assert.equal(s.StackStatus, 'UPDATE_COMPLETE');
    assert.deepEqual(s.Parameters, [{ ParameterKey: 'Days', ParameterValue: '14' }]);
    const list = await cfn.send(new ListChangeSetsCommand({ StackName: 'app' }));
    const status = Object.fromEntries(list.Summaries!.map((x) => [x.ChangeSetName, x.ExecutionStatus]));
    assert.deepEqual(status, { first: 'EXECUTE_COMPLETE', longer: 'EXECUTE_COMPLETE', previous: 'OBSOLETE' });
  });

  it('rejects bad names the AWS way', async () => {
    await assert.rejects(
      cfn.send(
        new CreateChangeSetCommand({ StackName: 'app', ChangeSetName: '1bad', TemplateBody: template(1) }),
      ),
      {
        name: 'ValidationError',
        message:
          "1 validation error detected: Value '1bad' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*",
      },
    );
    await assert.rejects(
      cfn.send(
        new CreateChangeSetCommand({ StackName: 'nope', ChangeSetName: 'x', TemplateBody: template(1) }),
      ),
      { message: 'Stack [nope] does not exist' },
    );
  });
});
