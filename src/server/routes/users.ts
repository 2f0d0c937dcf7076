/** Users, their API keys, and teams with role grants; `GET /api/me`. */
import type { ServerDeps } from '../app.js';
import type { RouteSpec } from '../route.js';

/** The routes for users, API keys and the caller's own identity. CONTRACT STUB: none yet. */
export function userRoutes(deps: ServerDeps): RouteSpec[] {
  void deps;
  return [];
}
