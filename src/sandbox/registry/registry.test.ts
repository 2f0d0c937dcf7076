import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { startSandbox, type SandboxHandle } from '../index.js';

const SCHEMA2 = 'application/vnd.docker.distribution.manifest.v2+json';

function sha(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

describe('registry (Docker Registry HTTP API v2)', () => {
  let sb: SandboxHandle;
  let ecr: ECRClient;
  let auth: string;
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux' }));
  const layer = Buffer.from('a tiny layer, not really a tarball');
  let manifest: string;

  async function call(
    method: string,
    path: string,
    opts: { body?: Buffer | string; headers?: Record<string, string>; auth?: string | null } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers };
    const a = opts.auth === undefined ? auth : opts.auth;
    if (a !== null) headers.authorization = a;
    return fetch(`${sb.endpoint}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });
  }

  async function errorCode(r: Response): Promise<string | undefined> {
    const body = (await r.json()) as { errors: { code: string }[] };
    return body.errors[0]?.code;
  }

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 100, throttling: false });
    ecr = new ECRClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/app' }));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'other' }));
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    auth = `Basic ${authorizationData?.[0]?.authorizationToken ?? ''}`;
    manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: SCHEMA2,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: config.length,
        digest: sha(config),
      },
      layers: [
        {
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          size: layer.length,
          digest: sha(layer),
        },
      ],
    });
  });
  after(() => sb.close());

  it('answers /v2/ with the API version, and 401 without credentials', async () => {
    const ok = await call('GET', '/v2/');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('docker-distribution-api-version'), 'registry/2.0');
    const anon = await call('GET', '/v2/', { auth: null });
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic realm="/);
    assert.equal(await errorCode(anon), 'UNAUTHORIZED');
    const wrong = await call('GET', '/v2/', { auth: `Basic ${Buffer.from('AWS:nope').toString('base64')}` });
    assert.equal(wrong.status, 401);
  });

  it('pushes an image: monolithic and chunked blob uploads, then the manifest', async () => {
    // Config: monolithic POST with ?digest=.
    const mono = await call('POST', `/v2/team/app/blobs/uploads/?digest=${sha(config)}`, { body: config });
    assert.equal(mono.status, 201);
    assert.equal(mono.headers.get('docker-content-digest'), sha(config));
    // Layer: POST, PATCH in two chunks, PUT with the digest.
    const start = await call('POST', '/v2/team/app/blobs/uploads/');
    assert.equal(start.status, 202);
    let location = start.headers.get('location') ?? '';
    assert.ok(start.headers.get('docker-upload-uuid'));
    const half = Math.floor(layer.length / 2);
    const p1 = await call('PATCH', new URL(location).pathname, {
      body: layer.subarray(0, half),
      headers: { 'content-range': `0-${half - 1}`, 'content-type': 'application/octet-stream' },
    });
    assert.equal(p1.status, 202);
    assert.equal(p1.headers.get('range'), `0-${half - 1}`);
    location = p1.headers.get('location') ?? '';
    const badRange = await call('PATCH', new URL(location).pathname, {
      body: layer.subarray(half),
      headers: { 'content-range': `0-3` },
    });
    assert.equal(badRange.status, 416);
    const p2 = await call('PATCH', new URL(location).pathname, { body: layer.subarray(half) });
    assert.equal(p2.status, 202);
    const wrongDigest = await call('PUT', `${new URL(location).pathname}?digest=${sha('something else')}`);
    assert.equal(wrongDigest.status, 400);
    assert.equal(await errorCode(wrongDigest), 'DIGEST_INVALID');
    const done = await call('PUT', `${new URL(location).pathname}?digest=${sha(layer)}`);
    assert.equal(done.status, 201);
    assert.equal(done.headers.get('docker-content-digest'), sha(layer));

    const head = await call('HEAD', `/v2/team/app/blobs/${sha(layer)}`);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(layer.length));
    const get = await call('GET', `/v2/team/app/blobs/${sha(config)}`);
    assert.deepEqual(Buffer.from(await get.arrayBuffer()), config);
    const missing = await call('GET', `/v2/team/app/blobs/${sha('missing')}`);
    assert.equal(missing.status, 404);
    assert.equal(await errorCode(missing), 'BLOB_UNKNOWN');

    const put = await call('PUT', '/v2/team/app/manifests/v1', {
      body: manifest,
      headers: { 'content-type': SCHEMA2 },
    });
    assert.equal(put.status, 201);
    assert.equal(put.headers.get('docker-content-digest'), sha(manifest));
    // Pushing the same manifest again is fine for a registry.
    const again = await call('PUT', '/v2/team/app/manifests/v1', {
      body: manifest,
      headers: { 'content-type': SCHEMA2 },
    });
    assert.equal(again.status, 201);
  });

  it('serves the manifest and shows the image through ECR', async () => {
    const head = await call('HEAD', '/v2/team/app/manifests/v1', { headers: { accept: SCHEMA2 } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('docker-content-digest'), sha(manifest));
    assert.equal(head.headers.get('content-type'), SCHEMA2);
    const byDigest = await call('GET', `/v2/team/app/manifests/${sha(manifest)}`);
    assert.equal(await byDigest.text(), manifest);
    const unknown = await call('GET', '/v2/team/app/manifests/nope');
    assert.equal(unknown.status, 404);
    assert.equal(await errorCode(unknown), 'MANIFEST_UNKNOWN');
    const noRepo = await call('GET', '/v2/missing/manifests/v1');
    assert.equal(await errorCode(noRepo), 'NAME_UNKNOWN');

    const d = await ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' }));
    assert.equal(d.imageDetails?.length, 1);
    assert.equal(d.imageDetails?.[0]?.imageDigest, sha(manifest));
    assert.deepEqual(d.imageDetails?.[0]?.imageTags, ['v1']);
    assert.equal(d.imageDetails?.[0]?.imageSizeInBytes, layer.length);
    assert.ok(d.imageDetails?.[0]?.lastRecordedPullTime instanceof Date);
  });

  it('refuses manifests with missing blobs, bad tags and wrong digests', async () => {
    const dangling = JSON.stringify({
      schemaVersion: 2,
      mediaType: SCHEMA2,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1, digest: sha('nope') },
      layers: [],
    });
    const r = await call('PUT', '/v2/team/app/manifests/dangling', {
      body: dangling,
      headers: { 'content-type': SCHEMA2 },
    });
    assert.equal(r.status, 400);
    assert.equal(await errorCode(r), 'MANIFEST_BLOB_UNKNOWN');
    const badTag = await call('PUT', '/v2/team/app/manifests/-bad', {
      body: manifest,
      headers: { 'content-type': SCHEMA2 },
    });
    assert.equal(await errorCode(badTag), 'TAG_INVALID');
    const badDigest = await call('PUT', `/v2/team/app/manifests/${sha('x')}`, {
      body: manifest,
      headers: { 'content-type': SCHEMA2 },
    });
    assert.equal(await errorCode(badDigest), 'DIGEST_INVALID');
    const invalid = await call('PUT', '/v2/team/app/manifests/x', {
      body: '{oops',
      headers: { 'content-type': SCHEMA2 },
    });
    assert.equal(await errorCode(invalid), 'MANIFEST_INVALID');
    const noRepo = await call('POST', '/v2/missing/blobs/uploads/');
    assert.equal(await errorCode(noRepo), 'NAME_UNKNOWN');
    const noUpload = await call('PATCH', '/v2/team/app/blobs/uploads/not-a-session', { body: 'x' });
    assert.equal(await errorCode(noUpload), 'BLOB_UPLOAD_UNKNOWN');
  });

  it('mounts blobs across repositories', async () => {
    const r = await call('POST', `/v2/other/blobs/uploads/?mount=${sha(layer)}&from=team/app`);
    assert.equal(r.status, 201);
    const head = await call('HEAD', `/v2/other/blobs/${sha(layer)}`);
    assert.equal(head.status, 200);
    const notThere = await call('POST', `/v2/other/blobs/uploads/?mount=${sha('zzz')}&from=team/app`);
    assert.equal(notThere.status, 202);
  });

  it('lists tags with n/last pagination and Link headers', async () => {
    // Images pushed through ECR PutImage show up in the registry too.
    const tags = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    for (const t of tags)
      await ecr.send(
        new PutImageCommand({ repositoryName: 'team/app', imageManifest: manifest, imageTag: t }),
      );
    const all = (await (await call('GET', '/v2/team/app/tags/list')).json()) as {
      name: string;
      tags: string[];
    };
    assert.equal(all.name, 'team/app');
    assert.deepEqual(all.tags, [...tags, 'v1']);
    const seen: string[] = [];
    let path: string | undefined = '/v2/team/app/tags/list?n=5';
    let pages = 0;
    while (path) {
      const r = await call('GET', path);
      assert.equal(r.status, 200);
      seen.push(...((await r.json()) as { tags: string[] }).tags);
      pages++;
      const link = r.headers.get('link');
      if (link) assert.match(link, /^<\/v2\/team\/app\/tags\/list\?n=5&last=[^>]+>; rel="next"$/);
      path = link ? /^<([^>]+)>/.exec(link)?.[1] : undefined;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, [...tags, 'v1']);
    const bad = await call('GET', '/v2/team/app/tags/list?n=abc');
    assert.equal(await errorCode(bad), 'PAGINATION_NUMBER_INVALID');
  });

  it('deletes manifests by tag and digest', async () => {
    const r = await call('DELETE', '/v2/team/app/manifests/t00');
    assert.equal(r.status, 202);
    const gone = await call('HEAD', '/v2/team/app/manifests/t00');
    assert.equal(gone.status, 404);
    const byDigest = await call('DELETE', `/v2/team/app/manifests/${sha(manifest)}`);
    assert.equal(byDigest.status, 202);
    const d = await ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' }));
    assert.equal(d.imageDetails?.length, 0);
  });

  it('refuses an expired token', async () => {
    sb.runtime.clock.advance(13 * 3600 * 1000);
    const r = await call('GET', '/v2/');
    assert.equal(r.status, 401);
    assert.equal(await errorCode(r), 'UNAUTHORIZED');
    assert.ok(r.headers.get('www-authenticate'));
  });
});
