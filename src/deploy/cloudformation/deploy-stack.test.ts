import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateChangeSetCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { SlipwayError } from '../../core/errors.js';
import {
  CFN_SCALE,
  CFN_SKIP,
  logGroupTemplate,
  recorder,
  ROLE_RESOURCE,
  stackSandbox,
} from '../../../test/kits/cloudformation.js';
import { deleteStack, type StackEventInfo } from './index.js';

describe('deployStack / deleteStack against the sandbox', { skip: CFN_SKIP }, () => {
  const f = stackSandbox();
  const { name, calls, deploy } = f;

  it('creates a stack: token told before the call, outputs, resources, and only our events, oldest first', async () => {
    const stackName = name();
    let createsWhenTold = -1;
    const r = recorder({ starting: () => void (createsWhenTold = calls('CreateStack')) });
    const before = calls('CreateStack');
    const res = await deploy(
      {
        stackName,
        templateBody: logGroupTemplate(`/cfn/${stackName}`, ROLE_RESOURCE),
        capabilities: ['CAPABILITY_IAM'],
        tags: [{ key: 'team', value: 'web' }],
      },
      {
        ...r.hooks,
        starting: (op) => {
          createsWhenTold = calls('CreateStack');
          r.starting.push(op);
        },
      },
    );
    assert.equal(createsWhenTold, before, 'the token is told before CreateStack is sent');
    assert.equal(res.outcome, 'created');
    assert.equal(res.status, 'CREATE_COMPLETE');
    assert.match(res.stackId, /^arn:aws:cloudformation:us-east-1:\d{12}:stack\/stack-\d+\//);
    assert.equal(res.outputs.LogGroupName, `/cfn/${stackName}`);
    assert.match(res.outputs.LogGroupArn ?? '', /^arn:aws:logs:/);
    assert.deepEqual(res.resources.map((x) => x.logicalResourceId).sort(), ['Logs', 'Role']);
    const token = r.starting[0]!.token;
    assert.ok(res.events.length >= 4 && res.events.every((e) => e.token === token));
    assert.equal(res.events[0]!.status, 'CREATE_IN_PROGRESS');
    assert.equal(res.events.at(-1)!.status, 'CREATE_COMPLETE');
    assert.equal(res.events.at(-1)!.resourceType, 'AWS::CloudFormation::Stack');
    const stackEvents = r.events.filter((e) => e.code === 'cfn.stack-event');
    assert.equal(stackEvents.length, res.events.length, 'each event reported once');
    assert.deepEqual(
      r.codes().filter((c) => c !== 'cfn.stack-event'),
      ['cfn.operation-started', 'cfn.stack-finished'],
    );
  });

  it('an update with nothing to change succeeds with the stack id, no-change', async () => {
    const stackName = name();
    const body = logGroupTemplate(`/cfn/${stackName}`);
    const created = await deploy({ stackName, templateBody: body });
    const updates = calls('UpdateStack');
    const r = recorder();
    const res = await deploy({ stackName, templateBody: body }, r.hooks);
    assert.equal(res.outcome, 'no-change');
    assert.equal(res.stackId, created.stackId);
    assert.equal(res.outputs.LogGroupName, `/cfn/${stackName}`);
    assert.equal(calls('UpdateStack'), updates + 1);
    assert.ok(r.codes().includes('cfn.no-change'));
    assert.ok(!r.codes().includes('cfn.stack-event'));
  });

  it('a failed update fails with this operation’s events only, oldest first; the next deploy updates', async () => {
    const stackName = name();
    const taken = `/taken/${stackName}`;
    await f.clients.logs.send(new CreateLogGroupCommand({ logGroupName: taken }));
    await deploy({ stackName, templateBody: logGroupTemplate(`/cfn/${stackName}`) });
    const r = recorder();
    const bad = logGroupTemplate(`/cfn/${stackName}`, {
      Taken: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: taken } },
    });
    const err = await deploy({ stackName, templateBody: bad }, r.hooks).then(
      () => assert.fail('the update must fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SlipwayError);
    assert.equal(err.code, 'CLOUDFORMATION_STACK_FAILED');
    assert.equal(err.data.status, 'UPDATE_ROLLBACK_COMPLETE');
    assert.match(err.message, /already exists/);
    const token = r.starting.at(-1)!.token;
    const events = err.data.events as StackEventInfo[];
    assert.ok(events.length > 0);
    assert.ok(
      events.every((e) => e.token === token && e.reason),
      'only this update’s events, with reasons',
    );
    assert.ok(
      !events.some((e) => e.logicalResourceId === 'Logs' && e.status === 'CREATE_COMPLETE'),
      'nothing of the stack’s create',
    );
    assert.ok(events.some((e) => e.logicalResourceId === 'Taken' && e.status === 'CREATE_FAILED'));
    const times = events.map((e) => e.timestamp);
    assert.deepEqual([...times].sort(), times, 'oldest first');
    const listed = r.events.filter((e) => e.code === 'cfn.failure-event');
    assert.equal(listed.length, events.length);
    const finished = r.events.find((e) => e.code === 'cfn.stack-finished');
    assert.equal(finished?.level, 'error');

    const next = await deploy({ stackName, templateBody: logGroupTemplate(`/cfn/${stackName}`, {}, 7) });
    assert.equal(next.outcome, 'updated');
  });

  it('a stack in ROLLBACK_COMPLETE is deleted and created again (a new stack id)', async () => {
    const stackName = name();
    const taken = `/taken/${stackName}`;
    await f.clients.logs.send(new CreateLogGroupCommand({ logGroupName: taken }));
    const first = await deploy({ stackName, templateBody: logGroupTemplate(taken) }).then(
      () => assert.fail('the create must fail'),
      (e: unknown) => e as SlipwayError,
    );
    assert.equal(first.code, 'CLOUDFORMATION_STACK_FAILED');
    assert.equal(first.data.status, 'ROLLBACK_COMPLETE');
    const deletes = calls('DeleteStack');
    const r = recorder();
    const res = await deploy({ stackName, templateBody: logGroupTemplate(`/cfn/${stackName}`) }, r.hooks);
    assert.equal(res.outcome, 'created');
    assert.notEqual(res.stackId, first.data.stackId);
    assert.equal(calls('DeleteStack'), deletes + 1);
    assert.deepEqual(
      r.starting.map((o) => o.kind),
      ['delete', 'create'],
    );
  });

  it('a create that failed with rollback disabled (CREATE_FAILED) is deleted and created again', async () => {
    const stackName = name();
    const taken = `/taken/${stackName}`;
    await f.clients.logs.send(new CreateLogGroupCommand({ logGroupName: taken }));
    const body = logGroupTemplate(`/cfn/${stackName}`, {
      Taken: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: taken } },
    });
    const failed = await deploy({ stackName, templateBody: body, disableRollback: true }).then(
      () => assert.fail('the create must fail'),
      (e: unknown) => e as SlipwayError,
    );
    assert.equal(failed.data.status, 'CREATE_FAILED');
    const r = recorder();
    const res = await deploy({ stackName, templateBody: logGroupTemplate(`/cfn/${stackName}`) }, r.hooks);
    assert.equal(res.outcome, 'created');
    assert.deepEqual(
      r.starting.map((o) => o.kind),
      ['delete', 'create'],
    );
  });

  it('waits for an operation in flight, then updates', async () => {
    const stackName = name();
    f.sb.runtime.clock.setTimeScale(0.001);
    try {
      const started = await deploy({
        stackName,
        templateBody: logGroupTemplate(`/cfn/${stackName}`),
        wait: false,
      });
      assert.equal(started.outcome, 'started');
      assert.equal(started.status, 'CREATE_IN_PROGRESS');
      const r = recorder();
      const updating = deploy(
        { stackName, templateBody: logGroupTemplate(`/cfn/${stackName}`, {}, 14) },
        r.hooks,
      );
      while (!r.codes().includes('cfn.waiting')) await new Promise((res) => setTimeout(res, 10));
      assert.equal(r.starting.length, 0, 'nothing sent while the create runs');
      f.sb.runtime.clock.setTimeScale(CFN_SCALE);
      const res = await updating;
      assert.equal(res.outcome, 'updated');
      assert.deepEqual(
        r.starting.map((o) => o.kind),
        ['update'],
      );
    } finally {
      f.sb.runtime.clock.setTimeScale(CFN_SCALE);
    }
  });

  it('a stack that fails before the first poll still fails the deploy', async () => {
    const stackName = name();
    const taken = `/taken/${stackName}`;
    await f.clients.logs.send(new CreateLogGroupCommand({ logGroupName: taken }));
    let statusAtFirstPoll = '';
    const err = await deploy(
      { stackName, templateBody: logGroupTemplate(taken) },
      {
        started: async (op) => {
          // Everything happens before the deployer's first look.
          f.sb.runtime.clock.advance(120_000);
          const d = await f.clients.cloudformation.send(new DescribeStacksCommand({ StackName: op.stackId }));
          statusAtFirstPoll = d.Stacks?.[0]?.StackStatus ?? '';
        },
      },
    ).then(
      () => assert.fail('must fail'),
      (e: unknown) => e as SlipwayError,
    );
    assert.equal(statusAtFirstPoll, 'ROLLBACK_COMPLETE');
    assert.equal(err.code, 'CLOUDFORMATION_STACK_FAILED');
    assert.equal(err.data.status, 'ROLLBACK_COMPLETE');
  });

  it('without the capability the template needs: refused with AWS’s words', async () => {
    const stackName = name();
    await assert.rejects(
      deploy({ stackName, templateBody: logGroupTemplate(`/cfn/${stackName}`, ROLE_RESOURCE) }),
      (e: unknown) => {
        assert.ok(e instanceof SlipwayError);
        assert.equal(e.code, 'CLOUDFORMATION_REFUSED');
        assert.match(e.message, /Requires capabilities : \[CAPABILITY_IAM\]/);
        assert.match(e.message, /Add the named capability/);
        return true;
      },
    );
  });

  it('a stack left in REVIEW_IN_PROGRESS with no resources is deleted, then created', async () => {
    const stackName = name();
    await f.clients.cloudformation.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: 'never-executed',
        ChangeSetType: 'CREATE',
        TemplateBody: logGroupTemplate(`/cfn/${stackName}`),
      }),
    );
    const r = recorder();
    const res = await deploy({ stackName, templateBody: logGroupTemplate(`/cfn/${stackName}`) }, r.hooks);
    assert.equal(res.outcome, 'created');
    assert.deepEqual(
      r.starting.map((o) => o.kind),
      ['delete', 'create'],
    );
  });

  it('deletes a stack and waits; a missing stack is success', async () => {
    const stackName = name();
    await deploy({ stackName, templateBody: logGroupTemplate(`/cfn/${stackName}`) });
    const r = recorder();
    const res = await deleteStack({ stackName, pollSeconds: 0.05 }, f.clients, r.hooks);
    assert.equal(res.outcome, 'deleted');
    assert.equal(res.events.at(-1)?.status, 'DELETE_COMPLETE');
    assert.deepEqual(
      r.starting.map((o) => o.kind),
      ['delete'],
    );
    const deletes = calls('DeleteStack');
    const again = await deleteStack({ stackName, pollSeconds: 0.05 }, f.clients);
    assert.equal(again.outcome, 'absent');
    assert.equal(calls('DeleteStack'), deletes, 'nothing to send');
  });
});
