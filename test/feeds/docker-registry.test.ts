/**
 * The registry feed against a real registry: Debian's docker-registry (distribution 2.x), once
 * without auth and once with htpasswd Basic auth. Images are pushed over the registry API here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SlipwayError } from '../../src/core/errors.js';
import { matchingVersions } from '../../src/core/versions/index.js';
import { openFeed, packageVariables, TokenCache } from '../../src/feeds/index.js';
import {
  basic,
  pushImage,
  registryUnavailableReason,
  startRegistry,
  type RegistryHandle,
} from '../helpers/registry.js';
import { freePort } from '../helpers/moto.js';

const TAGS = ['1.0.0', '1.1.0', '1.2.0-beta.1', '1.2.0', '2.1.0-rc.1', 'v2.1', 'latest', 'main-abc123'];

/** Asserts a promise rejects with a SlipwayError of `code` whose message matches every pattern. */
async function rejectsWith(p: Promise<unknown>, code: string, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, code, e.message);
    for (const re of patterns) assert.match(e.message, re);
    return true;
  });
}

describe('docker registry feed (real registry, no auth)', () => {
  let reg: RegistryHandle | undefined;
  const digests = new Map<string, string>();

  before(async () => {
    reg = await startRegistry();
    if (!reg) return;
    for (const tag of TAGS) digests.set(tag, await pushImage(reg.url, 'team/web', tag));
  });
  after(() => reg?.close());

  it('lists every tag, filters by channel rules and picks the newest', async (t) => {
    if (!reg) return t.skip(registryUnavailableReason());
    const feed = openFeed({ kind: 'docker-registry', url: reg.url });
    assert.equal(feed.registryHost, reg.host);
    const tags = await feed.listTags('team/web');
    assert.deepEqual(tags.map((x) => x.tag).sort(), [...TAGS].sort());
    const names = tags.map((x) => x.tag);
    // Stable 1.x: releases only.
    const stable = matchingVersions(names, { versionRange: '[1.0,2.0)', preReleaseTag: '^$' });
    assert.deepEqual(
      stable.map((v) => v.original),
      ['1.2.0', '1.1.0', '1.0.0'],
    );
    // Beta 2.x: anything in range, pre-releases included.
    const beta = matchingVersions(names, { versionRange: '[2.0,3.0)' });
    assert.deepEqual(
      beta.map((v) => v.original),
      ['v2.1', '2.1.0-rc.1'],
    );
    // `latest` and other non-versions are never chosen.
    assert.equal(matchingVersions(names)[0]?.original, 'v2.1');
    const newest = stable[0]!.original;
    assert.equal(await feed.digestOf('team/web', newest), digests.get(newest));
    assert.deepEqual(
      packageVariables({ id: 'Feeds-1', registryHost: feed.registryHost }, 'team/web', newest),
      {
        PackageId: 'team/web',
        PackageVersion: '1.2.0',
        FeedId: 'Feeds-1',
        Image: `${reg.host}/team/web:1.2.0`,
        Registry: reg.host,
      },
    );
  });

  it('answers undefined for the digest of a tag that does not exist', async (t) => {
    if (!reg) return t.skip(registryUnavailableReason());
    const feed = openFeed({ kind: 'docker-registry', url: reg.url });
    assert.equal(await feed.digestOf('team/web', '9.9.9'), undefined);
  });

  it('lists repositories through /v2/_catalog', async (t) => {
    if (!reg) return t.skip(registryUnavailableReason());
    await pushImage(reg.url, 'team/api', '0.1.0');
    const feed = openFeed({ kind: 'docker-registry', url: reg.url });
    assert.deepEqual(await feed.listRepositories(), ['team/api', 'team/web']);
  });

  it('names the registry and the repository when the repository does not exist', async (t) => {
    if (!reg) return t.skip(registryUnavailableReason());
    const feed = openFeed({ kind: 'docker-registry', url: reg.url });
    await rejectsWith(
      feed.listTags('team/nope'),
      'FEED_REPOSITORY_NOT_FOUND',
      new RegExp(reg.host),
      /team\/nope/,
    );
    await rejectsWith(feed.digestOf('team/nope', '1.0.0'), 'FEED_REPOSITORY_NOT_FOUND', /team\/nope/);
  });

  it('refuses an invalid repository name before asking', async (t) => {
    if (!reg) return t.skip(registryUnavailableReason());
    const feed = openFeed({ kind: 'docker-registry', url: reg.url });
    await rejectsWith(feed.listTags('Team/Web'), 'INVALID_INPUT', /repository name/);
  });
});

describe('docker registry feed (real registry, htpasswd Basic auth)', () => {
  const user = { username: 'ci', password: 's3cret-pass' };
  let reg: RegistryHandle | undefined;

  before(async () => {
    reg = await startRegistry({ auth: user });
    if (!reg) return;
    for (const tag of ['3.0.0', '3.1.0', '3.2.0-alpha']) {
      await pushImage(reg.url, 'app', tag, basic(user.username, user.password));
    }
  });
  after(() => reg?.close());

  it('lists tags and reads digests with the right credentials', async (t) => {
    if (!reg) return t.skip(registryUnavailableReason());
    const feed = openFeed({ kind: 'docker-registry', url: reg.url, ...user });
    await feed.ping();
    const tags = (await feed.listTags('app')).map((x) => x.tag);
    assert.deepEqual(
      matchingVersions(tags, { preReleaseTag: '^$' }).map((v) => v.original),
      ['3.1.0', '3.0.0'],
    );
    assert.match((await feed.digestOf('app', '3.1.0')) ?? '', /^sha256:[0-9a-f]{64}$/);
  });

  it('FEED_UNAUTHORIZED naming the registry for a wrong password', async (t) => {
    if (!reg) return t.skip(registryUnavailableReason());
    const feed = openFeed({ kind: 'docker-registry', url: reg.url, username: 'ci', password: 'wrong' });
    await rejectsWith(
      feed.listTags('app'),
      'FEED_UNAUTHORIZED',
      new RegExp(reg.host),
      /refused/,
      /username \(ci\)/,
    );
  });

  it('FEED_UNAUTHORIZED saying credentials are needed when none are given', async (t) => {
    if (!reg) return t.skip(registryUnavailableReason());
    const feed = openFeed({ kind: 'docker-registry', url: reg.url });
    await rejectsWith(
      feed.listTags('app'),
      'FEED_UNAUTHORIZED',
      new RegExp(reg.host),
      /requires credentials/,
    );
  });
});

describe('docker registry feed: unreachable', () => {
  it('FEED_UNREACHABLE naming the registry after retrying, when nothing listens', async () => {
    const port = await freePort();
    const feed = openFeed(
      { kind: 'docker-registry', url: `http://127.0.0.1:${port}` },
      { maxAttempts: 3, retryBaseMs: 5, tokens: new TokenCache() },
    );
    await rejectsWith(
      feed.listTags('team/web'),
      'FEED_UNREACHABLE',
      new RegExp(`127\\.0\\.0\\.1:${port}`),
      /ECONNREFUSED/,
      /after 3 attempts/,
      /Check the URL/,
    );
  });

  it('times out a registry that never answers', async () => {
    const { createServer } = await import('node:net');
    // Accepts connections and says nothing.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const feed = openFeed(
        { kind: 'docker-registry', url: `http://127.0.0.1:${port}` },
        { timeoutMs: 200, maxAttempts: 2, retryBaseMs: 5 },
      );
      await rejectsWith(feed.listTags('x'), 'FEED_UNREACHABLE', /no answer within 0\.2 s/);
    } finally {
      silent.close();
    }
  });
});
