/**
 * Authentication and authorisation for every route. The route's spec says what it needs (`auth`,
 * default `admin`); a route without a spec (a test route) needs `admin` too, so nothing is open by
 * omission. A permission is checked against the caller's team grants in the route's space: first
 * that they hold it somewhere (before the body is read), then, when the route names its scope,
 * in that scope (after the body is parsed and validated, so a malformed body is a 400, not a 403).
 * Handlers narrow further with access.ts.
 *
 * A caller proves who they are with an API key (Authorization: Bearer, or X-Slipway-ApiKey) or,
 * from the web UI, with the session cookie (session-cookie.ts). A key wins: a request that sends
 * one is judged by the key alone, whatever stale cookie it also carries. A change made with the
 * cookie must carry the session's CSRF token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SlipwayError } from '../core/errors.js';
import { parseInput } from '../core/model/parse.js';
import { allows, holdsSomewhere, type Grant } from '../core/model/permissions.js';
import { API_KEY_REJECTED_MESSAGE, apiKeysRepository } from '../store/api-keys.js';
import type { Store } from '../store/database.js';
import { grantsRepository } from '../store/grants.js';
import { sessionsRepository, type Session } from '../store/sessions.js';
import { spacesRepository } from '../store/spaces.js';
import { forbidden, requestAccess, setRequestAccess, type RequestAccess } from './access.js';
import { authenticatedUser, setAuthenticatedUser } from './actor.js';
import { bodyRoot, param, type BodySpec, type RouteAuth } from './route.js';
import { checkCsrf, clearSessionCookie, CSRF_HEADER, sessionToken } from './session-cookie.js';
import { workerAuthenticator } from './worker-auth.js';
import { isApiUrl } from './web-ui.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route requires (from its RouteSpec); absent means `admin`. */
    auth?: RouteAuth;
    /** The route's body (from its RouteSpec), for the checks that validate it and name its fields. */
    body?: BodySpec;
  }
}

/** The header that carries a key when `Authorization` is used for something else. */
export const API_KEY_HEADER = 'x-slipway-apikey';

/** Headers whose values are secrets and must never reach a log. */
export const SECRET_HEADERS = ['authorization', API_KEY_HEADER, 'cookie', 'set-cookie', CSRF_HEADER] as const;

/** The one message for a session cookie that no longer signs anyone in. */
export const SESSION_REJECTED_MESSAGE =
  'Your session has ended (you signed out, it expired after 12 hours or 2 idle hours, your password ' +
  'changed, or your user was disabled). Sign in again.';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
// The public part of a key, for the log (never the secret).
const PUBLIC_PREFIX = /^slw_([0-9a-f]{12})_/;

function unauthenticated(reply: FastifyReply, message: string, reason: string): SlipwayError {
  reply.header('www-authenticate', 'Bearer realm="slipway"');
  return new SlipwayError('UNAUTHENTICATED', message, { data: { reason } });
}

/** Whether the request sends an API key (or tries to) in either header. */
function sendsKey(request: FastifyRequest): boolean {
  return request.headers.authorization !== undefined || request.headers[API_KEY_HEADER] !== undefined;
}

// The session a cookie-authenticated request runs in (absent for API keys).
const sessions = new WeakMap<FastifyRequest, Session>();

/** The session of a request authenticated with the session cookie; undefined for API keys. */
export function requestSession(request: FastifyRequest): Session | undefined {
  return sessions.get(request);
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
      'This request needs an API key: send "Authorization: Bearer <key>" or "X-Slipway-ApiKey: <key>" ' +
        '(or sign in to the web UI for a session cookie). ' +
        "On first start the server prints the administrator's key and writes it to <data dir>/admin-api-key.",
      'missing',
    );
  }
  return key;
}

/** Administrators hold every permission, unscoped, in every space. */
const ADMINISTRATOR: readonly Grant[] = [{ role: 'administrator' }];

// An unknown URL answers 404 to any valid key: nothing runs there, and "not an administrator"
// would mislead.
function requiredAuth(request: FastifyRequest): RouteAuth {
  // Outside /api (the web UI's pages and files, web-ui.ts) nothing needs a key; unknown API routes do.
  if (request.is404) return isApiUrl(request.url) ? 'authenticated' : 'none';
  return request.routeOptions.config.auth ?? 'admin';
}

/** Adds the hooks that authenticate and authorise every request to `app` (`now`: the sessions' clock). */
export function registerAuth(app: FastifyInstance, store: Store, now: () => Date = () => new Date()): void {
  const keys = apiKeysRepository(store.db);
  const sessionStore = sessionsRepository(store.db, now);
  const spaces = spacesRepository(store.db);
  const grants = grantsRepository(store.db);
  const workerAuth = workerAuthenticator(store);

  // onRequest runs before the body is read, so a caller without the permission in any scope (or
  // without a key) cannot make us parse it.
  app.addHook('onRequest', async (request, reply) => {
    const required = requiredAuth(request);
    if (required === 'none') return;
    // Worker routes take a worker's key or a registration token, never an API key (worker-auth.ts).
    if (required === 'worker' || required === 'worker-registration') {
      const key = presentedKey(request, reply);
      const refused = await workerAuth(request, required, key);
      if (!refused) return;
      request.log.warn({ reason: refused.reason, kind: required }, 'worker credential rejected');
      throw unauthenticated(reply, refused.message, 'rejected');
    }
    const token = sendsKey(request) ? undefined : sessionToken(request);
    let user;
    if (token !== undefined) {
      const found = await sessionStore.find(token);
      if (!found.ok) {
        request.log.info({ reason: found.reason }, 'session cookie rejected');
        clearSessionCookie(request, reply);
        throw unauthenticated(reply, SESSION_REJECTED_MESSAGE, 'session-ended');
      }
      checkCsrf(request, found.session);
      sessions.set(request, found.session);
      user = found.user;
    } else {
      const key = presentedKey(request, reply);
      const check = await keys.checkApiKey(key);
      if (!check.ok) {
        // The reason is for operators only: telling the caller would let them probe keys.
        request.log.warn(
          { reason: check.reason, keyPrefix: PUBLIC_PREFIX.exec(key)?.[1] },
          'API key rejected',
        );
        throw unauthenticated(reply, API_KEY_REJECTED_MESSAGE, 'rejected');
      }
      user = check.user;
    }
    setAuthenticatedUser(request, user);

    // Team grants belong to a space; routes without one (users, "me") grant nothing through teams.
    const spaceParam = param(request, 'space');
    let access: RequestAccess = { grants: [] };
    if (user.isAdmin) {
      access = { grants: ADMINISTRATOR };
    } else if (spaceParam !== '') {
      const space = await spaces.get(spaceParam);
      access = { grants: await grants.ofUser(space.id, user.id), space };
    }
    setRequestAccess(request, access);

    if (required === 'authenticated') return;
    if (required === 'admin') {
      if (user.isAdmin) return;
      request.log.info({ userId: user.id }, 'non-administrator refused');
      throw new SlipwayError(
        'FORBIDDEN',
        `User "${user.name}" is not an administrator, and only administrators may ` +
          `${request.method} ${request.routeOptions.url ?? request.url}; ask an administrator to do this for you.`,
        { data: { user: user.name } },
      );
    }
    // The scope, if the route names one, is checked once the body is parsed (preHandler).
    if (!holdsSomewhere(access.grants, required.permission)) {
      request.log.info({ userId: user.id, permission: required.permission }, 'permission refused');
      throw forbidden(user.name, required.permission, {}, access.space);
    }
  });

  app.addHook('preHandler', async (request) => {
    const required = requiredAuth(request);
    if (typeof required !== 'object' || required.scope === undefined) return;
    const scope = await required.scope(request);
    const access = requestAccess(request);
    if (allows(access.grants, required.permission, scope)) return;
    // A scope may be read from the body, and a malformed body names no project (or not the one
    // meant): say what is wrong with it (400) rather than refuse it as if the caller lacked the
    // permission (403). The handler validates it again, in its own order, for allowed callers.
    const body = request.routeOptions.config.body;
    if (body !== undefined && body.validateFirst !== false)
      parseInput(body.schema, request.body, bodyRoot(body));
    const user = authenticatedUser(request);
    request.log.info({ userId: user?.id, permission: required.permission, scope }, 'permission refused');
    const names = access.space ? await grants.scopeNames(access.space.id, scope) : {};
    throw forbidden(user?.name ?? '(anonymous)', required.permission, scope, access.space, names);
  });
}
