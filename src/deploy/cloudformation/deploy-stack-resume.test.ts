import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../../core/errors.js';
import {
  CFN_SCALE,
  CFN_SKIP,
  logGroupTemplate,
  recorder,
  stackSandbox,
} from '../../../test/kits/cloudformation.js';
import type { StackOperation } from './index.js';

describe('deployStack: resume, timeout and cancel, against the sandbox', { skip: CFN_SKIP }, () => {
  const f = stackSandbox();
  const { name, calls, deploy } = f;

  it('resumes with a saved token: re-attaches, never sends a second CreateStack', async () => {
    const stackName = name();
    const body = logGroupTemplate(`/cfn/${stackName}`);
    const died = new AbortController();
    let saved: StackOperation | undefined;
    const creates = calls('CreateStack');
    await assert.rejects(
      deploy(
        { stackName, templateBody: body },
        {
          signal: died.signal,
          starting: (op) => void (saved = op),
          started: () => died.abort(new Error('node died')),
        },
      ),
      /node died/,
    );
    assert.equal(calls('CreateStack'), creates + 1);
    const r = recorder();
    const res = await deploy(
      { stackName, templateBody: body, resume: { kind: 'create', token: saved!.token } },
      r.hooks,
    );
    assert.equal(res.outcome, 'created');
    assert.equal(calls('CreateStack'), creates + 1, 'no second CreateStack');
    assert.equal(calls('UpdateStack') >= 0, true);
    assert.equal(r.starting.length, 0, 'nothing new sent');
    assert.ok(r.events.some((e) => e.code === 'cfn.operation-started' && e.data.attached === true));
  });

  it('resumes an update: waits on it instead of sending another', async () => {
    const stackName = name();
    await deploy({ stackName, templateBody: logGroupTemplate(`/cfn/${stackName}`) });
    const died = new AbortController();
    let saved: StackOperation | undefined;
    const body = logGroupTemplate(`/cfn/${stackName}`, {}, 30);
    await assert.rejects(
      deploy(
        { stackName, templateBody: body },
        {
          signal: died.signal,
          starting: (op) => void (saved = op),
          started: () => died.abort(new Error('node died')),
        },
      ),
      /node died/,
    );
    const updates = calls('UpdateStack');
    const res = await deploy({
      stackName,
      templateBody: body,
      resume: { kind: 'update', token: saved!.token, stackId: saved!.stackId! },
    });
    assert.equal(res.outcome, 'updated');
    assert.equal(calls('UpdateStack'), updates, 'no second UpdateStack');
  });

  it('resumes after the token was saved but the call never went out: sends it then', async () => {
    const stackName = name();
    const body = logGroupTemplate(`/cfn/${stackName}`);
    let saved: StackOperation | undefined;
    const creates = calls('CreateStack');
    await assert.rejects(
      deploy(
        { stackName, templateBody: body },
        {
          starting: (op) => {
            saved = op;
            throw new Error('node died');
          },
        },
      ),
      /node died/,
    );
    assert.equal(calls('CreateStack'), creates);
    const res = await deploy({
      stackName,
      templateBody: body,
      resume: { kind: 'create', token: saved!.token },
    });
    assert.equal(res.outcome, 'created');
    assert.equal(calls('CreateStack'), creates + 1);
  });

  it('a wait that runs out fails with a clear timeout; cancel stops at once', async () => {
    const stackName = name();
    f.sb.runtime.clock.setTimeScale(0.001);
    try {
      await assert.rejects(
        deploy({ stackName, templateBody: logGroupTemplate(`/cfn/${stackName}`), timeoutSeconds: 0.3 }),
        (e: unknown) => {
          assert.ok(e instanceof SlipwayError);
          assert.equal(e.code, 'CLOUDFORMATION_TIMEOUT');
          assert.match(
            e.message,
            new RegExp(`Timed out after 0.3 seconds waiting for CloudFormation stack ${stackName}`),
          );
          assert.match(e.message, /CREATE_IN_PROGRESS/);
          return true;
        },
      );
      const cancel = new AbortController();
      const waiting = deploy(
        { stackName, templateBody: logGroupTemplate(`/cfn/${stackName}`) },
        {
          signal: cancel.signal,
          progress: (e) => {
            if (e.code === 'cfn.waiting') cancel.abort(new Error('canceled'));
          },
        },
      );
      await assert.rejects(waiting, /canceled/);
      const describes = calls('DescribeStacks');
      await new Promise((res) => setTimeout(res, 200));
      assert.equal(calls('DescribeStacks'), describes, 'no call after the abort');
    } finally {
      f.sb.runtime.clock.setTimeScale(CFN_SCALE);
    }
  });
});
