/** A damaged or unreadable state file is the user's to fix: SANDBOX_STATE_INVALID (exit 3), never a crash. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { SlipwayError } from '../core/errors.js';
import { startSandbox } from './index.js';
import { stateProblem } from './state-schema.js';
import { emptyRegion, emptyWorld } from './world.js';

function tempFile(name: string, content?: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'slipway-state-')), name);
  if (content !== undefined) writeFileSync(file, content);
  return file;
}

/** A world saved by this sandbox version, with `patch` applied to it. */
function world(patch: (w: Record<string, unknown>) => void): string {
  const w = JSON.parse(JSON.stringify(emptyWorld())) as Record<string, unknown>;
  patch(w);
  return JSON.stringify(w);
}

async function refusal(file: string): Promise<SlipwayError> {
  try {
    const sb = await startSandbox({ port: 0, stateFile: file });
    await sb.close();
  } catch (e) {
    assert.ok(e instanceof SlipwayError, `not a SlipwayError: ${String(e)}`);
    assert.equal(e.code, 'SANDBOX_STATE_INVALID');
    assert.ok(e.message.includes(file), e.message);
    assert.match(e.message, /Move it away/);
    return e;
  }
  assert.fail(`${file} was accepted`);
}

describe('state files the sandbox wrote', () => {
  it('pass the shape check, whatever the world holds', async () => {
    const file = tempFile('busy.json');
    const sb = await startSandbox({ port: 0, stateFile: file, timeScale: 100, throttling: false });
    const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials };
    const admin = (path: string, body: unknown) =>
      fetch(`${sb.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
    try {
      await admin('/_sandbox/clusters', { name: 'c', instances: { count: 2 } });
      await admin('/_sandbox/roles', { accountId: sb.accountId, roleName: 'R', externalId: 'ext-1' });
      await admin('/_sandbox/faults/api', { service: 'logs', action: 'GetLogEvents', durationSeconds: 60 });
      await admin('/_sandbox/faults/images', { image: 'bad:1', failPull: true });
      const ecs = new ECSClient(config);
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          containerDefinitions: [
            {
              name: 'web',
              image: 'nginx:1',
              memory: 128,
              portMappings: [{ containerPort: 80, hostPort: 8080 }],
              logConfiguration: {
                logDriver: 'awslogs',
                options: {
                  'awslogs-group': '/web',
                  'awslogs-region': sb.region,
                  'awslogs-stream-prefix': 'w',
                },
              },
            },
          ],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'c',
          serviceName: 'web',
          taskDefinition: 'web',
          desiredCount: 2,
        }),
      );
      await new CloudWatchLogsClient(config).send(new CreateLogGroupCommand({ logGroupName: '/web' }));
      await new ECRClient(config).send(new CreateRepositoryCommand({ repositoryName: 'app' }));
      await new ECRClient(config).send(new GetAuthorizationTokenCommand({}));
      await new STSClient(config).send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${sb.accountId}:role/R`,
          RoleSessionName: 's1',
          ExternalId: 'ext-1',
        }),
      );
      // A stack with its operation in flight (saved with its resources' progress).
      await new CloudFormationClient(config).send(
        new CreateStackCommand({
          StackName: 'logs',
          TemplateBody: JSON.stringify({ Resources: { G: { Type: 'AWS::Logs::LogGroup' } } }),
        }),
      );
      await fetch(`${sb.endpoint}/_sandbox/time`, { method: 'POST', body: '{"advanceSeconds":120}' });
    } finally {
      await sb.close();
    }
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { accounts: Record<string, unknown> };
    assert.equal(stateProblem(saved), undefined);
    const again = await startSandbox({ port: 0, stateFile: file });
    await again.close();
  });
});

describe('damaged state files', () => {
  it('refuses a world whose parts are missing or of the wrong type, naming the path', async () => {
    const cases: [string, (w: Record<string, unknown>) => void, RegExp][] = [
      ['accounts: null', (w) => (w.accounts = null), /accounts/],
      ['no accounts', (w) => delete w.accounts, /accounts/],
      ['no settings', (w) => delete w.settings, /settings/],
      [
        'a region without ECS',
        (w) =>
          (w.accounts = {
            '000000000000': {
              id: '000000000000',
              name: 'default',
              accessKeys: [],
              iam: { roles: {} },
              regions: { 'us-east-1': {} },
            },
          }),
        /accounts\.000000000000\.regions\.us-east-1\.ecs/,
      ],
      [
        'an account filed under another id',
        (w) =>
          (w.accounts = {
            '111111111111': {
              id: '222222222222',
              name: 'x',
              accessKeys: [],
              iam: { roles: {} },
              regions: {},
            },
          }),
        /accounts\.111111111111\.id/,
      ],
      [
        'CloudFormation stacks of the wrong type',
        (w) =>
          (w.accounts = {
            '000000000000': {
              id: '000000000000',
              name: 'default',
              accessKeys: [],
              iam: { roles: {} },
              regions: {
                'us-east-1': { ...emptyRegion(), cloudformation: { stacks: 'none', changeSets: {} } },
              },
            },
          }),
        /accounts\.000000000000\.regions\.us-east-1\.cloudformation\.stacks/,
      ],
      ['a string for a number', (w) => (w.nextId = 'seven'), /nextId/],
      ['a time past 9999', (w) => (w.savedAt = Date.UTC(10000, 0, 2)), /savedAt/],
    ];
    for (const [what, patch, path] of cases) {
      const e = await refusal(tempFile('state.json', world(patch)));
      assert.match(e.message, path, what);
      assert.match(e.message, /is damaged/, what);
    }
  });

  it('refuses a file cut short', async () => {
    const whole = world(() => {});
    const e = await refusal(tempFile('state.json', whole.slice(0, whole.length / 2)));
    assert.match(e.message, /not valid JSON/);
  });

  it('refuses a path it cannot read, saying so (not "not valid JSON")', async () => {
    const dir = tempFile('a-directory');
    mkdirSync(dir);
    const e = await refusal(dir);
    assert.match(e.message, /cannot be read \(EISDIR/);
    if (process.getuid?.() !== 0) {
      // root reads anything; elsewhere a file without read permission is refused the same way.
      const locked = tempFile(
        'locked.json',
        world(() => {}),
      );
      chmodSync(locked, 0);
      assert.match((await refusal(locked)).message, /cannot be read \(EACCES/);
    }
  });

  it('slipway sandbox exits 3 with the path and what to do', () => {
    const file = tempFile(
      'state.json',
      world((w) => (w.accounts = null)),
    );
    const bin = resolve(import.meta.dirname, '../cli/bin.ts');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', bin, 'sandbox', '--port', '0', '--state', file],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /error \[SANDBOX_STATE_INVALID\]/);
    assert.ok(r.stderr.includes(file));
    assert.match(r.stderr, /Move it away/);
    assert.doesNotMatch(r.stderr, /TypeError|at .*\.ts:/);
  });
});
