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

describe("AssumeRole's parameters follow AWS's rules", () => {
  let sb: SandboxHandle;
  let sts: STSClient;
  const arn = (name: string) => `arn:aws:iam::000000000000:role/${name}`;

  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
    sts = new STSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    await admin(sb, '/_sandbox/roles', { accountId: sb.accountId, roleName: 'Short' });
    await admin(sb, '/_sandbox/roles', {
      accountId: sb.accountId,
      roleName: 'Long',
      maxSessionDuration: 43200,
    });
    await admin(sb, '/_sandbox/roles', {
      accountId: sb.accountId,
      roleName: 'Ext',
      externalId: 'tenant:acme/prod-1',
    });
  });
  after(() => sb.close());

  async function refusal(input: ConstructorParameters<typeof AssumeRoleCommand>[0]): Promise<Error> {
    try {
      await sts.send(new AssumeRoleCommand(input));
    } catch (e) {
      return e as Error;
    }
    assert.fail(`accepted ${JSON.stringify(input)}`);
  }

  const constraint = (value: string, at: string, rule: string) =>
    `Value '${value}' at '${at}' failed to satisfy constraint: Member must ${rule}`;

  it('accepts every session name AWS accepts', async () => {
    for (const name of ['ab', 'x'.repeat(64), 'a+b=c,d.e@f-g_h', 'AB_12', '--', '@.', 'user@example.com']) {
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: arn('Short'), RoleSessionName: name }));
      assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::000000000000:assumed-role/Short/${name}`);
    }
  });

  it('refuses a session name with the constraint it breaks, each one named', async () => {
    const cases: [string, string][] = [
      [
        'a',
        `1 validation error detected: ${constraint('a', 'roleSessionName', 'have length greater than or equal to 2')}`,
      ],
      [
        'x'.repeat(65),
        `1 validation error detected: ${constraint('x'.repeat(65), 'roleSessionName', 'have length less than or equal to 64')}`,
      ],
      [
        'a b',
        `1 validation error detected: ${constraint('a b', 'roleSessionName', 'satisfy regular expression pattern: [\\w+=,.@-]*')}`,
      ],
      [
        'é!',
        `1 validation error detected: ${constraint('é!', 'roleSessionName', 'satisfy regular expression pattern: [\\w+=,.@-]*')}`,
      ],
    ];
    for (const [name, message] of cases) {
      const e = await refusal({ RoleArn: arn('Short'), RoleSessionName: name });
      assert.equal(e.name, 'ValidationError');
      assert.equal(e.message, message);
    }
    const both = await refusal({ RoleArn: arn('Short'), RoleSessionName: ' '.repeat(65) });
    assert.match(both.message, /^2 validation errors detected: .*length less than or equal to 64; .*pattern/);
  });

  it('DurationSeconds is 900 to 43200, then at most the role’s maximum', async () => {
    const low = await refusal({ RoleArn: arn('Long'), RoleSessionName: 'd', DurationSeconds: 899 });
    assert.match(low.message, /Value '899' at 'durationSeconds'.*greater than or equal to 900/);
    const high = await refusal({ RoleArn: arn('Long'), RoleSessionName: 'dd', DurationSeconds: 43201 });
    assert.equal(
      high.message,
      `1 validation error detected: ${constraint('43201', 'durationSeconds', 'have value less than or equal to 43200')}`,
    );
    const overRole = await refusal({ RoleArn: arn('Short'), RoleSessionName: 'dd', DurationSeconds: 7200 });
    assert.equal(
      overRole.message,
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
    const ok = await sts.send(
      new AssumeRoleCommand({ RoleArn: arn('Long'), RoleSessionName: 'dd', DurationSeconds: 43200 }),
    );
    assert.ok(ok.Credentials?.AccessKeyId);
    // Parameters are validated before the role is looked up, as AWS does.
    const unknownRole = await refusal({
      RoleArn: arn('Nope'),
      RoleSessionName: 'dd',
      DurationSeconds: 50000,
    });
    assert.equal(unknownRole.name, 'ValidationError');
  });

  it('ExternalId is 2 to 1224 characters of [\\w+=,.@:/-]', async () => {
    const ok = await sts.send(
      new AssumeRoleCommand({ RoleArn: arn('Ext'), RoleSessionName: 'ee', ExternalId: 'tenant:acme/prod-1' }),
    );
    assert.ok(ok.Credentials?.AccessKeyId);
    const short = await refusal({ RoleArn: arn('Ext'), RoleSessionName: 'ee', ExternalId: 'x' });
    assert.match(short.message, /Value 'x' at 'externalId'.*length greater than or equal to 2/);
    const long = await refusal({ RoleArn: arn('Ext'), RoleSessionName: 'ee', ExternalId: 'x'.repeat(1225) });
    assert.match(long.message, /at 'externalId'.*length less than or equal to 1224/);
    const spaced = await refusal({ RoleArn: arn('Ext'), RoleSessionName: 'ee', ExternalId: 'a b' });
    assert.match(spaced.message, /at 'externalId'.*pattern: \[\\w\+=,\.@:\\\/-\]\*/);
    // Right shape, wrong value: the trust policy refuses it.
    const wrong = await refusal({ RoleArn: arn('Ext'), RoleSessionName: 'ee', ExternalId: 'tenant:other' });
    assert.equal(wrong.name, 'AccessDenied');
  });

  it('RoleArn is 20 to 2048 characters', async () => {
    const short = await refusal({ RoleArn: 'arn:aws:iam::1:r/x', RoleSessionName: 'rr' });
    assert.match(
      short.message,
      /Value 'arn:aws:iam::1:r\/x' at 'roleArn'.*length greater than or equal to 20/,
    );
    const long = await refusal({ RoleArn: arn('x'.repeat(2048)), RoleSessionName: 'rr' });
    assert.match(long.message, /at 'roleArn'.*length less than or equal to 2048/);
  });
});
