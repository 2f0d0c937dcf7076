/** The OpenAPI 3.1 document, generated from the route list and its zod schemas. */
import { z } from 'zod';
import { errorBodySchema } from './errors.js';
import type { RouteSpec } from './route.js';

type Json = Record<string, unknown>;

const ERROR_REF = { $ref: '#/components/schemas/Error' };

// The two ways to send an API key; either one is enough, so each is its own requirement.
const SECURITY_SCHEMES = {
  bearerApiKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`slw_...`) as `Authorization: Bearer <key>`.',
  },
  headerApiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Slipway-ApiKey',
    description: 'An API key (`slw_...`) in its own header.',
  },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'slipway_session',
    description:
      'The web UI’s session (POST /api/session). A request that changes something must also send ' +
      '`X-Slipway-Csrf` with the session’s `csrfToken` (else 403 CSRF_REJECTED).',
  },
};
const API_KEY_SECURITY = [{ bearerApiKey: [] }, { headerApiKey: [] }, { sessionCookie: [] }];

// OpenAPI 3.1 schemas are JSON Schema 2020-12, zod's default target; `$schema` belongs to documents.
function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

function operation(route: RouteSpec, schemas: Map<string, z.ZodType>): Json {
  const parameters: Json[] = [];
  for (const [name, description] of Object.entries(route.params ?? {})) {
    parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
  }
  if (route.query) {
    const query = jsonSchema(route.query);
    const properties = (query.properties ?? {}) as Record<string, Json>;
    const required = new Set((query.required ?? []) as string[]);
    for (const [name, schema] of Object.entries(properties)) {
      parameters.push({ name, in: 'query', required: required.has(name), schema });
    }
  }
  for (const h of route.headers ?? []) {
    parameters.push({
      name: h.name,
      in: 'header',
      required: h.required ?? false,
      description: h.description,
      schema: { type: 'string' },
    });
  }
  const responses: Json = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const headers = Object.fromEntries(
      Object.entries(response.headers ?? {}).map(([name, description]) => [
        name,
        { description, schema: { type: 'string' } },
      ]),
    );
    let content: Json | undefined;
    if (Number(status) >= 400) {
      content = { 'application/json': { schema: ERROR_REF } };
    } else if (response.body) {
      schemas.set(response.body.name, response.body.schema);
      content = { 'application/json': { schema: { $ref: `#/components/schemas/${response.body.name}` } } };
    }
    responses[status] = {
      description: response.description,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...(content ? { content } : {}),
    };
  }
  if ((route.auth ?? 'admin') !== 'none') {
    responses['401'] ??= {
      description: 'No API key, or one that is wrong, expired or revoked (UNAUTHENTICATED).',
      content: { 'application/json': { schema: ERROR_REF } },
    };
    responses['403'] ??= {
      description:
        "The key is valid but its user's roles do not allow this here (FORBIDDEN; the message names the permission).",
      content: { 'application/json': { schema: ERROR_REF } },
    };
  }
  // Any route can fail unexpectedly; the 500 body is generic and names the request id.
  responses['500'] = {
    description: 'An internal error (INTERNAL).',
    content: { 'application/json': { schema: ERROR_REF } },
  };
  if (route.body) schemas.set(route.body.name, route.body.schema);
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    // An empty list says "no key needed", overriding the document's default.
    security: (route.auth ?? 'admin') === 'none' ? [] : API_KEY_SECURITY,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.body.name}` } } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI document describing `routes` (and the error body every failure uses). */
export function openApiDocument(routes: readonly RouteSpec[], version: string): Json {
  const schemas = new Map<string, z.ZodType>([['Error', errorBodySchema]]);
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, schemas);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Slipway API',
      version,
      description:
        'Errors are `{ code, message, details }` with the codes of docs/errors.md. Versioned resources carry ' +
        '`ETag: "<version>"`; changes need `If-Match`. Lists page with `limit` and `cursor`. Every route ' +
        'but the probes, this document and /api/docs needs an API key whose roles allow it (docs/security.md).',
    },
    security: API_KEY_SECURITY,
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: Object.fromEntries([...schemas].map(([name, schema]) => [name, jsonSchema(schema)])),
    },
  };
}
