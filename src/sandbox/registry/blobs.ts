/** Blob reads and uploads (monolithic, chunked and cross-repository mounts). */
import type { EcrRepository, UploadSession } from '../ecr/model.js';
import { DIGEST_PATTERN, sha256Digest } from '../ecr/manifest.js';
import { readBody, RegistryError, repositoryOf, send, type RegistryRequest } from './http.js';

function uploadHeaders(r: RegistryRequest, name: string, u: UploadSession): Record<string, string> {
  const size = Buffer.from(u.data, 'base64').length;
  return {
    Location: `${r.base}/v2/${name}/blobs/uploads/${u.id}`,
    Range: `0-${Math.max(0, size - 1)}`,
    'Docker-Upload-UUID': u.id,
    'Content-Length': '0',
  };
}

/** Stores verified content under its digest and links it to the repository. */
function commit(r: RegistryRequest, repo: EcrRepository, digest: string, data: Buffer): void {
  if (!DIGEST_PATTERN.test(digest) || !digest.startsWith('sha256:')) {
    throw new RegistryError('DIGEST_INVALID', 'provided digest did not match uploaded content', {
      digest,
      reason: 'only sha256 digests are supported',
    });
  }
  const actual = sha256Digest(data);
  if (actual !== digest) {
    throw new RegistryError('DIGEST_INVALID', 'provided digest did not match uploaded content', {
      digest,
      actual,
    });
  }
  r.ecr.blobs[digest] ??= data.toString('base64');
  repo.layers[digest] = data.length;
  r.runtime.changed();
}

function created(r: RegistryRequest, name: string, digest: string): void {
  send(r.res, 201, {
    Location: `${r.base}/v2/${name}/blobs/${digest}`,
    'Docker-Content-Digest': digest,
    'Content-Length': '0',
  });
}

/** POST /v2/<name>/blobs/uploads/: mount, monolithic upload, or a new upload session. */
export async function startUpload(r: RegistryRequest, name: string): Promise<void> {
  const repo = repositoryOf(r, name);
  const mount = r.url.searchParams.get('mount');
  const from = r.url.searchParams.get('from');
  if (mount && from) {
    const source = r.ecr.repositories[from];
    const size = source?.layers[mount];
    if (size !== undefined && r.ecr.blobs[mount] !== undefined) {
      repo.layers[mount] = size;
      r.runtime.changed();
      r.req.resume();
      created(r, name, mount);
      return;
    }
    // Not mountable: fall through to an ordinary upload, as registries do.
  }
  const digest = r.url.searchParams.get('digest');
  const body = await readBody(r.req, r.runtime.limits.maxBlobBytes, 'blob');
  if (digest) {
    commit(r, repo, digest, body);
    created(r, name, digest);
    return;
  }
  const u: UploadSession = {
    id: r.runtime.uuid(),
    repository: name,
    data: body.toString('base64'),
    startedAt: r.runtime.now(),
  };
  r.ecr.uploads[u.id] = u;
  r.runtime.changed();
  send(r.res, 202, uploadHeaders(r, name, u));
}

function session(r: RegistryRequest, name: string, id: string): UploadSession {
  const u = r.ecr.uploads[id];
  if (!u || u.repository !== name) {
    throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { uuid: id });
  }
  return u;
}

/** PATCH/PUT/GET/DELETE /v2/<name>/blobs/uploads/<uuid>. */
export async function handleUpload(
  r: RegistryRequest,
  name: string,
  id: string,
  method: string,
): Promise<void> {
  const repo = repositoryOf(r, name);
  const u = session(r, name, id);
  const have = Buffer.from(u.data, 'base64');
  if (method === 'GET') {
    send(r.res, 204, uploadHeaders(r, name, u));
    return;
  }
  if (method === 'DELETE') {
    delete r.ecr.uploads[id];
    r.runtime.changed();
    send(r.res, 204, { 'Content-Length': '0' });
    return;
  }
  if (method !== 'PATCH' && method !== 'PUT') {
    throw new RegistryError('UNSUPPORTED', 'The operation is unsupported.', { method }, 405);
  }
  const range = r.req.headers['content-range'];
  if (method === 'PATCH' && typeof range === 'string') {
    const m = /^(?:bytes )?(\d+)-(\d+)$/.exec(range.trim());
    if (!m || Number(m[1]) !== have.length) {
      throw new RegistryError(
        'BLOB_UPLOAD_INVALID',
        'blob upload invalid',
        { range, received: have.length },
        416,
        {
          Range: `0-${Math.max(0, have.length - 1)}`,
          Location: `${r.base}/v2/${name}/blobs/uploads/${u.id}`,
        },
      );
    }
  }
  const chunk = await readBody(r.req, r.runtime.limits.maxBlobBytes - have.length, 'blob');
  const data = Buffer.concat([have, chunk]);
  if (method === 'PATCH') {
    u.data = data.toString('base64');
    r.runtime.changed();
    send(r.res, 202, uploadHeaders(r, name, u));
    return;
  }
  const digest = r.url.searchParams.get('digest');
  if (!digest) {
    throw new RegistryError('DIGEST_INVALID', 'provided digest did not match uploaded content', {
      reason: 'the digest query parameter is required to complete an upload',
    });
  }
  commit(r, repo, digest, data);
  delete r.ecr.uploads[id];
  created(r, name, digest);
}

/** GET/HEAD (and the unsupported DELETE) /v2/<name>/blobs/<digest>. */
export function handleBlob(r: RegistryRequest, name: string, digest: string, method: string): void {
  const repo = repositoryOf(r, name);
  if (method !== 'GET' && method !== 'HEAD') {
    throw new RegistryError('UNSUPPORTED', 'The operation is unsupported.', { method }, 405);
  }
  const data = repo.layers[digest] !== undefined ? r.ecr.blobs[digest] : undefined;
  if (data === undefined) throw new RegistryError('BLOB_UNKNOWN', 'blob unknown to registry', { digest });
  const bytes = Buffer.from(data, 'base64');
  send(
    r.res,
    200,
    {
      'Content-Type': 'application/octet-stream',
      'Content-Length': bytes.length,
      'Docker-Content-Digest': digest,
      ETag: `"${digest}"`,
    },
    bytes,
    method === 'HEAD',
  );
}
