/** `slipway feed tags` as a child process, against the sandbox (registry API and ECR) and docker-registry. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateRepositoryCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import {
  basic,
  pushImage,
  registryUnavailableReason,
  startRegistry,
  type RegistryHandle,
} from '../helpers/registry.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking the event loop (the sandbox serves in this process). */
function slipway(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', 'feed', 'tags', ...args],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err && typeof err.code === 'number' ? err.code : err ? 1 : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

function manifest(seed: string): string {
  const d = (s: string) => `sha256:${Buffer.from(s).toString('hex').padEnd(64, '0').slice(0, 64)}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 7, digest: d(`c${seed}`) },
    layers: [
      { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 1, digest: d(`l${seed}`) },
    ],
  });
}

describe('slipway feed tags', { concurrency: 3 }, () => {
  let sb: SandboxHandle;
  let password = '';
  let reg: RegistryHandle | undefined;
  const awsEnv = () => ({
    AWS_ACCESS_KEY_ID: sb.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sb.credentials.secretAccessKey,
    AWS_REGION: sb.region,
  });

  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
    const ecr = new ECRClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/web' }));
    for (const tag of ['1.0.0', '1.4.2', '1.5.0-beta.1', '2.0.0', 'latest']) {
      await ecr.send(
        new PutImageCommand({ repositoryName: 'team/web', imageTag: tag, imageManifest: manifest(tag) }),
      );
    }
    const out = await ecr.send(new GetAuthorizationTokenCommand({}));
    password = Buffer.from(out.authorizationData![0]!.authorizationToken!, 'base64').toString().slice(4);
    ecr.destroy();
    reg = await startRegistry({ auth: { username: 'ci', password: 'pw-123' } });
    if (reg)
      for (const tag of ['0.9.0', '1.0.0']) await pushImage(reg.url, 'app', tag, basic('ci', 'pw-123'));
  });
  after(async () => {
    await reg?.close();
    await sb.close();
  });

  it('lists a channel newest first from the sandbox registry, the password from the environment', async () => {
    const r = await slipway(
      [
        '--registry',
        sb.endpoint,
        '--repository',
        'team/web',
        '--username',
        'AWS',
        '--range',
        '[1.0,2.0)',
        '--prerelease',
        '^$',
      ],
      { SLIPWAY_FEED_PASSWORD: password },
    );
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^TAG\s+VERSION\s+DIGEST\s+PUSHED$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/)[0]),
      ['1.4.2', '1.0.0'],
    );
    assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password), 'the password is never echoed');
    assert.match(r.stderr, /2 matching versions of 5 tags/);
  });

  it('without a rule, lists tags that are not versions after the versions', async () => {
    const r = await slipway([
      '--registry',
      sb.endpoint,
      '--repository',
      'team/web',
      '--username',
      'AWS',
      '--password',
      password,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const last = r.stdout.trim().split('\n').pop()!;
    assert.match(last, /^latest\s+\(not a version\)$/);
  });

  it('--ecr: tags with digests and push dates as JSON', async () => {
    const r = await slipway(
      [
        '--ecr',
        '--region',
        sb.region,
        '--endpoint-url',
        sb.endpoint,
        '--repository',
        'team/web',
        '--range',
        '[1.5-0,3)',
        '--output',
        'json',
      ],
      awsEnv(),
    );
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{
      tag: string;
      version: string;
      digest: string;
      pushedAt: string;
    }>;
    assert.deepEqual(
      rows.map((x) => x.tag),
      ['2.0.0', '1.5.0-beta.1'],
    );
    assert.match(rows[0]!.digest, /^sha256:[0-9a-f]{64}$/);
    assert.ok(!Number.isNaN(Date.parse(rows[0]!.pushedAt)));
  });

  it('--ecr: an unknown repository exits 1 with FEED_REPOSITORY_NOT_FOUND', async () => {
    const r = await slipway(['--ecr', '--endpoint-url', sb.endpoint, '--repository', 'nope'], awsEnv());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error \[FEED_REPOSITORY_NOT_FOUND\]: Amazon ECR .* has no repository "nope"/);
  });

  it('docker-registry with htpasswd: --digests, and a wrong password', async (t) => {
    if (!reg) return t.skip(registryUnavailableReason());
    const ok = await slipway(
      ['--registry', reg.url, '--repository', 'app', '--username', 'ci', '--digests', '--output', 'json'],
      {
        SLIPWAY_FEED_PASSWORD: 'pw-123',
      },
    );
    assert.equal(ok.code, 0, ok.stderr);
    const rows = JSON.parse(ok.stdout) as Array<{ tag: string; digest: string | null }>;
    assert.deepEqual(
      rows.map((x) => x.tag),
      ['1.0.0', '0.9.0'],
    );
    assert.match(rows[0]!.digest ?? '', /^sha256:/);
    const bad = await slipway([
      '--registry',
      reg.url,
      '--repository',
      'app',
      '--username',
      'ci',
      '--password',
      'wrong',
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`error \\[FEED_UNAUTHORIZED\\]: The registry ${reg.url} refused`));
    assert.ok(!bad.stderr.includes('wrong'));
  });

  it('usage errors exit 3', async () => {
    const r = await slipway(['--registry', sb.endpoint, '--repository', 'team/web', '--range', '[2.0']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /INVALID_INPUT/);
    const noRegistry = await slipway(['--repository', 'team/web']);
    assert.equal(noRegistry.code, 3);
    assert.match(noRegistry.stderr, /--registry/);
  });
});
