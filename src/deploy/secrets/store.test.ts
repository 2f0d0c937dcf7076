import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PutParameterCommand } from '@aws-sdk/client-ssm';
import { GetParametersCommand, type Parameter } from '@aws-sdk/client-ssm';
import type { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { type EvaluationResult } from '@aws-sdk/client-iam';
import { checkSecretAccess, statementsJson, type IamPort } from './access.js';
import type { PlannedSecret } from './plan.js';
import { putSecrets, type SsmPort } from './store.js';

/** An in-memory Parameter Store that records the calls. */
function fakeSsm(initial: Parameter[] = []) {
  const params = new Map(initial.map((p) => [p.Name!, p]));
  const calls: string[] = [];
  const port = {
    send(command: GetParametersCommand | PutParameterCommand) {
      if (command instanceof GetParametersCommand) {
        calls.push(`GetParameters ${command.input.Names!.length} ${String(command.input.WithDecryption)}`);
        const names = command.input.Names!;
        return Promise.resolve({
          Parameters: names.flatMap((n) => (params.has(n) ? [params.get(n)!] : [])),
          InvalidParameters: names.filter((n) => !params.has(n)),
        });
      }
      const i = command.input;
      calls.push(`PutParameter ${i.Name} ${i.Type} overwrite=${String(i.Overwrite)}`);
      const version = (params.get(i.Name!)?.Version ?? 0) + 1;
      params.set(i.Name!, { Name: i.Name!, Value: i.Value!, Type: i.Type!, Version: version });
      return Promise.resolve({ Version: version });
    },
  };
  return { port: port as SsmPort, calls, params };
}

const planned = (name: string, value: string): PlannedSecret => ({
  container: 'app',
  name,
  parameterName: `/slipway/p/${name}`,
  value,
});
const OPTIONS = {
  description: () => 'by Slipway',
  arnOf: (n: string) => `arn:aws:ssm:us-east-1:1:parameter${n}`,
};

describe('putSecrets', () => {
  it('creates missing parameters as SecureStrings, reading all of them back in one call per 10', async () => {
    const ssm = fakeSsm();
    const list = Array.from({ length: 12 }, (_, i) => planned(`S${i}`, `value-${i}`));
    const { delivered, calls } = await putSecrets(ssm.port, list, OPTIONS);
    assert.deepEqual(calls, { getParameters: 2, putParameter: 12 });
    assert.equal(ssm.calls[0], 'GetParameters 10 true');
    assert.equal(ssm.calls[2], 'PutParameter /slipway/p/S0 SecureString overwrite=false');
    assert.deepEqual(delivered[0], {
      container: 'app',
      name: 'S0',
      parameterName: '/slipway/p/S0',
      valueFrom: 'arn:aws:ssm:us-east-1:1:parameter/slipway/p/S0',
      version: 1,
      written: true,
    });
  });

  it('rewrites a parameter only when its value changed', async () => {
    const ssm = fakeSsm([
      { Name: '/slipway/p/A', Value: 'same', Type: 'SecureString', Version: 4 },
      { Name: '/slipway/p/B', Value: 'old', Type: 'SecureString', Version: 2 },
    ]);
    const { delivered, calls } = await putSecrets(
      ssm.port,
      [planned('A', 'same'), planned('B', 'new')],
      OPTIONS,
    );
    assert.deepEqual(calls, { getParameters: 1, putParameter: 1 });
    assert.deepEqual(
      delivered.map((d) => [d.name, d.version, d.written]),
      [
        ['A', 4, false],
        ['B', 3, true],
      ],
    );
    assert.equal(ssm.calls[1], 'PutParameter /slipway/p/B SecureString overwrite=true');
  });

  it('refuses a parameter that is not a SecureString, and values too large, without the value', async () => {
    const ssm = fakeSsm([{ Name: '/slipway/p/A', Value: 'x', Type: 'String', Version: 1 }]);
    await assert.rejects(
      putSecrets(ssm.port, [planned('A', 'topsecret')], OPTIONS),
      (e: Error) => /not a SecureString/.test(e.message) && !e.message.includes('topsecret'),
    );
    await assert.rejects(
      putSecrets(fakeSsm().port, [planned('B', 'x'.repeat(9000))], OPTIONS),
      /over Parameter Store/,
    );
  });
});

function fakeIam(results: EvaluationResult[] | Error): IamPort & { asked: SimulatePrincipalPolicyCommand[] } {
  const asked: SimulatePrincipalPolicyCommand[] = [];
  return {
    asked,
    send(command: SimulatePrincipalPolicyCommand) {
      asked.push(command);
      if (results instanceof Error) return Promise.reject(results);
      return Promise.resolve({ EvaluationResults: results });
    },
  };
}

describe('checkSecretAccess', () => {
  const role = 'arn:aws:iam::123456789012:role/exec';
  const a = 'arn:aws:ssm:us-east-1:123456789012:parameter/slipway/a';
  const b = 'arn:aws:ssm:us-east-1:123456789012:parameter/slipway/b';

  it('allowed when every resource is allowed', async () => {
    const iam = fakeIam([
      { EvalActionName: 'ssm:GetParameters', EvalResourceName: a, EvalDecision: 'allowed' },
      { EvalActionName: 'ssm:GetParameters', EvalResourceName: b, EvalDecision: 'allowed' },
    ]);
    assert.deepEqual(await checkSecretAccess(iam, role, [a, b]), { kind: 'allowed' });
    assert.equal(iam.asked[0]!.input.PolicySourceArn, role);
    assert.deepEqual(iam.asked[0]!.input.ActionNames, ['ssm:GetParameters']);
  });

  it('an implicit deny gives the exact statement for the resources denied', async () => {
    const iam = fakeIam([
      { EvalActionName: 'ssm:GetParameters', EvalResourceName: a, EvalDecision: 'allowed' },
      { EvalActionName: 'ssm:GetParameters', EvalResourceName: b, EvalDecision: 'implicitDeny' },
    ]);
    const check = await checkSecretAccess(iam, role, [a, b]);
    assert.equal(check.kind, 'denied');
    if (check.kind !== 'denied') return;
    assert.deepEqual(JSON.parse(statementsJson(check.statements)), {
      Effect: 'Allow',
      Action: 'ssm:GetParameters',
      Resource: b,
    });
  });

  it('a simulator that cannot be asked is "unchecked", with AWS\'s reason', async () => {
    const check = await checkSecretAccess(
      fakeIam(new Error('User is not authorized to perform: iam:SimulatePrincipalPolicy')),
      role,
      [a],
    );
    assert.deepEqual(check, {
      kind: 'unchecked',
      reason: 'User is not authorized to perform: iam:SimulatePrincipalPolicy',
    });
  });
});
