import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../errors.js';
import { actionMatches, evaluate, parsePolicy, resourceMatches, type PolicySource } from './evaluate.js';

function source(id: string, statements: unknown[]): PolicySource {
  return {
    id,
    type: 'role',
    document: parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements })),
  };
}

const PARAM = 'arn:aws:ssm:us-east-1:111111111111:parameter/app/prod/db';

describe('the policy evaluator', () => {
  it('matches actions case-insensitively and resources case-sensitively, with * and ?', () => {
    const table: [string, string, boolean][] = [
      ['ssm:GetParameters', 'ssm:GetParameters', true],
      ['ssm:getparameters', 'ssm:GetParameters', true],
      ['ssm:Get*', 'ssm:GetParameters', true],
      ['ssm:GetParameter?', 'ssm:GetParameters', true],
      ['ssm:GetParameter', 'ssm:GetParameters', false],
      ['*', 'secretsmanager:GetSecretValue', true],
      ['s3:*', 'ssm:GetParameters', false],
    ];
    for (const [p, a, want] of table) assert.equal(actionMatches(p, a), want, `${p} ~ ${a}`);
    assert.ok(resourceMatches('arn:aws:ssm:*:*:parameter/app/*', PARAM));
    assert.ok(resourceMatches('arn:aws:ssm:us-east-1:111111111111:parameter/app/prod/d?', PARAM));
    assert.ok(!resourceMatches('arn:aws:ssm:us-east-1:111111111111:parameter/App/*', PARAM));
    assert.ok(!resourceMatches('arn:aws:ssm:us-east-1:111111111111:parameter/app', PARAM));
  });

  it('allowed, implicitDeny and explicitDeny (deny wins), with NotAction and NotResource', () => {
    const allow = source('allow', [
      { Effect: 'Allow', Action: ['ssm:GetParameter*'], Resource: 'arn:aws:ssm:*:*:parameter/app/*' },
    ]);
    assert.equal(evaluate([allow], 'ssm:GetParameters', PARAM).decision, 'allowed');
    assert.equal(evaluate([allow], 'ssm:PutParameter', PARAM).decision, 'implicitDeny');
    assert.equal(evaluate([], 'ssm:GetParameters', PARAM).decision, 'implicitDeny');
    const deny = source('deny', [{ Effect: 'Deny', Action: 'ssm:*', Resource: '*/prod/*' }]);
    const both = evaluate([allow, deny], 'ssm:GetParameters', PARAM);
    assert.equal(both.decision, 'explicitDeny');
    assert.deepEqual(
      both.matched.map((m) => m.source.id),
      ['deny'],
    );
    const notAction = source('na', [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]);
    assert.equal(evaluate([notAction], 'ssm:GetParameters', PARAM).decision, 'allowed');
    assert.equal(evaluate([notAction], 'iam:PassRole', '*').decision, 'implicitDeny');
    const notResource = source('nr', [
      { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:ssm:*:*:parameter/app/*' },
    ]);
    assert.equal(evaluate([allow, notResource], 'ssm:GetParameters', PARAM).decision, 'allowed');
    assert.equal(
      evaluate([allow, notResource], 'ssm:GetParameters', 'arn:aws:ssm:us-east-1:1:parameter/x').decision,
      'explicitDeny',
    );
  });

  it('a statement with a Condition does not apply; its keys are missing context', () => {
    const conditioned = source('c', [
      {
        Effect: 'Allow',
        Action: 'ssm:*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/team': 'web' } },
      },
    ]);
    const e = evaluate([conditioned], 'ssm:GetParameters', PARAM);
    assert.equal(e.decision, 'implicitDeny');
    assert.deepEqual(e.missingContext, ['aws:PrincipalTag/team']);
  });

  it('refuses malformed documents with IAM’s messages', () => {
    const cases: [string, RegExp][] = [
      ['{nope', /invalid Json/],
      ['{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}', /Syntax errors/],
      ['{"Statement":[{"Effect":"Allow","Resource":"*"}]}', /must contain actions/],
      ['{"Statement":[{"Effect":"Allow","Action":"*"}]}', /must contain resources/],
      ['{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}]}', /principal/],
      [
        '{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        /legacy parsing/,
      ],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parsePolicy(text),
        (e: unknown) =>
          e instanceof AwsError && e.code === 'MalformedPolicyDocument' && message.test(e.message),
        text,
      );
    }
  });
});
