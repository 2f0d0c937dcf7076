/** Manifests, tag lists and the catalog. */
import { AwsError } from '../errors.js';
import { DIGEST_PATTERN } from '../ecr/manifest.js';
import type { EcrImage, EcrRepository } from '../ecr/model.js';
import { findImage, MissingReferencesError, putImage, referencingIndexes } from '../ecr/store.js';
import { readBody, RegistryError, repositoryOf, send, sendJson, type RegistryRequest } from './http.js';

/** Docker's tag grammar. */
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;

function isDigest(ref: string): boolean {
  return ref.includes(':') && DIGEST_PATTERN.test(ref);
}

function lookup(repo: EcrRepository, ref: string): EcrImage {
  const img = isDigest(ref) ? findImage(repo, { imageDigest: ref }) : findImage(repo, { imageTag: ref });
  if (!img) {
    throw new RegistryError(
      'MANIFEST_UNKNOWN',
      'manifest unknown',
      isDigest(ref) ? { digest: ref } : { tag: ref },
    );
  }
  return img;
}

/** Maps the shared store's ECR errors to the registry's codes. */
function asRegistryError(err: unknown, ref: string): unknown {
  if (err instanceof MissingReferencesError) {
    return new RegistryError('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: err.digests[0] });
  }
  if (!(err instanceof AwsError)) return err;
  switch (err.code) {
    case 'ImageDigestDoesNotMatchException':
      return new RegistryError('DIGEST_INVALID', 'provided digest did not match uploaded content', {
        digest: ref,
      });
    case 'ImageTagAlreadyExistsException':
      return new RegistryError('TAG_INVALID', `tag invalid: ${err.message}`, { tag: ref });
    case 'InvalidParameterException':
      return new RegistryError('MANIFEST_INVALID', 'manifest invalid', { reason: err.message });
    default:
      return new RegistryError('DENIED', err.message);
  }
}

/** ECR's limit on an image manifest (PutImage's imageManifest): 4 MiB. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

async function putManifest(
  r: RegistryRequest,
  repo: EcrRepository,
  name: string,
  ref: string,
): Promise<void> {
  const byDigest = isDigest(ref);
  if (!byDigest && !TAG_PATTERN.test(ref)) {
    throw new RegistryError('TAG_INVALID', 'manifest tag did not match URI', { tag: ref });
  }
  const body = await readBody(r.req, MAX_MANIFEST_BYTES, 'manifest');
  const contentType = r.req.headers['content-type']?.split(';')[0]?.trim();
  let img: EcrImage;
  try {
    img = putImage(
      repo,
      {
        manifest: body.toString('utf8'),
        ...(contentType ? { mediaType: contentType } : {}),
        ...(byDigest ? { digest: ref } : { tag: ref }),
      },
      { now: r.runtime.now(), requireBlobs: true, idempotent: true },
    );
  } catch (err) {
    throw asRegistryError(err, ref);
  }
  r.runtime.changed();
  send(r.res, 201, {
    Location: `${r.base}/v2/${name}/manifests/${img.digest}`,
    'Docker-Content-Digest': img.digest,
    'Content-Length': '0',
  });
}

function deleteManifest(r: RegistryRequest, repo: EcrRepository, ref: string): void {
  const img = lookup(repo, ref);
  if (!isDigest(ref) && img.tags.length > 1) {
    img.tags = img.tags.filter((t) => t !== ref);
  } else {
    const refs = referencingIndexes(repo, img.digest);
    if (refs.length > 0) {
      throw new RegistryError('DENIED', `Requested image referenced by manifest list: [${refs.join(', ')}]`);
    }
    delete repo.images[img.digest];
  }
  r.runtime.changed();
  send(r.res, 202, { 'Content-Length': '0' });
}

/** GET/HEAD/PUT/DELETE /v2/<name>/manifests/<reference>. */
export async function handleManifest(
  r: RegistryRequest,
  name: string,
  ref: string,
  method: string,
): Promise<void> {
  const repo = repositoryOf(r, name);
  if (method === 'PUT') return putManifest(r, repo, name, ref);
  if (method === 'DELETE') return deleteManifest(r, repo, ref);
  if (method !== 'GET' && method !== 'HEAD') {
    throw new RegistryError('UNSUPPORTED', 'The operation is unsupported.', { method }, 405);
  }
  const img = lookup(repo, ref);
  if (method === 'GET') {
    img.lastPulledAt = r.runtime.now();
    r.runtime.changed();
  }
  const body = Buffer.from(img.manifest, 'utf8');
  send(
    r.res,
    200,
    {
      'Content-Type': img.mediaType,
      'Content-Length': body.length,
      'Docker-Content-Digest': img.digest,
      ETag: `"${img.digest}"`,
    },
    body,
    method === 'HEAD',
  );
}

/** Applies `n` and `last` to a sorted list; returns the page and the Link header if more remain. */
function pageOf(
  r: RegistryRequest,
  all: string[],
  path: string,
): { page: string[]; headers: Record<string, string> } {
  const nText = r.url.searchParams.get('n');
  const last = r.url.searchParams.get('last');
  let items = last !== null ? all.filter((t) => t > last) : all;
  if (nText === null) return { page: items, headers: {} };
  const n = Number(nText);
  if (!/^\d+$/.test(nText) || !Number.isSafeInteger(n)) {
    throw new RegistryError('PAGINATION_NUMBER_INVALID', 'invalid number of results requested', { n: nText });
  }
  const more = items.length > n;
  items = items.slice(0, n);
  const tail = items[items.length - 1];
  if (!more || tail === undefined) return { page: items, headers: {} };
  const q = new URLSearchParams({ n: String(n), last: tail });
  return { page: items, headers: { Link: `<${path}?${q.toString()}>; rel="next"` } };
}

/** GET /v2/<name>/tags/list with `n`/`last` pagination and a Link header to the next page. */
export function listTags(r: RegistryRequest, name: string): void {
  const repo = repositoryOf(r, name);
  const tags = Object.values(repo.images)
    .flatMap((i) => i.tags)
    .sort();
  const { page, headers } = pageOf(r, tags, `/v2/${name}/tags/list`);
  sendJson(r.res, 200, { name, tags: page }, headers);
}

/** GET /v2/_catalog with the same pagination. */
export function listCatalog(r: RegistryRequest): void {
  const names = Object.keys(r.ecr.repositories).sort();
  const { page, headers } = pageOf(r, names, '/v2/_catalog');
  sendJson(r.res, 200, { repositories: page }, headers);
}
