import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { startSandbox, type SandboxHandle } from '../index.js';

async function admin(sb: SandboxHandle, path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${sb.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const json = (await r.json()) as Record<string, unknown>;
  assert.equal(r.status, 200, JSON.stringify(json));
  return json;
}

describe('STS', () => {
  let sb: SandboxHandle;
  let sts: STSClient;
  let other: { id: string; accessKeys: { accessKeyId: string; secretAccessKey: string }[] };

  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
    sts = new STSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    other = (await admin(sb, '/_sandbox/accounts', { id: '222222222222', name: 'prod' })) as typeof other;
    await admin(sb, '/_sandbox/roles', {
      accountId: '222222222222',
      roleName: 'Deployer',
      trustedAccountIds: [sb.accountId],
      externalId: 'ext-123',
    });
    await admin(sb, '/_sandbox/roles', {
      accountId: '222222222222',
      roleName: 'Open',
      trustedAccountIds: [sb.accountId],
    });
  });
  after(() => sb.close());

  it('GetCallerIdentity names the default account', async () => {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, '000000000000');
    assert.equal(id.Arn, 'arn:aws:iam::000000000000:root');
  });

  it('a second account has its own identity', async () => {
    const c = new STSClient({ endpoint: sb.endpoint, region: sb.region, credentials: other.accessKeys[0]! });
    assert.equal((await c.send(new GetCallerIdentityCommand({}))).Account, '222222222222');
  });

  it('unknown access keys are refused as AWS refuses them', async () => {
    const c = new STSClient({
      endpoint: sb.endpoint,
      region: sb.region,
      credentials: { accessKeyId: 'AKIANOPE', secretAccessKey: 'x' },
    });
    await assert.rejects(
      c.send(new GetCallerIdentityCommand({})),
      (e: Error) => e.name === 'InvalidClientTokenId',
    );
    const ecs = new ECSClient({
      endpoint: sb.endpoint,
      region: sb.region,
      credentials: { accessKeyId: 'AKIANOPE', secretAccessKey: 'x' },
    });
    await assert.rejects(
      ecs.send(new ListClustersCommand({})),
      (e: Error) => e.name === 'UnrecognizedClientException',
    );
  });

  it('AssumeRole honours ExternalId', async () => {
    const RoleArn = 'arn:aws:iam::222222222222:role/Deployer';
    await assert.rejects(
      sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'ci' })),
      (e: Error & { $metadata?: { httpStatusCode?: number } }) =>
        e.name === 'AccessDenied' && e.$metadata?.httpStatusCode === 403,
    );
    await assert.rejects(
      sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'ci', ExternalId: 'wrong' })),
      (e: Error) => e.name === 'AccessDenied',
    );
    const ok = await sts.send(
      new AssumeRoleCommand({ RoleArn, RoleSessionName: 'ci', ExternalId: 'ext-123' }),
    );
    assert.match(ok.Credentials?.AccessKeyId ?? '', /^ASIA/);
    assert.equal(ok.AssumedRoleUser?.Arn, 'arn:aws:sts::222222222222:assumed-role/Deployer/ci');
  });

  it('unknown roles, bad ARNs, bad durations and untrusted callers fail', async () => {
    await assert.rejects(
      sts.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/Nope', RoleSessionName: 'ci' }),
      ),
      (e: Error) => e.name === 'AccessDenied',
    );
    await assert.rejects(
      sts.send(new AssumeRoleCommand({ RoleArn: 'not-an-arn', RoleSessionName: 'ci' })),
      (e: Error) => e.name === 'ValidationError',
    );
    await assert.rejects(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::222222222222:role/Open',
          RoleSessionName: 'ci',
          DurationSeconds: 60,
        }),
      ),
      (e: Error) => e.name === 'ValidationError',
    );
    const c = new STSClient({ endpoint: sb.endpoint, region: sb.region, credentials: other.accessKeys[0]! });
    await assert.rejects(
      c.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/Open', RoleSessionName: 'ci' }),
      ),
      (e: Error) => e.name === 'AccessDenied',
    );
  });

  it('temporary credentials work, then expire with ExpiredTokenException', async () => {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::222222222222:role/Open',
        RoleSessionName: 'deploy',
        DurationSeconds: 900,
      }),
    );
    const creds = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    const expires = out.Credentials!.Expiration!.getTime();
    assert.ok(Math.abs(expires - sb.runtime.now() - 900_000) < 5_000);
    const assumed = new STSClient({ endpoint: sb.endpoint, region: sb.region, credentials: creds });
    const who = await assumed.send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, '222222222222');
    assert.equal(who.Arn, 'arn:aws:sts::222222222222:assumed-role/Open/deploy');
    const ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: creds });
    await ecs.send(new ListClustersCommand({}));

    sb.runtime.clock.advance(901_000);
    await assert.rejects(
      ecs.send(new ListClustersCommand({})),
      (e: Error) => e.name === 'ExpiredTokenException',
    );
    await assert.rejects(
      assumed.send(new GetCallerIdentityCommand({})),
      (e: Error) => e.name === 'ExpiredToken',
    );
  });

  it('a session token that does not match is refused', async () => {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/Open', RoleSessionName: 'deploy2' }),
    );
    const c = new STSClient({
      endpoint: sb.endpoint,
      region: sb.region,
      credentials: {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: 'forged',
      },
    });
    await assert.rejects(
      c.send(new GetCallerIdentityCommand({})),
      (e: Error) => e.name === 'InvalidClientTokenId',
    );
  });
});
