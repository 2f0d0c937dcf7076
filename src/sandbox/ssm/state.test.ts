/** Parameters, secrets and inline role policies survive a state file; their damaged parts are refused. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CreateRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startSandbox } from '../index.js';
import { stateProblem } from '../state-schema.js';
import { emptyRegion } from '../world.js';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameters', Resource: '*' }],
});

function account(region: Record<string, unknown>): Record<string, unknown> {
  return {
    id: '000000000000',
    name: 'default',
    accessKeys: [],
    iam: { roles: {} },
    regions: { 'us-east-1': { ...emptyRegion(), ...region } },
  };
}

function world(acct: Record<string, unknown>): Record<string, unknown> {
  return {
    nextId: 1,
    accounts: { '000000000000': acct },
    sessions: {},
    ecrTokens: {},
    settings: {
      throttling: true,
      strictPulls: false,
      knownImages: [],
      timings: {},
      imageFaults: [],
      apiFaults: [],
    },
  };
}

describe('SSM, Secrets Manager and IAM policies in the state file', () => {
  it('are saved and loaded back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'slipway-ssm-state-')), 'state.json');
    let sb = await startSandbox({ port: 0, stateFile: file, throttling: false });
    const config = () => ({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    await new SSMClient(config()).send(
      new PutParameterCommand({ Name: '/p', Value: 'secret', Type: 'SecureString' }),
    );
    await new SecretsManagerClient(config()).send(new CreateSecretCommand({ Name: 's', SecretString: 'v' }));
    const iam = new IAMClient(config());
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: '{}' }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: POLICY }));
    await sb.close();
    assert.equal(stateProblem(JSON.parse(readFileSync(file, 'utf8'))), undefined);

    sb = await startSandbox({ port: 0, stateFile: file, throttling: false });
    try {
      const p = await new SSMClient(config()).send(
        new GetParameterCommand({ Name: '/p', WithDecryption: true }),
      );
      assert.equal(p.Parameter?.Value, 'secret');
      const s = await new SecretsManagerClient(config()).send(new GetSecretValueCommand({ SecretId: 's' }));
      assert.equal(s.SecretString, 'v');
      const pol = await new IAMClient(config()).send(
        new GetRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' }),
      );
      assert.deepEqual(JSON.parse(decodeURIComponent(pol.PolicyDocument ?? '')), JSON.parse(POLICY));
    } finally {
      await sb.close();
    }
  });

  it('older worlds without them pass; damaged parts are named', () => {
    assert.equal(stateProblem(world(account({}))), undefined);
    assert.match(
      stateProblem(
        world(account({ ssm: { parameters: { '/p': { name: '/p', versions: [], tags: [] } } } })),
      ) ?? '',
      /regions\.us-east-1\.ssm\.parameters\./,
    );
    assert.match(
      stateProblem(world(account({ secretsmanager: { secrets: 'none' } }))) ?? '',
      /regions\.us-east-1\.secretsmanager\.secrets/,
    );
    assert.match(
      stateProblem(
        world({
          ...account({}),
          iam: {
            roles: {
              r: {
                roleName: 'r',
                roleId: 'x',
                arn: 'a',
                path: '/',
                maxSessionDuration: 3600,
                assumeRolePolicyDocument: '{}',
                createDate: 1,
                attachedPolicyArns: [],
                inlinePolicies: { p: 7 },
              },
            },
          },
        }),
      ) ?? '',
      /iam\.roles\.r\.inlinePolicies\.p/,
    );
  });
});
