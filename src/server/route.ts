/**
 * A route is declared once, as data: its path, parameters, headers, body and responses (with zod
 * schemas) and its handler. app.ts registers the handlers and openapi.ts documents the same list,
 * so the document cannot drift from what the server serves.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AccessScope, Permission } from '../core/model/permissions.js';

/** A schema with the name it gets under `components.schemas` in the OpenAPI document. */
export interface NamedSchema {
  name: string;
  schema: z.ZodType;
}

/** A request body a route takes: its schema, and how the hooks check it before the handler runs. */
export interface BodySpec extends NamedSchema {
  /**
   * The name its fields are reported under (`release.version: ...`), as the handler's own parse
   * names them. Default: `name` without a trailing `Create`, `Input` or `Patch`, first letter
   * lower-cased (`ReleaseCreate` → `release`, `EnvironmentPatch` → `environment`).
   */
  root?: string;
  /**
   * Whether a route with a scope validates the body with `schema` before refusing a caller the
   * scope does not cover, so a malformed body is a 400 rather than a 403 (default true). False
   * where the handler takes more than `schema` (a replace takes back the read-only fields a read
   * returned) and validates alone.
   */
  validateFirst?: boolean;
}

/** The name a body's fields are reported under (see BodySpec.root). */
export function bodyRoot(body: BodySpec): string {
  if (body.root !== undefined) return body.root;
  const base = body.name.replace(/(Create|Input|Patch)$/, '');
  return base.charAt(0).toLowerCase() + base.slice(1);
}

/** One documented response. */
export interface ResponseSpec {
  description: string;
  /** The JSON body; undefined for none. Error statuses always use the error body. */
  body?: NamedSchema;
  /** Response headers: name → description. */
  headers?: Record<string, string>;
}

/** A request header the route reads. */
export interface HeaderSpec {
  name: string;
  description: string;
  required?: boolean;
}

/** One route of the API. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI-style path, e.g. `/api/spaces/{space}/environments/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Path parameters: name → description (all strings). */
  params?: Record<string, string>;
  /** The query string's schema (an object of optional fields). */
  query?: z.ZodObject;
  headers?: HeaderSpec[];
  body?: BodySpec;
  /** Status → response; statuses ≥ 400 are documented with the error body. */
  responses: Record<number, ResponseSpec>;
  /**
   * Who may call it: `none` (probes, the OpenAPI document), `authenticated` (any valid key, e.g.
   * "who am I"), a permission (checked against the caller's team grants, in `scope` when given),
   * or `admin`, the default, so a new route is protected unless it says otherwise. `worker` and
   * `worker-registration` take a worker's key or a registration token instead of an API key
   * (worker-auth.ts). Checked by the hooks in auth.ts.
   */
  auth?: RouteAuth;
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/**
 * Access a route requires. A permission route may name the scope it touches (resolved after the
 * body is parsed); without `scope` the permission must be held in some scope, and the handler
 * narrows further (lists filter, bodies name environments) with access.ts.
 */
export type RouteAuth =
  | 'none'
  | 'authenticated'
  | 'admin'
  | 'worker'
  | 'worker-registration'
  | { permission: Permission; scope?: (request: FastifyRequest) => Promise<AccessScope> };

/** The path in fastify's syntax (`{id}` → `:id`). */
export function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** A path parameter the router matched (always present for a declared `{name}`). */
export function param(request: FastifyRequest, name: string): string {
  const value = (request.params as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

/** A request header as one string (repeated headers joined, as HTTP allows for lists). */
export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
