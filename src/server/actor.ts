/** Who is making a request, for the audit log: the user the auth hook (auth.ts) authenticated. */
import type { FastifyRequest } from 'fastify';
import { SlipwayError } from '../core/errors.js';
import type { User } from '../store/api-keys.js';
import type { Actor } from '../store/audit.js';

// Keyed by the request object, so the user lives exactly as long as the request and cannot be set
// from outside this module and auth.ts.
const users = new WeakMap<FastifyRequest, User>();

/** Records the user the request's API key belongs to (called by the auth hook only). */
export function setAuthenticatedUser(request: FastifyRequest, user: User): void {
  users.set(request, user);
}

/** The user behind `request`, when the route required authentication. */
export function authenticatedUser(request: FastifyRequest): User | undefined {
  return users.get(request);
}

/**
 * The actor behind `request`: the authenticated user's name, from the client's address (the
 * socket's address: proxies are not trusted, so X-Forwarded-For cannot forge it). A route that
 * changes something without requiring authentication is a bug; it fails rather than record a
 * change nobody made.
 */
export function resolveActor(request: FastifyRequest): Actor {
  const user = users.get(request);
  if (!user) {
    throw new SlipwayError(
      'INTERNAL',
      `No authenticated user for ${request.method} ${request.routeOptions.url ?? request.url}: ` +
        `a route that changes data must not be declared auth: 'none'.`,
    );
  }
  return { actor: user.name, sourceIp: request.ip };
}
