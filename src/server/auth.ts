/**
 * Authentication and authorisation, in one hook for every route. The route's spec says what it
 * needs (`auth`, default `admin`); a route without a spec (a 404, a test route) needs `admin` too,
 * so nothing is open by omission. Until roles exist, only administrators may use the API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SlipwayError } from '../core/errors.js';
import { API_KEY_REJECTED_MESSAGE, apiKeysRepository } from '../store/api-keys.js';
import type { Store } from '../store/database.js';
import { setAuthenticatedUser } from './actor.js';
import type { RouteAuth } from './route.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route requires (from its RouteSpec); absent means `admin`. */
    auth?: RouteAuth;
  }
}

/** The header that carries a key when `Authorization` is used for something else. */
export const API_KEY_HEADER = 'x-slipway-apikey';

/** Headers whose values are secrets and must never reach a log. */
export const SECRET_HEADERS = ['authorization', API_KEY_HEADER] as const;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
// The public part of a key, for the log (never the secret).
const PUBLIC_PREFIX = /^slw_([0-9a-f]{12})_/;

function unauthenticated(reply: FastifyReply, message: string, reason: string): SlipwayError {
  reply.header('www-authenticate', 'Bearer realm="slipway"');
  return new SlipwayError('UNAUTHENTICATED', message, { data: { reason } });
}

/** The key the request presents; throws UNAUTHENTICATED when there is none or it is ambiguous. */
function presentedKey(request: FastifyRequest, reply: FastifyReply): string {
  const authorization = request.headers.authorization;
  const apiKey = request.headers[API_KEY_HEADER];
  if (Array.isArray(apiKey)) {
    throw unauthenticated(reply, `Send one ${API_KEY_HEADER} header, not several.`, 'several-keys');
  }
  let bearer: string | undefined;
  if (authorization !== undefined) {
    bearer = BEARER.exec(authorization)?.[1];
    if (bearer === undefined) {
      throw unauthenticated(
        reply,
        'The Authorization header must be "Bearer <API key>"; other schemes are not accepted.',
        'bad-scheme',
      );
    }
  }
  if (bearer !== undefined && apiKey !== undefined && bearer !== apiKey.trim()) {
    throw unauthenticated(
      reply,
      `The Authorization and ${API_KEY_HEADER} headers carry different keys; send one key.`,
      'several-keys',
    );
  }
  const key = bearer ?? apiKey?.trim();
  if (!key) {
    throw unauthenticated(
      reply,
      'This request needs an API key: send "Authorization: Bearer <key>" or "X-Slipway-ApiKey: <key>". ' +
        "On first start the server prints the administrator's key and writes it to <data dir>/admin-api-key.",
      'missing',
    );
  }
  return key;
}

/** Adds the hook that authenticates and authorises every request to `app`. */
export function registerAuth(app: FastifyInstance, store: Store): void {
  const keys = apiKeysRepository(store.db);
  // onRequest runs before the body is read, so an unauthenticated caller cannot make us parse it.
  app.addHook('onRequest', async (request, reply) => {
    const required: RouteAuth = request.routeOptions.config.auth ?? 'admin';
    if (required === 'none') return;
    const key = presentedKey(request, reply);
    const check = await keys.checkApiKey(key);
    if (!check.ok) {
      // The reason is for operators only: telling the caller would let them probe keys.
      request.log.warn({ reason: check.reason, keyPrefix: PUBLIC_PREFIX.exec(key)?.[1] }, 'API key rejected');
      throw unauthenticated(reply, API_KEY_REJECTED_MESSAGE, 'rejected');
    }
    const { user } = check;
    if (!user.isAdmin) {
      request.log.info({ userId: user.id }, 'non-administrator refused');
      throw new SlipwayError(
        'FORBIDDEN',
        `User "${user.name}" is not an administrator. Roles are not available yet, so only administrators ` +
          `may use the API; ask an administrator to do this for you.`,
        { data: { user: user.name } },
      );
    }
    setAuthenticatedUser(request, user);
  });
}
