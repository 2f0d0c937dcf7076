/**
 * createAwsClients against the in-process sandbox: credential sources, endpoints, errors, and
 * credentials refreshed when AWS says the session expired.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SlipwayError } from '../core/errors.js';
import type { SlipwayEvent } from '../core/events.js';
import { startSandbox, type SandboxHandle } from '../sandbox/index.js';
import {
  createAwsClients,
  describeAwsError,
  resetRateLimiter,
  type AwsClients,
  type AwsTarget,
} from './clients.js';

const OTHER_ACCOUNT = '222222222222';
const DEPLOYER = `arn:aws:iam::${OTHER_ACCOUNT}:role/Deployer`;
const OPEN = `arn:aws:iam::${OTHER_ACCOUNT}:role/Open`;

async function admin(sb: SandboxHandle, path: string, body: unknown): Promise<void> {
  const r = await fetch(`${sb.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.text());
}

/** Runs `fn` with environment variables set (undefined: unset), restoring them afterwards. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>): void => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

/** Every variable the SDK's default chain reads, unset: a machine with no AWS configuration. */
function bareEnv(dir: string): Record<string, string | undefined> {
  return {
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_ECS: undefined,
    AWS_ENDPOINT_URL_STS: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_ROLE_ARN: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

describe('createAwsClients', () => {
  let sb: SandboxHandle;
  let dir: string;
  const open: AwsClients[] = [];

  function clients(target: Partial<AwsTarget>, emit?: (e: SlipwayEvent) => void): AwsClients {
    const c = createAwsClients(
      {
        region: sb.region,
        endpoint: sb.endpoint,
        credentials: { kind: 'static', ...sb.credentials },
        ...target,
      },
      emit ? { emit } : {},
    );
    open.push(c);
    return c;
  }

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 100 });
    dir = mkdtempSync(join(tmpdir(), 'slipway-aws-'));
    await admin(sb, '/_sandbox/accounts', { id: OTHER_ACCOUNT, name: 'prod' });
    await admin(sb, '/_sandbox/roles', {
      accountId: OTHER_ACCOUNT,
      roleName: 'Deployer',
      trustedAccountIds: [sb.accountId],
      externalId: 'ext-123',
    });
    await admin(sb, '/_sandbox/roles', {
      accountId: OTHER_ACCOUNT,
      roleName: 'Open',
      trustedAccountIds: [sb.accountId],
    });
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.destroy();
    resetRateLimiter();
  });
  after(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses static credentials', async () => {
    const c = clients({});
    assert.equal(c.region, sb.region);
    assert.equal(await c.accountId(), sb.accountId);
    const out = await c.ecs.send(new ListClustersCommand({}));
    assert.deepEqual(out.clusterArns, []);
  });

  it('reads a profile from the shared config and credentials files', async () => {
    const config = join(dir, 'config');
    const creds = join(dir, 'credentials');
    writeFileSync(config, '[profile sandbox]\nregion = us-east-1\n');
    writeFileSync(
      creds,
      `[sandbox]\naws_access_key_id = ${sb.credentials.accessKeyId}\naws_secret_access_key = ${sb.credentials.secretAccessKey}\n`,
    );
    await withEnv(
      { ...bareEnv(dir), AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: creds },
      async () => {
        const c = clients({ credentials: { kind: 'chain', profile: 'sandbox' } });
        assert.equal(await c.accountId(), sb.accountId);

        const missing = clients({ credentials: { kind: 'chain', profile: 'nope' } });
        await assert.rejects(
          missing.ecs.send(new ListClustersCommand({})),
          (e: unknown) =>
            e instanceof SlipwayError && e.code === 'AWS_CREDENTIALS' && /profile "nope"/.test(e.message),
        );
      },
    );
  });

  it('says what to set when no credentials are found', async () => {
    await withEnv(bareEnv(dir), async () => {
      const c = clients({ credentials: { kind: 'chain' } });
      await assert.rejects(c.ecs.send(new ListClustersCommand({})), (e: unknown) => {
        assert.ok(e instanceof SlipwayError, String(e));
        assert.equal(e.code, 'AWS_CREDENTIALS');
        assert.match(e.message, /AWS_PROFILE/);
        assert.match(e.message, /AWS_REGION/);
        assert.match(e.message, /slipway sandbox/);
        return true;
      });
    });
    assert.throws(
      () => createAwsClients({ region: '', credentials: { kind: 'static', ...sb.credentials } }),
      (e: unknown) => e instanceof SlipwayError && e.code === 'AWS_CREDENTIALS' && /region/.test(e.message),
    );
  });

  it('assumes a role in another account with the right external id', async () => {
    const c = clients({
      credentials: {
        kind: 'assume-role',
        roleArn: DEPLOYER,
        externalId: 'ext-123',
        sessionName: 'slipway-test',
        source: { kind: 'static', ...sb.credentials },
      },
    });
    const who = await c.sts.send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/Deployer/slipway-test`);
    assert.equal(await c.accountId(), OTHER_ACCOUNT);
  });

  it('explains a refused assume-role (wrong external id)', async () => {
    const c = clients({
      credentials: {
        kind: 'assume-role',
        roleArn: DEPLOYER,
        externalId: 'wrong',
        source: { kind: 'static', ...sb.credentials },
      },
    });
    await assert.rejects(c.ecs.send(new ListClustersCommand({})), (e: unknown) => {
      assert.ok(e instanceof SlipwayError, String(e));
      assert.equal(e.code, 'AWS_CREDENTIALS');
      assert.match(e.message, /Could not assume role arn:aws:iam::222222222222:role\/Deployer: AccessDenied/);
      assert.match(e.message, /external id/);
      return true;
    });
  });

  it('honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> without an explicit endpoint', async () => {
    const creds = { kind: 'static' as const, ...sb.credentials };
    await withEnv({ ...bareEnv(dir), AWS_ENDPOINT_URL: sb.endpoint }, async () => {
      const c = clients({ endpoint: undefined, credentials: creds });
      await c.ecs.send(new ListClustersCommand({}));
      // The STS client of assume-role resolves its endpoint the same way.
      const role = clients({
        endpoint: undefined,
        credentials: { kind: 'assume-role', roleArn: OPEN, source: creds },
      });
      assert.equal(await role.accountId(), OTHER_ACCOUNT);
    });
    // The service-specific variable wins over the general one (which here points nowhere).
    await withEnv(
      { ...bareEnv(dir), AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_ECS: sb.endpoint },
      async () => {
        const c = clients({ endpoint: undefined, credentials: creds });
        await c.ecs.send(new ListClustersCommand({}));
      },
    );
  });

  it('refreshes assumed-role credentials that expired during a long wait', async () => {
    const events: SlipwayEvent[] = [];
    const c = clients(
      {
        credentials: {
          kind: 'assume-role',
          roleArn: OPEN,
          durationSeconds: 900,
          source: { kind: 'static', ...sb.credentials },
        },
      },
      (e) => events.push(e),
    );
    await c.ecs.send(new ListClustersCommand({}));
    // The sandbox's clock jumps past the session's end; ours still thinks it valid.
    sb.runtime.clock.advance(901_000);
    await c.ecs.send(new ListClustersCommand({}));
    const refreshed = events.filter((e) => e.code === 'aws.credentials-refreshed');
    assert.equal(refreshed.length, 1, JSON.stringify(events));
    assert.equal(refreshed[0]?.data['reason'], 'rejected-as-expired');
    // The other clients share the refreshed session.
    const who = await c.sts.send(new GetCallerIdentityCommand({}));
    assert.match(who.Arn ?? '', /assumed-role\/Open\//);
    assert.equal(events.filter((e) => e.code === 'aws.credentials-refreshed').length, 1);
  });

  it('does not loop when refreshed credentials are refused too', async () => {
    const c = clients({ credentials: { kind: 'static', accessKeyId: 'AKIANOPE', secretAccessKey: 'x' } });
    await assert.rejects(c.ecs.send(new ListClustersCommand({})), (e: unknown) =>
      describeAwsError(e).startsWith('UnrecognizedClientException: '),
    );
  });
});

describe('describeAwsError', () => {
  it('names SDK errors by code, others by message', () => {
    const sdk = Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' });
    assert.equal(describeAwsError(sdk), 'ClusterNotFoundException: Cluster not found.');
    const net = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    assert.equal(describeAwsError(net), 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9');
    assert.equal(describeAwsError(new SlipwayError('AWS_CREDENTIALS', 'set keys')), 'set keys');
    assert.equal(describeAwsError('odd'), 'odd');
    assert.equal(describeAwsError(new Error('plain')), 'plain');
  });
});
