/** Table tests for the feeds' pure parts: challenges, Link headers, names, URLs, package variables. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../core/errors.js';
import { apiRepositoryName, parseRegistryUrl } from './docker-registry.js';
import { imageReference, packageVariables } from './package-variables.js';
import { checkRepositoryName, nextLink } from './registry-api.js';
import { parseChallenge } from './token.js';

describe('parseChallenge', () => {
  const cases: Array<[string | null, ReturnType<typeof parseChallenge>]> = [
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      {
        scheme: 'bearer',
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/nginx:pull',
      },
    ],
    [
      'bearer realm="https://r/t", error="insufficient_scope", scope="repository:a:pull,push"',
      {
        scheme: 'bearer',
        realm: 'https://r/t',
        scope: 'repository:a:pull,push',
        error: 'insufficient_scope',
      },
    ],
    [
      'Bearer realm=https://r/token,service=reg',
      { scheme: 'bearer', realm: 'https://r/token', service: 'reg' },
    ],
    ['Basic realm="basic-realm"', { scheme: 'basic', realm: 'basic-realm' }],
    ['Basic', { scheme: 'basic' }],
    ['Bearer service="x"', undefined],
    ['Negotiate abc', undefined],
    ['', undefined],
    [null, undefined],
  ];
  for (const [header, want] of cases) {
    it(String(header), () => assert.deepEqual(parseChallenge(header), want));
  }
});

describe('nextLink', () => {
  const cases: Array<[string | null, string | undefined]> = [
    ['</v2/a/tags/list?n=100&last=b>; rel="next"', '/v2/a/tags/list?n=100&last=b'],
    [
      '<https://r.example/v2/a/tags/list?last=b&n=2>; rel=next',
      'https://r.example/v2/a/tags/list?last=b&n=2',
    ],
    ['</p?1>; rel="prev", </n?2>; rel="next"', '/n?2'],
    ['</p?1>; rel="prev"', undefined],
    [null, undefined],
  ];
  for (const [header, want] of cases) it(String(header), () => assert.equal(nextLink(header), want));
});

describe('checkRepositoryName', () => {
  for (const ok of ['web', 'team/web', 'a.b_c-d/e__f', 'library/ubuntu', 'a/b/c/d']) {
    it(`accepts ${ok}`, () => assert.doesNotThrow(() => checkRepositoryName(ok)));
  }
  for (const bad of ['', 'Web', 'team/', '/web', 'a//b', 'web:1.0', '-web', 'a..b', '../x']) {
    it(`refuses "${bad}"`, () =>
      assert.throws(
        () => checkRepositoryName(bad),
        (e: unknown) => e instanceof SlipwayError && e.code === 'INVALID_INPUT',
      ));
  }
});

describe('parseRegistryUrl', () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['https://registry.example.com', 'https://registry.example.com/', 'registry.example.com', false],
    ['http://127.0.0.1:5000', 'http://127.0.0.1:5000/', '127.0.0.1:5000', false],
    ['registry.example.com:8443', 'https://registry.example.com:8443/', 'registry.example.com:8443', false],
    [
      'https://artifactory.example.com/docker-remote',
      'https://artifactory.example.com/docker-remote',
      'artifactory.example.com',
      false,
    ],
    ['docker.io', 'https://registry-1.docker.io/', 'docker.io', true],
    ['https://index.docker.io/v1/', 'https://registry-1.docker.io/', 'docker.io', true],
  ];
  for (const [text, base, host, hub] of cases) {
    it(text, () => {
      const r = parseRegistryUrl(text);
      assert.equal(r.baseUrl.href, base);
      assert.equal(r.registryHost, host);
      assert.equal(r.dockerHub, hub);
    });
  }
  for (const bad of ['ftp://x', 'https://user:pw@r.example', 'http://', 'https://r.example?x=1']) {
    it(`refuses ${bad}`, () =>
      assert.throws(
        () => parseRegistryUrl(bad),
        (e: unknown) => e instanceof SlipwayError && e.code === 'INVALID_INPUT' && !e.message.includes('pw@'),
      ));
  }
  it('puts Docker Hub official images under library/ for the API only', () => {
    assert.equal(apiRepositoryName('nginx', true), 'library/nginx');
    assert.equal(apiRepositoryName('bitnami/nginx', true), 'bitnami/nginx');
    assert.equal(apiRepositoryName('nginx', false), 'nginx');
  });
});

describe('packageVariables', () => {
  it('gives the Octopus package variables with a fully qualified image', () => {
    assert.deepEqual(
      packageVariables({ id: 'Feeds-2', registryHost: 'registry.example.com:5000' }, 'team/web', '1.4.2'),
      {
        PackageId: 'team/web',
        PackageVersion: '1.4.2',
        FeedId: 'Feeds-2',
        Image: 'registry.example.com:5000/team/web:1.4.2',
        Registry: 'registry.example.com:5000',
      },
    );
  });
  it('keeps Docker Hub images as docker.io/<name>', () => {
    assert.equal(
      packageVariables({ id: 'hub', registryHost: 'docker.io' }, 'nginx', '1.27').Image,
      'docker.io/nginx:1.27',
    );
  });
  it('references a digest with @', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    assert.equal(imageReference('r.example', 'web', d), `r.example/web@${d}`);
  });
  it('refuses empty parts', () => {
    assert.throws(() => packageVariables({ id: 'f', registryHost: '' }, 'web', '1.0'), /registry/);
  });
});
