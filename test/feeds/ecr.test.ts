/**
 * The ECR feed against the sandbox: the token exchange and its cache, expiry and refresh on the
 * sandbox clock, tags with digests and push dates from DescribeImages, errors, and a feed in a second
 * account reached by assuming a role with an external id. Also the sandbox registry's pagination.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  CreateRepositoryCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { SlipwayError } from '../../src/core/errors.js';
import { matchingVersions } from '../../src/core/versions/index.js';
import { clearEcrTokenCache, connectFeed, openFeed, packageVariables } from '../../src/feeds/index.js';
import type { EcrFeedConfig } from '../../src/feeds/index.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { basic, pushImage } from '../helpers/registry.js';

async function rejectsWith(p: Promise<unknown>, code: string, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, code, e.message);
    for (const re of patterns) assert.match(e.message, re);
    return true;
  });
}

/** A schema2 manifest unique to `seed` (PutImage does not need the blobs). */
function manifest(seed: string): string {
  const d = (s: string) =>
    `sha256:${Buffer.from(s.padEnd(32, '0')).toString('hex').slice(0, 64).padEnd(64, '0')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 7, digest: d(`c-${seed}`) },
    layers: [
      { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 10, digest: d(`l-${seed}`) },
    ],
  });
}

async function admin(sb: SandboxHandle, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sb.endpoint}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as Record<string, unknown>;
}

describe('ECR feed (sandbox)', () => {
  let sb: SandboxHandle;
  let ecr: ECRClient;
  let config: EcrFeedConfig;
  const tokenCalls = () => sb.runtime.stats.get('ecr:GetAuthorizationToken')?.calls ?? 0;
  const TAGS = ['1.0.0', '1.1.0', '1.2.0-beta', '2.0.0', 'latest'];

  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
    ecr = new ECRClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    config = {
      kind: 'ecr',
      region: sb.region,
      credentials: { kind: 'static', ...sb.credentials },
      endpoint: sb.endpoint,
    };
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/web' }));
    for (const tag of TAGS) {
      await ecr.send(
        new PutImageCommand({ repositoryName: 'team/web', imageTag: tag, imageManifest: manifest(tag) }),
      );
      sb.runtime.clock.advance(60_000); // distinct push dates
    }
  });
  after(async () => {
    ecr.destroy();
    await sb.close();
  });
  beforeEach(() => clearEcrTokenCache());

  it('exchanges the AWS credentials for a registry token, cached per account and region', async () => {
    const before = tokenCalls();
    const feed = openFeed(config, { now: () => sb.runtime.now() });
    const auth = await feed.authorization();
    assert.equal(auth.username, 'AWS');
    assert.ok(auth.password.length > 20);
    assert.equal(auth.proxyEndpoint, sb.endpoint);
    assert.ok(auth.expiresAt.getTime() > sb.runtime.now() + 11 * 3600_000);
    assert.equal(feed.registryHost, new URL(sb.endpoint).host);
    // Another feed of the same account and region shares the token.
    const other = await connectFeed(config);
    assert.equal(other.registryHost, feed.registryHost);
    await feed.authorization();
    assert.equal(tokenCalls() - before, 1);
    feed.close();
  });

  it('renews the token before its 12-hour expiry (sandbox clock)', async () => {
    const feed = openFeed(config, { now: () => sb.runtime.now() });
    const first = await feed.authorization();
    const before = tokenCalls();
    sb.runtime.clock.advance(11 * 3600_000 + 50 * 60_000); // 10 minutes before expiry: inside the margin
    const second = await feed.authorization();
    assert.notEqual(second.password, first.password);
    assert.equal(tokenCalls() - before, 1);
    sb.runtime.clock.advance(13 * 3600_000);
    const digest = await feed.digestOf('team/web', '2.0.0');
    assert.match(digest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(tokenCalls() - before, 2);
    feed.close();
  });

  it('fetches a new token when the registry refuses an expired one its own clock thinks fresh', async () => {
    const feed = openFeed(config); // wall clock: unaware of the sandbox's jump
    await feed.digestOf('team/web', '1.0.0');
    const before = tokenCalls();
    sb.runtime.clock.advance(13 * 3600_000);
    assert.match((await feed.digestOf('team/web', '1.0.0')) ?? '', /^sha256:/);
    assert.equal(tokenCalls() - before, 1);
    feed.close();
  });

  it('lists tags with digests and push dates from DescribeImages, and picks the newest for a channel', async () => {
    const feed = openFeed(config);
    const tags = await feed.listTags('team/web');
    assert.deepEqual(tags.map((t) => t.tag).sort(), [...TAGS].sort());
    for (const t of tags) {
      assert.match(t.digest ?? '', /^sha256:[0-9a-f]{64}$/);
      assert.ok(t.pushedAt instanceof Date);
    }
    const byTag = new Map(tags.map((t) => [t.tag, t]));
    assert.ok(byTag.get('2.0.0')!.pushedAt! > byTag.get('1.0.0')!.pushedAt!);
    const newest = matchingVersions(
      tags.map((t) => t.tag),
      { versionRange: '[1.0,2.0)', preReleaseTag: '^$' },
    )[0];
    assert.equal(newest?.original, '1.1.0');
    assert.equal(await feed.digestOf('team/web', '1.1.0'), byTag.get('1.1.0')!.digest);
    assert.equal(await feed.digestOf('team/web', '9.9.9'), undefined);
    await feed.authorization();
    assert.equal(
      packageVariables({ id: 'Feeds-ecr', registryHost: feed.registryHost }, 'team/web', '1.1.0').Image,
      `${new URL(sb.endpoint).host}/team/web:1.1.0`,
    );
    assert.deepEqual(await feed.listRepositories(), ['team/web']);
    feed.close();
  });

  it('FEED_REPOSITORY_NOT_FOUND naming ECR, the region and the repository', async () => {
    const feed = openFeed(config);
    await rejectsWith(
      feed.listTags('team/nope'),
      'FEED_REPOSITORY_NOT_FOUND',
      /Amazon ECR/,
      /us-east-1/,
      /team\/nope/,
    );
    await rejectsWith(feed.digestOf('team/nope', '1.0.0'), 'FEED_REPOSITORY_NOT_FOUND', /team\/nope/);
    feed.close();
  });

  it('FEED_UNAUTHORIZED for keys AWS does not know', async () => {
    const feed = openFeed({
      ...config,
      credentials: { kind: 'static', accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' },
    });
    await rejectsWith(feed.listTags('team/web'), 'FEED_UNAUTHORIZED', /Amazon ECR/, /AWS account/);
    feed.close();
  });

  it('reads another account by assuming a role with an external id', async () => {
    const account = (await admin(sb, 'accounts', { id: '222222222222', name: 'prod' })) as {
      accessKeys: Array<{ accessKeyId: string; secretAccessKey: string }>;
    };
    const role = (await admin(sb, 'roles', {
      accountId: '222222222222',
      roleName: 'feed-reader',
      trustedAccountIds: [sb.accountId],
      externalId: 'ext-42',
    })) as { arn: string };
    const prod = new ECRClient({
      endpoint: sb.endpoint,
      region: sb.region,
      credentials: account.accessKeys[0]!,
    });
    await prod.send(new CreateRepositoryCommand({ repositoryName: 'prod/api' }));
    await prod.send(
      new PutImageCommand({ repositoryName: 'prod/api', imageTag: '7.1.0', imageManifest: manifest('p') }),
    );
    prod.destroy();

    const assumed: EcrFeedConfig = {
      ...config,
      credentials: {
        kind: 'assume-role',
        roleArn: role.arn,
        externalId: 'ext-42',
        source: { kind: 'static', ...sb.credentials },
      },
    };
    const feed = openFeed(assumed);
    assert.deepEqual(
      (await feed.listTags('prod/api')).map((t) => t.tag),
      ['7.1.0'],
    );
    assert.match((await feed.digestOf('prod/api', '7.1.0')) ?? '', /^sha256:/);
    // The default account's repository is not visible from the role's account.
    await rejectsWith(feed.listTags('team/web'), 'FEED_REPOSITORY_NOT_FOUND');
    feed.close();

    const wrong = openFeed({
      ...assumed,
      credentials: { ...assumed.credentials, externalId: 'nope' } as never,
    });
    await assert.rejects(wrong.listTags('prod/api'), (e: unknown) => {
      assert.ok(e instanceof SlipwayError, String(e));
      assert.match(e.message, /feed-reader/);
      return true;
    });
    wrong.close();
  });

  it('the sandbox registry pages tags with n/last and Link; the registry feed follows every page', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'paged' }));
    const out = await ecr.send(new GetAuthorizationTokenCommand({}));
    const [user, password] = Buffer.from(out.authorizationData![0]!.authorizationToken!, 'base64')
      .toString()
      .split(':') as [string, string];
    // Two over the registry API (blobs and manifest), the rest through PutImage.
    const pushed = [await pushImage(sb.endpoint, 'paged', '0.0.1', basic(user, password))];
    pushed.push(await pushImage(sb.endpoint, 'paged', '0.0.2', basic(user, password)));
    const tags = ['0.0.1', '0.0.2'];
    for (let i = 3; i <= 33; i++) {
      const tag = `0.0.${i}`;
      await ecr.send(
        new PutImageCommand({ repositoryName: 'paged', imageTag: tag, imageManifest: manifest(tag) }),
      );
      tags.push(tag);
    }
    // The registry itself pages: 7 and a Link.
    const page = await fetch(`${sb.endpoint}/v2/paged/tags/list?n=7`, {
      headers: { Authorization: basic(user, password) },
    });
    assert.equal(((await page.json()) as { tags: string[] }).tags.length, 7);
    assert.match(page.headers.get('link') ?? '', /rel="next"/);

    const feed = openFeed(
      { kind: 'docker-registry', url: sb.endpoint, username: user, password },
      { pageSize: 7 },
    );
    const listed = (await feed.listTags('paged')).map((t) => t.tag);
    assert.equal(listed.length, 33);
    assert.deepEqual([...listed].sort(), [...tags].sort());
    assert.equal(matchingVersions(listed)[0]?.original, '0.0.33');
    assert.equal(await feed.digestOf('paged', '0.0.2'), pushed[1]);
    const repos = await openFeed(
      { kind: 'docker-registry', url: sb.endpoint, username: user, password },
      { pageSize: 1 },
    ).listRepositories();
    assert.deepEqual(repos, ['paged', 'team/web']);
  });
});
