/** Who is making a request, for the audit log. */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../store/audit.js';

/** The actor recorded for every change until authentication exists. */
export const ANONYMOUS_ACTOR = 'anonymous';

/**
 * The actor behind `request`. Authentication (API keys, being built in src/store/api-keys.ts)
 * replaces this hook: it will resolve the key to its user and refuse unauthenticated requests.
 * Until then every change is recorded as `anonymous` from the client's address (the socket's
 * address: proxies are not trusted, so X-Forwarded-For cannot forge it).
 */
export function resolveActor(request: FastifyRequest): Actor {
  return { actor: ANONYMOUS_ACTOR, sourceIp: request.ip };
}
