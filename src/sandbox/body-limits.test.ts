/**
 * Request bodies over their limit are answered 413 in the protocol's error shape (registry:
 * SIZE_INVALID) before they are read whole, and the client gets to read that answer.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { startSandbox, type SandboxHandle } from './index.js';

const MiB = 1024 * 1024;
const ECS_TARGET = 'AmazonEC2ContainerServiceV20141113';

/** A SigV4-looking Authorization header for the default account (the signature is not checked). */
function awsAuth(sb: SandboxHandle, service: string): string {
  return (
    `AWS4-HMAC-SHA256 Credential=${sb.credentials.accessKeyId}/20260101/${sb.region}/${service}/aws4_request, ` +
    'SignedHeaders=host;x-amz-date, Signature=0'
  );
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Bytes the client had written when the answer arrived. */
  sent: number;
  /** Whether the server asked for the body with 100 Continue. */
  continued: boolean;
}

/**
 * Sends a body of `size` bytes (Content-Length unless `chunked`) in 64 KiB pieces, stopping as soon
 * as the answer arrives: `sent` below `size` shows the server answered before reading it all.
 */
function send(
  sb: SandboxHandle,
  method: string,
  path: string,
  size: number,
  opts: { headers?: Record<string, string>; chunked?: boolean; expectContinue?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (!opts.chunked) headers['content-length'] = String(size);
    if (opts.expectContinue) headers.expect = '100-continue';
    const req = request(`${sb.endpoint}${path}`, { method, headers });
    let sent = 0;
    let answered = false;
    let continued = false;
    const piece = Buffer.alloc(64 * 1024, 0x61);
    const pump = () => {
      while (!answered && sent < size) {
        const n = Math.min(piece.length, size - sent);
        sent += n;
        if (!req.write(n === piece.length ? piece : piece.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          sent,
          continued,
        });
        req.destroy();
      });
    });
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    if (opts.expectContinue) {
      req.on('continue', () => {
        continued = true;
        pump();
      });
      req.flushHeaders();
    } else pump();
  });
}

describe('AWS API bodies over the limit', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false });
  });
  after(() => sb.close());

  const ecsHeaders = () => ({
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `${ECS_TARGET}.ListClusters`,
    authorization: awsAuth(sb, 'ecs'),
  });

  it('JSON 1.1: 413 RequestEntityTooLargeException before the body is read', async () => {
    const r = await send(sb, 'POST', '/', 64 * MiB, { headers: ecsHeaders() });
    assert.equal(r.status, 413);
    assert.equal(r.headers['x-amzn-errortype'], 'RequestEntityTooLargeException');
    assert.match((JSON.parse(r.body) as { message: string }).message, /larger than the 10485760-byte limit/);
    assert.ok(r.sent < 64 * MiB, `answered after ${r.sent} bytes`);
  });

  it('a body without Content-Length is cut off as it passes the limit', async () => {
    const r = await send(sb, 'POST', '/', 64 * MiB, { headers: ecsHeaders(), chunked: true });
    assert.equal(r.status, 413);
    assert.equal(r.headers['x-amzn-errortype'], 'RequestEntityTooLargeException');
    assert.ok(r.sent < 64 * MiB, `answered after ${r.sent} bytes`);
  });

  it('the client reads the answer, and the sandbox keeps serving', async () => {
    // Just over the limit, sent whole: before the fix the connection was reset instead.
    const r = await send(sb, 'POST', '/', 10 * MiB + 1, { headers: ecsHeaders() });
    assert.equal(r.status, 413);
    const ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    assert.deepEqual((await ecs.send(new ListClustersCommand({}))).clusterArns, []);
  });

  it('Expect: 100-continue: refused without asking for the body', async () => {
    const r = await send(sb, 'POST', '/', 64 * MiB, { headers: ecsHeaders(), expectContinue: true });
    assert.equal(r.status, 413);
    assert.equal(r.continued, false);
    assert.equal(r.sent, 0);
    assert.equal(r.headers.connection, 'close');
  });

  it('Query (STS, IAM): 413 in the XML error shape past 1 MiB', async () => {
    const r = await send(sb, 'POST', '/', 2 * MiB, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: awsAuth(sb, 'sts') },
    });
    assert.equal(r.status, 413);
    assert.match(r.body, /<Code>RequestEntityTooLarge<\/Code>/);
    assert.match(r.body, /<Type>Sender<\/Type>/);
  });

  it('the admin API: 413 past 1 MiB', async () => {
    const r = await send(sb, 'PUT', '/_sandbox/settings', 2 * MiB);
    assert.equal(r.status, 413);
    assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'INVALID_INPUT');
  });
});

/** Creates the repository `app` and returns the registry's Basic authorization header. */
async function registryLogin(sb: SandboxHandle): Promise<string> {
  const ecr = new ECRClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
  const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
  return `Basic ${authorizationData?.[0]?.authorizationToken ?? ''}`;
}

describe('registry uploads over the blob limit', () => {
  let sb: SandboxHandle;
  let auth: string;

  before(async () => {
    sb = await startSandbox({ port: 0, throttling: false, maxBlobBytes: MiB });
    auth = await registryLogin(sb);
  });
  after(() => sb.close());

  function errorOf(r: Answer): { code: string; detail?: { limit?: number } } {
    return (JSON.parse(r.body) as { errors: { code: string; detail?: { limit?: number } }[] }).errors[0]!;
  }

  async function startUpload(): Promise<string> {
    const r = await fetch(`${sb.endpoint}/v2/app/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: auth },
    });
    assert.equal(r.status, 202);
    return new URL(r.headers.get('location')!).pathname;
  }

  it('a monolithic upload over the limit: 413 SIZE_INVALID before it is read', async () => {
    const digest = `sha256:${'0'.repeat(64)}`;
    const r = await send(sb, 'POST', `/v2/app/blobs/uploads/?digest=${digest}`, 64 * MiB, {
      headers: { authorization: auth },
    });
    assert.equal(r.status, 413);
    assert.equal(errorOf(r).code, 'SIZE_INVALID');
    assert.equal(errorOf(r).detail?.limit, MiB);
    assert.ok(r.sent < 64 * MiB);
  });

  it('a chunked stream (no Content-Length) is cut off at the limit', async () => {
    const path = await startUpload();
    const r = await send(sb, 'PATCH', path, 64 * MiB, { headers: { authorization: auth }, chunked: true });
    assert.equal(r.status, 413);
    assert.equal(errorOf(r).code, 'SIZE_INVALID');
    assert.ok(r.sent < 64 * MiB);
  });

  it('chunks count together: the PATCH that passes the limit is refused', async () => {
    const path = await startUpload();
    const first = await send(sb, 'PATCH', path, 768 * 1024, { headers: { authorization: auth } });
    assert.equal(first.status, 202);
    const second = await send(sb, 'PATCH', path, 512 * 1024, { headers: { authorization: auth } });
    assert.equal(second.status, 413);
    assert.equal(errorOf(second).code, 'SIZE_INVALID');
  });

  it('a blob within the limit is accepted', async () => {
    const data = Buffer.alloc(MiB, 0x61);
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    const r = await fetch(`${sb.endpoint}/v2/app/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      headers: { authorization: auth },
      body: data,
    });
    assert.equal(r.status, 201);
  });

  it('the default limit is 32 MiB: a 60 MB layer is refused', async () => {
    const plain = await startSandbox({ port: 0, throttling: false });
    try {
      const login = await registryLogin(plain);
      const digest = `sha256:${'0'.repeat(64)}`;
      const r = await send(plain, 'POST', `/v2/app/blobs/uploads/?digest=${digest}`, 60_000_000, {
        headers: { authorization: login },
      });
      assert.equal(r.status, 413);
      assert.equal(errorOf(r).detail?.limit, 32 * MiB);
    } finally {
      await plain.close();
    }
  });
});
