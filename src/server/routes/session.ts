/**
 * The web UI's sign-in: POST /api/session starts a session with a user name and password or with
 * an API key and sets the session cookie; GET answers the cookie's session (with the CSRF token
 * the UI sends back on changes); DELETE ends it. Failed sign-ins are limited per user name and per
 * client address (sign-in-limits.ts) and every failure answers the same message, whatever the
 * reason; every sign-in, failure and sign-out is audited (never the password or key).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import { parseInput, unknownFields } from '../../core/model/parse.js';
import { API_KEY_REJECTED_MESSAGE, apiKeysRepository, type User } from '../../store/api-keys.js';
import type { Actor } from '../../store/audit.js';
import { MAX_PASSWORD_LENGTH, passwordsRepository, SIGN_IN_REJECTED_MESSAGE } from '../../store/passwords.js';
import { sessionEndsAt, sessionsRepository, type Session, type SignInMethod } from '../../store/sessions.js';
import { signInLimiter, signInSubject, type SignInFailure } from '../../store/sign-in-limits.js';
import type { ServerDeps } from '../deps.js';
import type { NamedSchema, RouteSpec } from '../route.js';
import {
  checkCsrf,
  checkOrigin,
  clearSessionCookie,
  sessionToken,
  setSessionCookie,
} from '../session-cookie.js';

const sessionCreateSchema = z
  .strictObject(
    {
      username: z
        .string({ error: 'username must be a string' })
        .max(200, { error: 'username is too long' })
        .optional(),
      password: z
        .string({ error: 'password must be a string' })
        .max(MAX_PASSWORD_LENGTH, { error: 'password is too long' })
        .optional(),
      apiKey: z
        .string({ error: 'apiKey must be a string' })
        .max(200, { error: 'apiKey is too long' })
        .optional(),
    },
    { error: unknownFields('sign-in') },
  )
  .superRefine((body, ctx) => {
    const withPassword = body.username !== undefined || body.password !== undefined;
    if (withPassword && body.apiKey !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either username and password, or apiKey, not both' });
    } else if (body.apiKey === undefined) {
      if (!body.username)
        ctx.addIssue({ code: 'custom', path: ['username'], message: 'enter your user name' });
      if (!body.password)
        ctx.addIssue({ code: 'custom', path: ['password'], message: 'enter your password' });
    } else if (body.apiKey.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'enter your API key' });
    }
  });

const sessionSchema = z.object({
  user: z.object({ id: z.string(), name: z.string(), isAdmin: z.boolean() }),
  csrfToken: z.string().meta({
    description: 'Send it back as `X-Slipway-Csrf` on every request that changes something with the cookie.',
  }),
  expiresAt: z.iso.datetime().meta({
    description:
      'When the session ends if unused: 2 hours after the last request, at most 12 hours after sign-in.',
  }),
});

const SESSION: NamedSchema = { name: 'Session', schema: sessionSchema };
const SESSION_CREATE: NamedSchema = { name: 'SessionCreate', schema: sessionCreateSchema };
const SET_COOKIE = {
  'Set-Cookie':
    '`slipway_session=<token>; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200` (and `Secure` over https).',
};

function sessionJson(user: User, session: Session): z.output<typeof sessionSchema> {
  return {
    user: { id: user.id, name: user.name, isAdmin: user.isAdmin },
    csrfToken: session.csrfToken,
    expiresAt: sessionEndsAt(session).toISOString(),
  };
}

/** "in 12 minutes (at 14:05 UTC)". */
function whenAgain(at: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 60_000));
  const time = at.toISOString().slice(11, 16);
  return `in ${minutes} minute${minutes === 1 ? '' : 's'} (at ${time} UTC)`;
}

/** POST, GET and DELETE /api/session. */
export function sessionRoutes(deps: ServerDeps): RouteSpec[] {
  const db = deps.store.db;
  const now = deps.now ?? (() => new Date());
  const sessions = sessionsRepository(db, now);
  const passwords = passwordsRepository(db);
  const keys = apiKeysRepository(db);
  const limiter = signInLimiter(db, now);

  /** The user the credentials name, or the failure to count (with the message the client gets). */
  async function authenticate(
    input: z.output<typeof sessionCreateSchema>,
  ): Promise<
    { user: User; method: SignInMethod; keyId?: string } | { failure: SignInFailure; message: string }
  > {
    if (input.apiKey !== undefined) {
      const check = await keys.checkApiKey(input.apiKey.trim());
      if (check.ok) return { user: check.user, method: 'api-key', keyId: check.keyId };
      return { failure: { method: 'api-key', reason: check.reason }, message: API_KEY_REJECTED_MESSAGE };
    }
    const username = input.username ?? '';
    const check = await passwords.checkPassword(username, input.password ?? '');
    if (check.ok) return { user: check.user, method: 'password' };
    return {
      failure: { method: 'password', username, reason: check.reason },
      message: SIGN_IN_REJECTED_MESSAGE,
    };
  }

  async function signIn(request: FastifyRequest, reply: FastifyReply) {
    // A page of another site must not sign the browser in as someone else (login CSRF).
    checkOrigin(request);
    const input = parseInput(sessionCreateSchema, request.body, 'session');
    const subjects = [signInSubject.address(request.ip)];
    if (input.username) subjects.push(signInSubject.user(input.username));
    const blocked = await limiter.blockedUntil(subjects);
    if (blocked) {
      const seconds = Math.max(1, Math.ceil((blocked.getTime() - now().getTime()) / 1000));
      reply.header('retry-after', String(seconds));
      throw new SlipwayError(
        'SIGN_IN_LIMITED',
        `Too many failed sign-ins for this user name or from this address in the last 15 minutes. ` +
          `Try again ${whenAgain(blocked, now())}, or ask an administrator to set a new password.`,
        { data: { retryAfterSeconds: seconds, retryAt: blocked.toISOString() } },
      );
    }
    const result = await authenticate(input);
    if ('failure' in result) {
      await limiter.fail(subjects, { actor: 'anonymous', sourceIp: request.ip }, result.failure);
      request.log.warn({ method: result.failure.method, reason: result.failure.reason }, 'sign-in refused');
      throw new SlipwayError('UNAUTHENTICATED', result.message, { data: { reason: 'sign-in-refused' } });
    }
    const { user, method } = result;
    if (input.username) await limiter.clear(signInSubject.user(input.username));
    await sessions.prune();
    const by: Actor = { actor: user.name, sourceIp: request.ip };
    const { token, session } = await sessions.start(user, method, by, result.keyId);
    setSessionCookie(request, reply, token);
    return reply.status(201).send(sessionJson(user, session));
  }

  return [
    {
      method: 'POST',
      path: '/api/session',
      operationId: 'signIn',
      summary:
        'Signs in with `username` and `password`, or with `apiKey`: sets the session cookie and answers the CSRF token.',
      tag: 'session',
      body: SESSION_CREATE,
      auth: 'none',
      responses: {
        201: { description: 'Signed in; the cookie is set.', body: SESSION, headers: SET_COOKIE },
        400: { description: 'Neither a user name and password nor an API key (each missing field named).' },
        401: { description: 'Wrong credentials, or a disabled user: one message for every reason.' },
        403: { description: 'Sent from a page of another site (CSRF_REJECTED).' },
        429: {
          description:
            '5 failed sign-ins for the user name, or 20 from the address, within 15 minutes (SIGN_IN_LIMITED).',
          headers: { 'Retry-After': 'Seconds until sign-in may be tried again.' },
        },
      },
      handler: signIn,
    },
    {
      method: 'GET',
      path: '/api/session',
      operationId: 'getSession',
      summary: 'The session the cookie carries: its user, CSRF token and when it ends.',
      tag: 'session',
      auth: 'none',
      responses: {
        200: { description: 'The session.', body: SESSION },
        401: { description: 'No session cookie, or the session has ended.' },
      },
      handler: async (request, reply) => {
        const token = sessionToken(request);
        const found = token === undefined ? undefined : await sessions.find(token);
        if (!found?.ok) {
          if (found) clearSessionCookie(request, reply);
          throw new SlipwayError(
            'UNAUTHENTICATED',
            'You are not signed in: sign in with POST /api/session.',
            {
              data: { reason: found ? 'session-ended' : 'no-session' },
            },
          );
        }
        return sessionJson(found.user, found.session);
      },
    },
    {
      method: 'DELETE',
      path: '/api/session',
      operationId: 'signOut',
      summary: 'Signs out: ends the cookie’s session and clears the cookie. Harmless without one.',
      tag: 'session',
      auth: 'none',
      responses: {
        204: { description: 'Signed out; the cookie is cleared.' },
        403: { description: 'The X-Slipway-Csrf header is missing or wrong (CSRF_REJECTED).' },
      },
      handler: async (request, reply) => {
        const token = sessionToken(request);
        const found = token === undefined ? undefined : await sessions.find(token);
        if (found?.ok) {
          // Otherwise any page could sign you out.
          checkCsrf(request, found.session);
          await sessions.end(found.session, found.user, { actor: found.user.name, sourceIp: request.ip });
        }
        clearSessionCookie(request, reply);
        return reply.status(204).send();
      },
    },
  ];
}
