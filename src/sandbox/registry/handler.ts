/**
 * Docker Registry HTTP API v2 over the sandbox's ECR repositories. Clients log in with the ECR
 * token (`AWS:<password>` from GetAuthorizationToken); the password names the account and region
 * whose repositories the request sees, as ECR's registry host does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxRuntime } from '../runtime.js';
import { regionOf } from '../world.js';
import { handleBlob, handleUpload, startUpload } from './blobs.js';
import { RegistryError, sendError, sendJson, type RegistryRequest } from './http.js';
import { handleManifest, listTags, listCatalog } from './manifests.js';

/** Resolves the Basic credentials to an account and region, or throws UNAUTHORIZED. */
function authenticate(req: IncomingMessage, runtime: SandboxRuntime): { accountId: string; region: string } {
  const challenge = {
    'WWW-Authenticate': `Basic realm="${runtime.endpoint}/",service="ecr.amazonaws.com"`,
  };
  const header = req.headers.authorization;
  if (!header) throw new RegistryError('UNAUTHORIZED', 'authentication required', undefined, 401, challenge);
  const m = /^Basic\s+(\S+)$/i.exec(header);
  const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
  const sep = decoded.indexOf(':');
  const user = sep >= 0 ? decoded.slice(0, sep) : '';
  const password = sep >= 0 ? decoded.slice(sep + 1) : '';
  const token = user === 'AWS' ? runtime.world.ecrTokens[password] : undefined;
  if (!token) {
    throw new RegistryError('UNAUTHORIZED', 'Not Authorized', undefined, 401, challenge);
  }
  if (token.expiresAt <= runtime.now()) {
    throw new RegistryError(
      'UNAUTHORIZED',
      'Your authorization token has expired. Reauthenticate and try again.',
      undefined,
      401,
      challenge,
    );
  }
  if (!runtime.world.accounts[token.accountId]) {
    throw new RegistryError('UNAUTHORIZED', 'Not Authorized', undefined, 401, challenge);
  }
  return { accountId: token.accountId, region: token.region };
}

/** Decodes a path segment; a malformed escape is the client's error. */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RegistryError('NAME_INVALID', 'invalid repository name or reference', { segment });
  }
}

/** Route table: the name may contain slashes, so each pattern anchors on what follows it. */
async function route(r: RegistryRequest): Promise<void> {
  const path = r.url.pathname;
  const method = r.req.method ?? 'GET';
  if (path === '/v2' || path === '/v2/') {
    sendJson(r.res, 200, {});
    return;
  }
  if (path === '/v2/_catalog' && method === 'GET') return listCatalog(r);
  let m = /^\/v2\/(.+)\/tags\/list$/.exec(path);
  if (m && method === 'GET') return listTags(r, m[1]!);
  m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path);
  if (m) return handleManifest(r, m[1]!, decode(m[2]!), method);
  m = /^\/v2\/(.+)\/blobs\/uploads\/?$/.exec(path);
  if (m && method === 'POST') return startUpload(r, m[1]!);
  m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/.exec(path);
  if (m) return handleUpload(r, m[1]!, m[2]!, method);
  m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(path);
  if (m) return handleBlob(r, m[1]!, decode(m[2]!), method);
  throw new RegistryError('UNSUPPORTED', 'The operation is unsupported.', { path, method }, 404);
}

/** Serves one request under /v2. */
export async function handleRegistry(
  req: IncomingMessage,
  res: ServerResponse,
  runtime: SandboxRuntime,
): Promise<void> {
  const head = req.method === 'HEAD';
  try {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const { accountId, region } = authenticate(req, runtime);
    const account = runtime.world.accounts[accountId]!;
    const host = req.headers.host;
    await route({
      req,
      res,
      url,
      runtime,
      accountId,
      region,
      ecr: regionOf(account, region).ecr,
      base: host ? `http://${host}` : runtime.endpoint,
    });
  } catch (err) {
    if (err instanceof RegistryError) {
      // Drain what the client is still sending so the connection stays usable.
      req.resume();
      sendError(res, err, head);
      return;
    }
    throw err;
  }
}
