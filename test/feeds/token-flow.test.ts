/**
 * The Bearer token flow against a small registry + token server written here: the registry answers
 * 401 with a `WWW-Authenticate: Bearer` challenge, the token server checks the scope and the Basic
 * credentials and issues tokens with `expires_in`. Also retries on 5xx/429 and absolute `Link`s.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SlipwayError } from '../../src/core/errors.js';
import { openFeed, TokenCache } from '../../src/feeds/index.js';

const USER = { username: 'robot', password: 'pa55' };
/** Repositories: public ones give anonymous tokens; private ones need USER. */
const REPOS: Record<string, { tags: string[]; private: boolean }> = {
  'library/public': { tags: ['1.0', '1.1', '2.0-beta', 'latest'], private: false },
  'team/private': { tags: Array.from({ length: 25 }, (_, i) => `0.${i}.0`), private: true },
};
const DIGEST = `sha256:${'ab'.repeat(32)}`;

interface Issued {
  scope: string;
  expiresAt: number;
}

class FakeRegistry {
  server: Server;
  base = '';
  tokenRequests: Array<{ scope: string; user: string | undefined; service: string | null }> = [];
  unauthorized = 0;
  tokens = new Map<string, Issued>();
  /** Seconds the next tokens live for (undefined: the field is left out). */
  expiresIn: number | undefined = 300;
  /** Answers to give before the real one (status codes), for the retry tests. */
  failures: number[] = [];
  accepts: string[] = [];
  private seq = 0;

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.tokenRequests = [];
    this.unauthorized = 0;
    this.tokens.clear();
    this.expiresIn = 300;
    this.failures = [];
    this.accepts = [];
  }

  private json(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.base);
    if (url.pathname === '/token') return this.token(req, res, url);
    const failure = this.failures.shift();
    if (failure) {
      return this.json(
        res,
        failure,
        { errors: [{ code: 'UNAVAILABLE', message: 'try later' }] },
        { 'Retry-After': '0' },
      );
    }
    const m = /^\/v2\/(.+)\/(tags\/list|manifests\/[^/]+)$/.exec(url.pathname);
    const name = m?.[1] ?? '';
    const scope = `repository:${name}:pull`;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const issued = bearer ? this.tokens.get(bearer) : undefined;
    if (!issued || issued.scope !== scope || issued.expiresAt < Date.now()) {
      this.unauthorized++;
      return this.json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        {
          'WWW-Authenticate': `Bearer realm="${this.base}/token",service="fake-registry",scope="${scope}"`,
        },
      );
    }
    const repo = REPOS[name];
    if (!repo)
      return this.json(res, 404, {
        errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known' }],
      });
    if (m?.[2]?.startsWith('manifests/')) {
      this.accepts.push(req.headers.accept ?? '');
      res.writeHead(200, { 'Docker-Content-Digest': DIGEST, 'Content-Length': '0' });
      return void res.end();
    }
    // Pages with an absolute Link, as some hosted registries send.
    const n = Number(url.searchParams.get('n') ?? 1000);
    const last = url.searchParams.get('last');
    const rest = last ? repo.tags.slice(repo.tags.indexOf(last) + 1) : repo.tags;
    const page = rest.slice(0, n);
    const headers: Record<string, string> = {};
    if (rest.length > n) {
      headers.Link = `<${this.base}/v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1]!)}>; rel="next"`;
    }
    this.json(res, 200, { name, tags: page }, headers);
  }

  private token(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const scope = url.searchParams.get('scope') ?? '';
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [user, password] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
    this.tokenRequests.push({ scope, user, service: url.searchParams.get('service') });
    if (user !== undefined && (user !== USER.username || password !== USER.password)) {
      return this.json(res, 401, { details: 'incorrect username or password' });
    }
    const name = /^repository:(.+):pull$/.exec(scope)?.[1] ?? '';
    if (REPOS[name]?.private && user === undefined) {
      return this.json(res, 401, { details: 'authentication required for this scope' });
    }
    const token = `tok-${++this.seq}`;
    this.tokens.set(token, { scope, expiresAt: Date.now() + 3600_000 });
    this.json(res, 200, {
      token,
      ...(this.expiresIn !== undefined ? { expires_in: this.expiresIn } : {}),
      issued_at: new Date().toISOString(),
    });
  }
}

async function rejectsWith(p: Promise<unknown>, code: string, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SlipwayError, String(e));
    assert.equal(e.code, code, e.message);
    for (const re of patterns) assert.match(e.message, re);
    return true;
  });
}

describe('Bearer token flow', () => {
  const fake = new FakeRegistry();
  let clock = 1_000_000;
  const now = () => clock;
  const open = (creds = false) =>
    openFeed(
      { kind: 'docker-registry', url: fake.base, ...(creds ? USER : {}) },
      { now, retryBaseMs: 1, pageSize: 10 },
    );

  before(() => fake.start());
  after(() => new Promise<void>((r) => fake.server.close(() => r())));
  beforeEach(() => {
    fake.reset();
    clock = 1_000_000;
  });

  it('gets an anonymous token for a public repository, then reuses it without a challenge', async () => {
    const feed = open();
    const tags = await feed.listTags('library/public');
    assert.deepEqual(
      tags.map((t) => t.tag),
      REPOS['library/public']!.tags,
    );
    assert.deepEqual(fake.tokenRequests, [
      { scope: 'repository:library/public:pull', user: undefined, service: 'fake-registry' },
    ]);
    assert.equal(fake.unauthorized, 1);
    await feed.listTags('library/public');
    assert.equal(await feed.digestOf('library/public', '1.1'), DIGEST);
    assert.equal(fake.tokenRequests.length, 1, 'the token is cached per (realm, service, scope)');
    assert.equal(fake.unauthorized, 1, 'later requests send the cached token up front');
    assert.match(fake.accepts[0] ?? '', /application\/vnd\.oci\.image\.index\.v1\+json/);
    assert.match(fake.accepts[0] ?? '', /application\/vnd\.docker\.distribution\.manifest\.v2\+json/);
  });

  it('sends Basic credentials to the token server, following absolute Links across pages', async () => {
    const feed = open(true);
    const tags = await feed.listTags('team/private');
    assert.equal(tags.length, 25, 'three pages of 10');
    assert.deepEqual(
      fake.tokenRequests.map((r) => r.user),
      ['robot'],
    );
  });

  it('FEED_UNAUTHORIZED when the token server wants credentials, or refuses them', async () => {
    await rejectsWith(
      open().listTags('team/private'),
      'FEED_UNAUTHORIZED',
      new RegExp(fake.base),
      /requires credentials/,
    );
    const wrong = openFeed(
      { kind: 'docker-registry', url: fake.base, username: 'robot', password: 'nope' },
      { now },
    );
    await rejectsWith(wrong.listTags('team/private'), 'FEED_UNAUTHORIZED', /refused/, /token server/);
  });

  it('fetches a new token when the cached one expires (expires_in minus a margin)', async () => {
    fake.expiresIn = 60;
    const feed = open();
    await feed.listTags('library/public');
    clock += 45_000;
    await feed.listTags('library/public');
    assert.equal(fake.tokenRequests.length, 1);
    clock += 10_000; // 55 s: within the 10 s margin of expiry
    await feed.listTags('library/public');
    assert.equal(fake.tokenRequests.length, 2);
  });

  it('assumes 60 s when the token server gives no expires_in', async () => {
    fake.expiresIn = undefined;
    const feed = open();
    await feed.listTags('library/public');
    clock += 49_000;
    await feed.listTags('library/public');
    assert.equal(fake.tokenRequests.length, 1);
    clock += 2_000;
    await feed.listTags('library/public');
    assert.equal(fake.tokenRequests.length, 2);
  });

  it('fetches a new token when the registry refuses a cached one', async () => {
    const feed = open();
    await feed.listTags('library/public');
    fake.tokens.clear(); // revoked server-side
    assert.equal((await feed.listTags('library/public')).length, 4);
    assert.equal(fake.tokenRequests.length, 2);
  });

  it('asks for one token when several requests need it at once', async () => {
    const feed = openFeed({ kind: 'docker-registry', url: fake.base }, { tokens: new TokenCache() });
    await Promise.all([1, 2, 3, 4].map(() => feed.listTags('library/public')));
    assert.equal(fake.tokenRequests.length, 1);
  });

  it('retries 503 and 429 with backoff, then succeeds', async () => {
    fake.failures = [503, 429, 502];
    const feed = open();
    assert.equal((await feed.listTags('library/public')).length, 4);
    assert.equal(fake.failures.length, 0);
  });

  it('FEED_UNREACHABLE naming the registry when 5xx outlasts the attempts', async () => {
    fake.failures = [503, 503, 503, 503, 503];
    const feed = openFeed(
      { kind: 'docker-registry', url: fake.base },
      { now, retryBaseMs: 1, maxAttempts: 3 },
    );
    await rejectsWith(
      feed.listTags('library/public'),
      'FEED_UNREACHABLE',
      new RegExp(fake.base),
      /HTTP 503/,
      /after 3 attempts/,
    );
  });

  it('FEED_REPOSITORY_NOT_FOUND for NAME_UNKNOWN', async () => {
    await rejectsWith(
      open().listTags('team/gone'),
      'FEED_REPOSITORY_NOT_FOUND',
      new RegExp(fake.base),
      /team\/gone/,
    );
  });
});
