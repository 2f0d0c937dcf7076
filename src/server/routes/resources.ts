/**
 * The routes of every resource kind (core/model/kinds), generated from its description: list,
 * create, read, replace (PUT with If-Match, `?dryRun=true`), delete; nested kinds under their
 * project; singletons (the process) read and replaced only; variable sets of projects, library
 * sets and tenants.
 */
import type { ServerDeps } from '../app.js';
import type { RouteSpec } from '../route.js';

/** The routes for every resource kind and variable set. CONTRACT STUB: none yet. */
export function resourceRoutes(deps: ServerDeps): RouteSpec[] {
  void deps;
  return [];
}
