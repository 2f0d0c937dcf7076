/**
 * The Docker Registry HTTP API v2 calls both feeds use, over a RegistryClient: the version check,
 * paged tag and catalog listing (`Link: <...>; rel="next"`), and manifest digests.
 */
import { createHash } from 'node:crypto';
import { SlipwayError, UserInputError } from '../core/errors.js';
import { drain, type RegistryClient } from './registry-client.js';

/** Accept headers for a manifest HEAD: Docker v2 and OCI manifests and indexes. */
export const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

/** Docker's repository name grammar (path components of lower-case alphanumerics and separators). */
const NAME_PATTERN = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** Throws INVALID_INPUT unless `name` is a valid repository name. */
export function checkRepositoryName(name: string): void {
  if (!NAME_PATTERN.test(name) || name.length > 255) {
    throw new UserInputError(
      `"${name}" is not a valid repository name: use lower-case letters, digits and . _ - separators, with / between path components (e.g. team/web).`,
    );
  }
}

/** The `rel="next"` target of a `Link` header, if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const m of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
    if (/;\s*rel\s*=\s*"?next"?/i.test(m[2] ?? '')) return m[1];
  }
  return undefined;
}

/** `GET /v2/`: checks that the registry speaks API v2 and accepts our credentials. */
export async function ping(c: RegistryClient, signal?: AbortSignal): Promise<void> {
  const res = await c.send(c.url('/v2/'), { ...(signal ? { signal } : {}) });
  if (res.ok) return drain(res);
  if (res.status === 404) {
    await drain(res);
    throw new SlipwayError(
      'FEED_UNREACHABLE',
      `${c.label} does not serve the Docker Registry v2 API (GET /v2/ answered 404). Check the registry URL.`,
      { data: { registry: c.label } },
    );
  }
  return c.fail(res);
}

/** Every page of a `{ key: [...] }` listing, following `Link: <...>; rel="next"`. */
async function pages(
  c: RegistryClient,
  first: URL,
  key: 'tags' | 'repositories',
  scope: string,
  repository: string | undefined,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let url: URL | undefined = first; url;) {
    // A registry that links back to a page already read would loop forever.
    if (seen.has(url.href)) break;
    seen.add(url.href);
    const res = await c.send(url, { scope, ...(signal ? { signal } : {}) });
    if (!res.ok) return c.fail(res, repository);
    const body = (await res.json()) as Record<string, unknown>;
    const items = body[key];
    // distribution answers `"tags": null` for a repository without tags.
    if (Array.isArray(items)) for (const t of items) if (typeof t === 'string') out.push(t);
    const next = nextLink(res.headers.get('link'));
    url = next ? new URL(next, url) : undefined;
  }
  return out;
}

/** Every tag of a repository (all pages; `pageSize` is asked with `n=`, which registries may cap or ignore). */
export async function listTags(
  c: RegistryClient,
  repository: string,
  options: { pageSize?: number; signal?: AbortSignal } = {},
): Promise<string[]> {
  checkRepositoryName(repository);
  const url = c.url(`/v2/${repository}/tags/list`);
  if (options.pageSize) url.searchParams.set('n', String(options.pageSize));
  return pages(c, url, 'tags', `repository:${repository}:pull`, repository, options.signal);
}

/** The repositories of the registry (`/v2/_catalog`); FEED_UNAUTHORIZED when the registry refuses to list them. */
export async function catalog(
  c: RegistryClient,
  options: { pageSize?: number; signal?: AbortSignal } = {},
): Promise<string[]> {
  const url = c.url('/v2/_catalog');
  if (options.pageSize) url.searchParams.set('n', String(options.pageSize));
  try {
    return await pages(c, url, 'repositories', 'registry:catalog:*', undefined, options.signal);
  } catch (e) {
    if (e instanceof SlipwayError && (e.code === 'FEED_UNAUTHORIZED' || (e.data.status as number) === 404)) {
      throw new SlipwayError(
        'FEED_UNAUTHORIZED',
        `The registry ${c.label} does not let these credentials list its repositories (/v2/_catalog): ${e.message} Name the repository instead.`,
        { cause: e, data: { registry: c.label } },
      );
    }
    throw e;
  }
}

/** The digest of a tag's manifest (`HEAD`, Docker v2 and OCI media types); undefined when the tag does not exist. */
export async function manifestDigest(
  c: RegistryClient,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  checkRepositoryName(repository);
  const url = c.url(`/v2/${repository}/manifests/${encodeURIComponent(reference)}`);
  const init = {
    headers: { Accept: MANIFEST_ACCEPT },
    scope: `repository:${repository}:pull`,
    ...(signal ? { signal } : {}),
  };
  const head = await c.send(url, { ...init, method: 'HEAD' });
  await drain(head);
  const digest = head.headers.get('docker-content-digest');
  if (head.ok && digest) return digest;
  if (head.ok) {
    // No Docker-Content-Digest (some proxies drop it): hash the manifest as served.
    const res = await c.send(url, init);
    if (!res.ok) return c.fail(res, repository);
    const body = Buffer.from(await res.arrayBuffer());
    return (
      res.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(body).digest('hex')}`
    );
  }
  if (head.status !== 404) return c.fail(head, repository);
  // A HEAD has no body, and distribution says MANIFEST_UNKNOWN even for an unknown repository:
  // one page of its tags tells an unknown tag from an unknown repository.
  const probe = c.url(`/v2/${repository}/tags/list`);
  probe.searchParams.set('n', '1');
  const res = await c.send(probe, { scope: init.scope, ...(signal ? { signal } : {}) });
  if (!res.ok) return c.fail(res, repository);
  await drain(res);
  return undefined;
}
