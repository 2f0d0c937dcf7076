/**
 * The web UI's session cookie and its CSRF defence. The cookie `slipway_session` carries the
 * session token: HttpOnly (scripts never see it), SameSite=Strict (other sites' pages never send
 * it), Path=/, Max-Age the session's absolute lifetime, and Secure when the request came over
 * https. The header is parsed here rather than with @fastify/cookie: we read one cookie, in the
 * auth hook, which runs before a plugin's hook would have parsed it, and write one.
 *
 * A cookie is an ambient credential (the browser sends it on its own), so a request that changes
 * something with it must prove it came from our pages: it carries `X-Slipway-Csrf` equal to the
 * session's CSRF token (which only our pages can read, from the session's answer), and, when the
 * browser says where it came from (`Origin`), that is this server. API keys need neither.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SlipwayError } from '../core/errors.js';
import { SESSION_LIFETIME_MS, type Session } from '../store/sessions.js';
import { header } from './route.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'slipway_session';
/** The header that carries the session's CSRF token on every change made with the cookie. */
export const CSRF_HEADER = 'x-slipway-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session token the request's Cookie header carries, if any. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const cookies = header(request, 'cookie');
  if (cookies === undefined) return undefined;
  for (const part of cookies.split(/;\s*|,\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

function attributes(request: FastifyRequest, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/** Sets the session cookie on `reply`. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${token}; ${attributes(request, SESSION_LIFETIME_MS / 1000)}`,
  );
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; ${attributes(request, 0)}`);
}

/** Whether the request's method can change something (everything but GET, HEAD, OPTIONS). */
export function changesSomething(request: FastifyRequest): boolean {
  return !SAFE_METHODS.has(request.method);
}

function csrfRejected(message: string, reason: string): SlipwayError {
  return new SlipwayError('CSRF_REJECTED', message, { data: { reason } });
}

/**
 * Refuses (CSRF_REJECTED) a request whose `Origin` names another site. Browsers send Origin on
 * every cross-site and same-site POST, PUT, PATCH and DELETE; a request without one (curl, an old
 * browser) passes this check. A proxy that rewrites Host may say the original in X-Forwarded-Host:
 * trusting it is safe here, as a page of another site cannot set that header without a CORS
 * preflight, which this server never grants.
 */
export function checkOrigin(request: FastifyRequest): void {
  const origin = header(request, 'origin');
  if (origin === undefined) return;
  let from: URL | undefined;
  try {
    from = origin === 'null' ? undefined : new URL(origin);
  } catch {
    from = undefined;
  }
  // Host headers as URLs of the origin's scheme, so a default port written out (`:80`) compares equal.
  const asHost = (h: string): string | undefined => {
    try {
      return new URL(`${from!.protocol}//${h.trim()}`).host;
    } catch {
      return undefined;
    }
  };
  const ours = from
    ? [header(request, 'host'), header(request, 'x-forwarded-host')]
        .filter((h): h is string => h !== undefined)
        .flatMap((h) => h.split(','))
        .map(asHost)
    : [];
  if (from !== undefined && ours.includes(from.host)) return;
  throw csrfRejected(
    `This request came from another site (Origin ${origin}), and Slipway's sign-in may only be used ` +
      "from Slipway's own pages. Open Slipway itself; programs should send an API key instead of a cookie.",
    'cross-origin',
  );
}

/** Refuses (CSRF_REJECTED) a change made with the session cookie without the session's CSRF token. */
export function checkCsrf(request: FastifyRequest, session: Session): void {
  if (!changesSomething(request)) return;
  checkOrigin(request);
  const presented = request.headers[CSRF_HEADER];
  const expected = Buffer.from(session.csrfToken, 'utf8');
  const given = typeof presented === 'string' ? Buffer.from(presented.trim(), 'utf8') : undefined;
  if (given !== undefined && given.length === expected.length && timingSafeEqual(given, expected)) return;
  throw csrfRejected(
    given === undefined
      ? `This request changes something with your sign-in cookie, so it must carry the ${CSRF_HEADER} header ` +
          "with your session's csrfToken (POST or GET /api/session answers it). Reload the page and try again; " +
          'programs should send an API key instead.'
      : `The ${CSRF_HEADER} header does not match your session's csrfToken (perhaps you signed in again in ` +
          'another tab). Reload the page and try again.',
    given === undefined ? 'missing' : 'mismatch',
  );
}
