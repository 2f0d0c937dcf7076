import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlipwayError } from '../errors.js';
import {
  formatImageReference,
  parseImageReference,
  repositoryKey,
  resolveDeployImage,
  sameRepository,
  tryParseImageReference,
  withTag,
  type ImageReference,
} from './reference.js';

const SHA = 'sha256:' + 'a1'.repeat(32);
const SHA_B = 'sha256:' + 'b2'.repeat(32);
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('parseImageReference: valid references', () => {
  const cases: [string, ImageReference][] = [
    ['nginx', { repository: 'nginx' }],
    ['a', { repository: 'a' }],
    ['nginx:1.27', { repository: 'nginx', tag: '1.27' }],
    ['nginx:latest', { repository: 'nginx', tag: 'latest' }],
    ['library/nginx', { repository: 'library/nginx' }],
    ['docker.io/library/nginx:1', { registry: 'docker.io', repository: 'library/nginx', tag: '1' }],
    ['team/app:v2', { repository: 'team/app', tag: 'v2' }],
    ['team/sub/deep/app', { repository: 'team/sub/deep/app' }],
    [`${ECR}/app:1.2.3`, { registry: ECR, repository: 'app', tag: '1.2.3' }],
    [`${ECR}/team/app`, { registry: ECR, repository: 'team/app' }],
    [
      'public.ecr.aws/nginx/nginx:1.27-alpine',
      { registry: 'public.ecr.aws', repository: 'nginx/nginx', tag: '1.27-alpine' },
    ],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app' }],
    ['localhost:5000/team/app:dev', { registry: 'localhost:5000', repository: 'team/app', tag: 'dev' }],
    ['127.0.0.1:4599/app:1', { registry: '127.0.0.1:4599', repository: 'app', tag: '1' }],
    ['[::1]:5000/app:1', { registry: '[::1]:5000', repository: 'app', tag: '1' }],
    ['Registry.Example.COM/app', { registry: 'Registry.Example.COM', repository: 'app' }],
    [
      'my-registry.io:443/a-b/c_d/e__f/g.h/i--j:T_1.x-Y',
      {
        registry: 'my-registry.io:443',
        repository: 'a-b/c_d/e__f/g.h/i--j',
        tag: 'T_1.x-Y',
      },
    ],
    // A single component is never a registry, so `localhost:5000` is the image localhost, tag 5000.
    ['localhost:5000', { repository: 'localhost', tag: '5000' }],
    ['localhost', { repository: 'localhost' }],
    [`app@${SHA}`, { repository: 'app', digest: SHA }],
    [`repo/app:1.0@${SHA}`, { repository: 'repo/app', tag: '1.0', digest: SHA }],
    [`${ECR}/app@${SHA}`, { registry: ECR, repository: 'app', digest: SHA }],
    [`localhost:5000/app:2@${SHA}`, { registry: 'localhost:5000', repository: 'app', tag: '2', digest: SHA }],
    ['app@sha512:' + 'c'.repeat(128), { repository: 'app', digest: 'sha512:' + 'c'.repeat(128) }],
    [
      'app@multihash+base58:' + 'F'.repeat(32),
      { repository: 'app', digest: 'multihash+base58:' + 'F'.repeat(32) },
    ],
    ['app:' + 'x'.repeat(128), { repository: 'app', tag: 'x'.repeat(128) }],
    ['app:_tag', { repository: 'app', tag: '_tag' }],
  ];
  for (const [text, expected] of cases) {
    it(text.length > 70 ? text.slice(0, 70) + '…' : text, () => {
      assert.deepEqual(parseImageReference(text), expected);
      assert.equal(formatImageReference(parseImageReference(text)), text, 'formatting round-trips');
    });
  }
});

describe('parseImageReference: invalid references say which part is wrong', () => {
  const cases: [string, string, RegExp][] = [
    ['', 'reference', /empty/],
    [' nginx', 'reference', /whitespace/],
    ['nginx :1', 'reference', /whitespace/],
    ['nginx:', 'tag', /tag is empty/],
    ['team/app:', 'tag', /tag is empty/],
    ['app:-x', 'tag', /tag "-x" is invalid/],
    ['app:.x', 'tag', /tag ".x" is invalid/],
    ['app:a+b', 'tag', /tag "a\+b" is invalid/],
    ['app:' + 'x'.repeat(129), 'tag', /at most 128/],
    [':1', 'repository', /repository name is missing/],
    [`@${SHA}`, 'repository', /repository name is missing/],
    ['Nginx', 'repository', /must be lower-case.*"Nginx".*use "nginx"/],
    ['team/MyApp:1', 'repository', /must be lower-case.*"MyApp"/],
    [`${ECR}/Team/app`, 'repository', /must be lower-case/],
    ['MyOrg/app', 'repository', /must be lower-case.*"MyOrg"/],
    ['/app', 'repository', /empty path component/],
    ['team//app', 'repository', /empty path component/],
    ['team/app/', 'repository', /empty path component/],
    [`${ECR}/`, 'repository', /empty path component/],
    ['registry.io/:1', 'repository', /empty path component/],
    ['app-/x', 'repository', /path component "app-" is invalid/],
    ['a..b', 'repository', /path component "a..b" is invalid/],
    ['a___b', 'repository', /path component "a___b" is invalid/],
    ['team/app:1:2', 'repository', /"app:1" has a ':'/],
    ['my_registry:5000/app', 'registry', /registry host "my_registry" is invalid/],
    ['localhost:/app', 'registry', /empty port/],
    ['localhost:abc/app', 'registry', /port "abc" is not a port number/],
    ['localhost:99999/app', 'registry', /port "99999"/],
    ['-bad.io/app', 'registry', /registry host "-bad.io" is invalid/],
    ['bad..io/app', 'registry', /invalid/],
    ['[zz]:5000/app', 'registry', /not an IPv6 address/],
    ['app@', 'digest', /digest is empty/],
    ['app@sha256', 'digest', /has no algorithm/],
    ['app@sha256:abc', 'digest', /64 lower-case hex characters.*is 3 characters/],
    ['app@sha256:' + 'A1'.repeat(32), 'digest', /lower-case hex/],
    ['app@sha256:' + 'g'.repeat(64), 'digest', /not all hex/],
    ['app@sha256:' + 'a'.repeat(65), 'digest', /is 65 characters/],
    ['app@SHA256:' + 'a'.repeat(64), 'digest', /algorithm "SHA256" is invalid/],
    ['app@md5:abc', 'digest', /at least 32 hex/],
    [`app@${SHA}@${SHA_B}`, 'digest', /more than one '@'/],
    ['app:1@', 'digest', /digest is empty/],
    ['a/'.repeat(128) + 'b', 'repository', /at most 255/],
  ];
  for (const [text, part, message] of cases) {
    it(`${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)} → ${part}`, () => {
      assert.throws(
        () => parseImageReference(text),
        (e: unknown) => {
          assert.ok(e instanceof SlipwayError);
          assert.equal(e.code, 'IMAGE_REFERENCE_INVALID');
          assert.equal(e.data['part'], part);
          assert.match(e.message, message);
          assert.ok(e.message.includes(JSON.stringify(text)), 'the message quotes the input');
          assert.match(e.message, /a valid reference looks like/);
          return true;
        },
      );
    });
  }

  it('stays fast on long near-miss inputs (no catastrophic backtracking)', () => {
    const start = Date.now();
    assert.throws(() => parseImageReference('a'.repeat(200) + '!'));
    assert.throws(() => parseImageReference('a-'.repeat(100) + '!'));
    assert.ok(Date.now() - start < 500);
  });

  it('tryParseImageReference answers undefined instead of throwing', () => {
    assert.equal(tryParseImageReference('Bad Image'), undefined);
    assert.equal(tryParseImageReference(42), undefined);
    assert.equal(tryParseImageReference(undefined), undefined);
    assert.deepEqual(tryParseImageReference('nginx:1'), { repository: 'nginx', tag: '1' });
  });
});

describe('sameRepository', () => {
  const same: [string, string][] = [
    ['nginx', 'nginx:1.27'],
    ['nginx', 'docker.io/library/nginx'],
    ['nginx', 'index.docker.io/library/nginx:1'],
    ['nginx', 'registry-1.docker.io/library/nginx'],
    ['library/nginx', 'docker.io/nginx'],
    ['team/app:1', 'docker.io/team/app:2'],
    ['DOCKER.IO/team/app', 'team/app'],
    [`${ECR}/app:1`, `${ECR}/app@${SHA}`],
    [`${ECR}/app`, `${ECR.toUpperCase()}/app`],
    ['localhost:5000/app:1', 'localhost:5000/app:2'],
    ['repo/app:2', `repo/app:1@${SHA}`],
  ];
  const different: [string, string][] = [
    // The script's substring match took each of these as the same image.
    ['repo/app:2', 'sidecar/repo/app:5'],
    ['repo/app:2', 'repo/app-sidecar:5'],
    ['repo/app:2', 'other.registry/repo/app:5'],
    ['repo/app:2', 'repo/app/worker:5'],
    ['app', 'myapp'],
    ['app', 'app2'],
    [`${ECR}/app`, `${ECR}/team/app`],
    [`${ECR}/app`, '999999999999.dkr.ecr.eu-west-1.amazonaws.com/app'],
    [`${ECR}/app`, 'app'],
    ['localhost:5000/app', 'localhost:5001/app'],
    ['localhost:5000/app', 'localhost/app'],
    ['localhost/app', 'app'],
    ['nginx', 'quay.io/library/nginx'],
    ['nginx', 'docker.io/other/nginx'],
    ['team/app', 'library/team/app'],
  ];
  for (const [a, b] of same) {
    it(`${a} = ${b}`, () => {
      assert.equal(sameRepository(parseImageReference(a), parseImageReference(b)), true);
      assert.equal(sameRepository(parseImageReference(b), parseImageReference(a)), true);
    });
  }
  for (const [a, b] of different) {
    it(`${a} ≠ ${b}`, () => {
      assert.equal(sameRepository(parseImageReference(a), parseImageReference(b)), false);
      assert.equal(sameRepository(parseImageReference(b), parseImageReference(a)), false);
    });
  }

  it('repositoryKey spells Docker Hub one way', () => {
    assert.equal(repositoryKey(parseImageReference('nginx:1')), 'docker.io/library/nginx');
    assert.equal(repositoryKey(parseImageReference('index.docker.io/team/app')), 'docker.io/team/app');
    assert.equal(repositoryKey(parseImageReference('Localhost:5000/app')), 'localhost:5000/app');
  });
});

describe('withTag', () => {
  const cases: [string, string, string][] = [
    ['nginx', '2', 'nginx:2'],
    ['nginx:1', '2', 'nginx:2'],
    // The script's tag-only turned a digest reference into `repo@sha256:newtag`.
    [`repo@${SHA}`, 'newtag', 'repo:newtag'],
    [`repo:1@${SHA}`, 'newtag', 'repo:newtag'],
    [`localhost:5000/app@${SHA}`, 'v3', 'localhost:5000/app:v3'],
    [`${ECR}/team/app:1`, 'build-42', `${ECR}/team/app:build-42`],
  ];
  for (const [text, tag, expected] of cases) {
    it(`${text} + ${tag} → ${expected}`, () => {
      const result = withTag(parseImageReference(text), tag);
      assert.equal(formatImageReference(result), expected);
      assert.equal(result.digest, undefined);
      assert.ok(!('digest' in result));
    });
  }
  it('rejects an invalid tag', () => {
    assert.throws(() => withTag(parseImageReference('nginx'), ''), { code: 'IMAGE_REFERENCE_INVALID' });
    assert.throws(() => withTag(parseImageReference('nginx'), 'a b'), /tag "a b" is invalid/);
  });
  it('does not mutate the reference', () => {
    const ref = Object.freeze(parseImageReference(`repo:1@${SHA}`));
    withTag(ref, '2');
    assert.deepEqual(ref, { repository: 'repo', tag: '1', digest: SHA });
  });
});

describe('resolveDeployImage', () => {
  const cases: [string, string | undefined, string][] = [
    ['nginx', undefined, 'nginx:latest'],
    ['repo/app', undefined, 'repo/app:latest'],
    ['localhost:5000/app', undefined, 'localhost:5000/app:latest'],
    ['repo/app:1', undefined, 'repo/app:1'],
    // A digest pins the image: no `latest` is added.
    [`repo/app@${SHA}`, undefined, `repo/app@${SHA}`],
    [`repo/app:1@${SHA}`, undefined, `repo/app:1@${SHA}`],
    // The tag from the environment variable beats the tag and the digest.
    ['repo/app', 'build-7', 'repo/app:build-7'],
    ['repo/app:1', 'build-7', 'repo/app:build-7'],
    [`repo/app@${SHA}`, 'build-7', 'repo/app:build-7'],
    [`repo/app:1@${SHA}`, 'build-7', 'repo/app:build-7'],
    [`localhost:5000/app:1`, '2', 'localhost:5000/app:2'],
  ];
  for (const [text, env, expected] of cases) {
    it(`${text}${env === undefined ? '' : ` with -e tag ${env}`} → ${expected}`, () => {
      assert.equal(formatImageReference(resolveDeployImage(text, env)), expected);
    });
  }
  it('rejects an unusable tag from the environment variable', () => {
    assert.throws(() => resolveDeployImage('repo/app', ''), /environment variable.*tag is empty/);
    assert.throws(() => resolveDeployImage('repo/app', 'a b'), { code: 'IMAGE_REFERENCE_INVALID' });
  });
  it('rejects an invalid reference', () => {
    assert.throws(() => resolveDeployImage('Repo/App', 'x'), /must be lower-case/);
  });
});
