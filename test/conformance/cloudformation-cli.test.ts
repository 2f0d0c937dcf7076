/**
 * `aws cloudformation deploy` (AWS CLI v1) against the sandbox: create through a change set, a re-run
 * without changes, events, delete and the delete waiter. The CLI's waiters poll every 5–30 real
 * seconds, so the sandbox runs fast enough that every stack settles before their first poll.
 * Skips when `aws` is not on the machine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { AWS_CLI, runAwsCli, type CliResult } from '../helpers/aws-cli.js';

const AWS = AWS_CLI;

/** Waits for the next wall-clock second. */
function nextSecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
}

/**
 * A role (needs CAPABILITY_IAM), a log group and a task definition, independent of each other so
 * that they are made in parallel: one timer hop of the sandbox clock, no tasks to wait for.
 */
const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Retention:
    Type: Number
    Default: 7
Resources:
  TaskExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      Path: /
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: [ecs-tasks.amazonaws.com] }
            Action: ['sts:AssumeRole']
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: !Ref Retention
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: cli-web
      Cpu: '256'
      Memory: '512'
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions:
        - Name: web
          Image: nginx:1.27
          Essential: true
`;

describe('aws cloudformation deploy against the sandbox', () => {
  let sb: SandboxHandle | undefined;
  let dir = '';
  before(async () => {
    if (!AWS) return;
    // The CLI asks for the stack's status about 3 ms after ExecuteChangeSet and then waits 30 s: at
    // the fastest time scale, without the stack's start and finish delays, the stack is done by then.
    sb = await startSandbox({ port: 0, throttling: false, timeScale: 100_000 });
    const settings = await fetch(`${sb.endpoint}/_sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timings: { cfnStackSeconds: 0, cfnChangeSetSeconds: 0 } }),
    });
    assert.equal(settings.status, 200, await settings.text());
    dir = mkdtempSync(join(tmpdir(), 'slipway-cfn-cli-'));
    writeFileSync(join(dir, 'stack.yaml'), TEMPLATE);
  });
  after(async () => {
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function aws(...args: string[]): Promise<CliResult> {
    if (!sb || !AWS) throw new Error('no sandbox');
    return runAwsCli({ ...sb, timeoutMs: 60_000 }, ...args);
  }

  const deploy = (...more: string[]) =>
    aws(
      'cloudformation',
      'deploy',
      '--template-file',
      join(dir, 'stack.yaml'),
      '--stack-name',
      'cli-stack',
      '--capabilities',
      'CAPABILITY_IAM',
      ...more,
    );

  it('creates a stack, then reports "No changes to deploy" on a re-run', async (t) => {
    if (!AWS) return t.skip('aws CLI not found on PATH');
    const created = await deploy();
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Waiting for changeset to be created\.\./);
    assert.match(created.stdout, /Successfully created\/updated stack - cli-stack/);
    // The CLI names change sets after the epoch second: a re-run within the same second collides
    // with the previous one (as on AWS), so each run starts in a new second.
    await nextSecond();
    const again = await deploy();
    assert.equal(again.code, 255);
    assert.match(again.stdout + again.stderr, /No changes to deploy\. Stack cli-stack is up to date/);
    await nextSecond();
    const tolerated = await deploy('--no-fail-on-empty-changeset');
    assert.equal(tolerated.code, 0, tolerated.stderr);
    await nextSecond();
    const updated = await deploy('--parameter-overrides', 'Retention=14');
    assert.equal(updated.code, 0, updated.stderr);
    const stacks = JSON.parse(
      (await aws('cloudformation', 'describe-stacks', '--stack-name', 'cli-stack')).stdout,
    ) as {
      Stacks: { StackStatus: string; Parameters: { ParameterKey: string; ParameterValue: string }[] }[];
    };
    assert.equal(stacks.Stacks[0]?.StackStatus, 'UPDATE_COMPLETE');
    assert.deepEqual(stacks.Stacks[0]?.Parameters, [{ ParameterKey: 'Retention', ParameterValue: '14' }]);
  });

  it('describe-stack-events lists the events newest first', async (t) => {
    if (!AWS) return t.skip('aws CLI not found on PATH');
    const r = await aws('cloudformation', 'describe-stack-events', '--stack-name', 'cli-stack');
    assert.equal(r.code, 0, r.stderr);
    const events = (
      JSON.parse(r.stdout) as { StackEvents: { LogicalResourceId: string; ResourceStatus: string }[] }
    ).StackEvents;
    assert.deepEqual(
      [events[0]?.LogicalResourceId, events[0]?.ResourceStatus],
      ['cli-stack', 'UPDATE_COMPLETE'],
    );
    const last = events[events.length - 1];
    assert.deepEqual([last?.LogicalResourceId, last?.ResourceStatus], ['cli-stack', 'REVIEW_IN_PROGRESS']);
  });

  it('delete-stack and wait stack-delete-complete', async (t) => {
    if (!AWS) return t.skip('aws CLI not found on PATH');
    const deleted = await aws('cloudformation', 'delete-stack', '--stack-name', 'cli-stack');
    assert.equal(deleted.code, 0, deleted.stderr);
    const waited = await aws('cloudformation', 'wait', 'stack-delete-complete', '--stack-name', 'cli-stack');
    assert.equal(waited.code, 0, waited.stderr);
    const gone = await aws('cloudformation', 'describe-stacks', '--stack-name', 'cli-stack');
    assert.equal(gone.code, 255);
    assert.match(gone.stderr, /\(ValidationError\).*Stack with id cli-stack does not exist/);
  });
});
