/**
 * CloudFormation conformance: a stack's life (validate, create, describe, events, resources, template,
 * change sets, update, exports, delete) against moto and the sandbox. Every sandbox response must fit
 * AWS's model (botocore) and have moto's shape except the deviations listed below. moto's
 * CloudFormation creates the log group but runs no ECS tasks; the sandbox's stacks take sandbox time,
 * so the scenario waits for each operation (moto's finish at once).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  GetTemplateSummaryCommand,
  ListChangeSetsCommand,
  ListExportsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { conformanceSuite, targetsOrSkip, type Recorder } from './harness.js';
import { clientConfig, errorName, operationDeclaresError, type Deviation, type Target } from './support.js';

const template = (retention: number) =>
  JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'conformance',
    Parameters: { Retention: { Type: 'Number', Default: String(retention), Description: 'days' } },
    Resources: {
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: { Ref: 'Retention' } } },
    },
    Outputs: { Group: { Value: { Ref: 'Logs' }, Export: { Name: 'conformance-group' } } },
  });

function client(target: Target): CloudFormationClient {
  return new CloudFormationClient(clientConfig(target));
}

/** Waits until the stack (or change set) is no longer in progress; not recorded. */
async function settle(cfn: CloudFormationClient, stack: string): Promise<string> {
  for (let i = 0; i < 1000; i++) {
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks![0]!;
    if (!s.StackStatus!.endsWith('_IN_PROGRESS')) return s.StackStatus!;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`stack ${stack} did not settle`);
}

async function changeSetReady(cfn: CloudFormationClient, name: string, stack: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const cs = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: name, StackName: stack }));
    if (cs.Status === 'CREATE_COMPLETE' || cs.Status === 'FAILED') return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function lifecycle(r: Recorder): Promise<void> {
  const cfn = client(r.target);
  await r.record(
    'ValidateTemplate',
    'ValidateTemplate',
    cfn.send(new ValidateTemplateCommand({ TemplateBody: template(7) })),
  );
  const created = await r.record(
    'CreateStack',
    'CreateStack',
    cfn.send(
      new CreateStackCommand({
        StackName: 'conformance',
        TemplateBody: template(7),
        Tags: [{ Key: 'team', Value: 'platform' }],
      }),
    ),
  );
  r.expect(
    'stack id is an ARN',
    /^arn:aws:cloudformation:us-east-1:\d{12}:stack\/conformance\//.test(created.StackId ?? ''),
    true,
  );
  r.expect('create ends CREATE_COMPLETE', await settle(cfn, 'conformance'), 'CREATE_COMPLETE');
  const stacks = await r.record(
    'DescribeStacks',
    'DescribeStacks',
    cfn.send(new DescribeStacksCommand({ StackName: 'conformance' })),
  );
  r.expect('parameters', stacks.Stacks?.[0]?.Parameters, [
    { ParameterKey: 'Retention', ParameterValue: '7' },
  ]);
  r.expect('tags', stacks.Stacks?.[0]?.Tags, [{ Key: 'team', Value: 'platform' }]);
  const events = await r.record(
    'DescribeStackEvents',
    'DescribeStackEvents',
    cfn.send(new DescribeStackEventsCommand({ StackName: 'conformance' })),
  );
  const newest = events.StackEvents?.[0];
  r.expect(
    'newest event is the stack complete',
    [newest?.LogicalResourceId, newest?.ResourceStatus],
    ['conformance', 'CREATE_COMPLETE'],
  );
  await r.record(
    'DescribeStackResources',
    'DescribeStackResources',
    cfn.send(new DescribeStackResourcesCommand({ StackName: 'conformance' })),
  );
  await r.record(
    'DescribeStackResource',
    'DescribeStackResource',
    cfn.send(new DescribeStackResourceCommand({ StackName: 'conformance', LogicalResourceId: 'Logs' })),
  );
  await r.record(
    'ListStackResources',
    'ListStackResources',
    cfn.send(new ListStackResourcesCommand({ StackName: 'conformance' })),
  );
  await r.record('ListStacks', 'ListStacks', cfn.send(new ListStacksCommand({})));
  const body = await r.record(
    'GetTemplate',
    'GetTemplate',
    cfn.send(new GetTemplateCommand({ StackName: 'conformance' })),
  );
  r.expect('template as submitted', body.TemplateBody, template(7));
  await r.record(
    'GetTemplateSummary',
    'GetTemplateSummary',
    cfn.send(new GetTemplateSummaryCommand({ StackName: 'conformance' })),
  );
  await r.record('ListExports', 'ListExports', cfn.send(new ListExportsCommand({})));
  const cs = await r.record(
    'CreateChangeSet',
    'CreateChangeSet',
    cfn.send(
      new CreateChangeSetCommand({
        StackName: 'conformance',
        ChangeSetName: 'longer',
        TemplateBody: template(14),
      }),
    ),
  );
  await changeSetReady(cfn, 'longer', 'conformance');
  const described = await r.record(
    'DescribeChangeSet',
    'DescribeChangeSet',
    cfn.send(new DescribeChangeSetCommand({ ChangeSetName: cs.Id })),
  );
  r.expect(
    'change set complete',
    [described.Status, described.ExecutionStatus],
    ['CREATE_COMPLETE', 'AVAILABLE'],
  );
  r.expect(
    'change set modifies the log group in place',
    described.Changes?.map((c) => [c.ResourceChange?.Action, c.ResourceChange?.LogicalResourceId]),
    [['Modify', 'Logs']],
  );
  await r.record(
    'ListChangeSets',
    'ListChangeSets',
    cfn.send(new ListChangeSetsCommand({ StackName: 'conformance' })),
  );
  await r.record(
    'ExecuteChangeSet',
    'ExecuteChangeSet',
    cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: cs.Id })),
  );
  r.expect('change set update ends UPDATE_COMPLETE', await settle(cfn, 'conformance'), 'UPDATE_COMPLETE');
  await r.record(
    'UpdateStack',
    'UpdateStack',
    cfn.send(new UpdateStackCommand({ StackName: 'conformance', TemplateBody: template(30) })),
  );
  r.expect('update ends UPDATE_COMPLETE', await settle(cfn, 'conformance'), 'UPDATE_COMPLETE');
  await r.record(
    'DeleteStack',
    'DeleteStack',
    cfn.send(new DeleteStackCommand({ StackName: 'conformance' })),
  );
  let status = 'DELETE_IN_PROGRESS';
  for (let i = 0; i < 500 && status === 'DELETE_IN_PROGRESS'; i++) {
    const s = await cfn.send(new DescribeStacksCommand({ StackName: created.StackId }));
    status = s.Stacks?.[0]?.StackStatus ?? '';
    if (status === 'DELETE_IN_PROGRESS') await new Promise((res) => setTimeout(res, 20));
  }
  r.expect('deleted by id', status, 'DELETE_COMPLETE');
}

/** A member the sandbox returns as AWS does, and moto leaves out. */
const sandboxOnly = (call: string, path: string, reason: string): Deviation => ({
  call,
  path,
  side: 'sandboxOnly',
  follows: 'sandbox',
  reason,
});

const DRIFT =
  'AWS returns DriftInformation with status NOT_CHECKED on every stack and resource (LocalStack snapshots of AWS); moto omits it';
const STAMP = 'LastUpdatedTimestamp is a required member of the AWS model; moto omits it';

/** Expected, documented differences (see docs/conformance.md); `follows: 'moto'` rows are sandbox bugs. */
const DEVIATIONS: readonly Deviation[] = [
  sandboxOnly(
    'ValidateTemplate',
    'Parameters[]',
    "moto's ValidateTemplate lists no parameters; AWS lists the template's",
  ),
  sandboxOnly('DescribeStacks', 'Stacks[].DriftInformation', DRIFT),
  sandboxOnly(
    'DescribeStacks',
    'Stacks[].RollbackConfiguration',
    'AWS returns an empty RollbackConfiguration (LocalStack snapshots of AWS); moto omits it',
  ),
  sandboxOnly(
    'DescribeStackEvents',
    'StackEvents[].ResourceProperties',
    "AWS returns each resource event's resolved properties as JSON; moto omits them",
  ),
  sandboxOnly('DescribeStackResources', 'StackResources[].DriftInformation', DRIFT),
  sandboxOnly('DescribeStackResource', 'StackResourceDetail.DriftInformation', DRIFT),
  sandboxOnly('DescribeStackResource', 'StackResourceDetail.LastUpdatedTimestamp', STAMP),
  sandboxOnly('ListStackResources', 'StackResourceSummaries[].DriftInformation', DRIFT),
  sandboxOnly('ListStackResources', 'StackResourceSummaries[].LastUpdatedTimestamp', STAMP),
  sandboxOnly('ListStacks', 'StackSummaries[].DriftInformation', DRIFT),
  sandboxOnly(
    'GetTemplate',
    'StagesAvailable',
    'AWS returns StagesAvailable [Original, Processed]; moto omits it',
  ),
  sandboxOnly(
    'GetTemplateSummary',
    'DeclaredTransforms',
    'AWS returns the declared transforms (an empty list here); moto omits them',
  ),
  ...['Details', 'PhysicalResourceId', 'Replacement', 'Scope'].map((m) =>
    sandboxOnly(
      'DescribeChangeSet',
      `Changes[].ResourceChange.${m}`,
      'a change of RetentionInDays modifies the log group in place (Action Modify with its details); moto reports it as Add',
    ),
  ),
  sandboxOnly(
    'DescribeChangeSet',
    'IncludeNestedStacks',
    'AWS returns IncludeNestedStacks false (LocalStack snapshots of AWS); moto omits it',
  ),
  sandboxOnly(
    'ListChangeSets',
    'Summaries[].IncludeNestedStacks',
    'AWS returns IncludeNestedStacks false; moto omits it',
  ),
  sandboxOnly(
    'DescribeChangeSet',
    'Parameters[]',
    "AWS lists the change set's parameter values; moto lists none",
  ),
  sandboxOnly(
    'DescribeChangeSet',
    'RollbackConfiguration',
    'AWS returns an empty RollbackConfiguration (LocalStack snapshots of AWS); moto omits it',
  ),
  sandboxOnly(
    'DescribeChangeSet',
    'Tags[]',
    "an UPDATE change set without Tags keeps the stack's tags and lists them (unverified on AWS); moto lists none",
  ),
];

conformanceSuite({
  name: 'CloudFormation: sandbox vs moto',
  service: 'cloudformation',
  deviations: DEVIATIONS,
  scenarios: [{ title: 'a stack: validate, create, describe, change set, update, delete', run: lifecycle }],
  extra: (pair) => {
    it('error names match AWS on both sides', async (t) => {
      const targets = targetsOrSkip(t, pair());
      if (!targets) return;
      const names = async (target: Target): Promise<string[]> => {
        const cfn = client(target);
        return [
          await errorName(cfn.send(new DescribeStacksCommand({ StackName: 'no-such-stack' }))),
          await errorName(
            cfn.send(
              new DescribeChangeSetCommand({
                ChangeSetName: 'arn:aws:cloudformation:us-east-1:000000000000:changeSet/x/y',
              }),
            ),
          ),
        ];
      };
      const [sandbox, moto] = await Promise.all([names(targets.sandbox), names(targets.moto)]);
      assert.deepEqual(sandbox, ['ValidationError', 'ChangeSetNotFoundException'], 'sandbox');
      t.diagnostic(`moto: ${moto.join(', ')}`);
      const declared = operationDeclaresError(
        'cloudformation',
        'DescribeChangeSet',
        'ChangeSetNotFoundException',
      );
      if (declared !== undefined) assert.ok(declared);
    });
  },
});
