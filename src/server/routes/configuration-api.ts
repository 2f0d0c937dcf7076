/**
 * The server talking to itself for configuration as code: a ConfigApi (core/config/api-port.ts)
 * whose every call is injected into this fastify instance with the caller's own credentials (API
 * key, or session cookie and CSRF token) and address. So the web UI's export, plan and apply run
 * `slipway apply`'s planner through the very routes the CLI calls: the same validation, the same
 * permission checks in each scope, the same audit rows (the caller as the actor).
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ConfigApi, ConfigApiQuery, ConfigApiRequestOptions } from '../../core/config/api-port.js';
import { ERROR_CODES, SlipwayError, type ErrorCode } from '../../core/errors.js';

// The caller's credentials, passed on unchanged (auth.ts judges them again on each call).
const FORWARDED = ['authorization', 'x-slipway-apikey', 'cookie', 'x-slipway-csrf'] as const;
const PAGE_LIMIT = 500;

const errorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
const pageSchema = z.object({ items: z.array(z.unknown()), nextCursor: z.string().optional() });

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

function withQuery(path: string, query: ConfigApiQuery | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** A ConfigApi over this server for `space` (its id), acting as the caller of `request`. */
export function injectedConfigApi(request: FastifyRequest, space: string): ConfigApi {
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const name of FORWARDED) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    path: string,
    schema: S,
    options: ConfigApiRequestOptions & { body?: unknown } = {},
  ): Promise<z.output<S>> {
    const res = await request.server.inject({
      method,
      url: withQuery(path, options.query),
      remoteAddress: request.ip,
      headers: {
        ...headers,
        ...(options.ifMatch === undefined ? {} : { 'if-match': `"${options.ifMatch}"` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
    });
    let json: unknown;
    try {
      json = res.body === '' ? undefined : JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    if (res.statusCode >= 400) {
      const body = errorBodySchema.safeParse(json);
      const code = body.success && isErrorCode(body.data.code) ? body.data.code : 'INTERNAL';
      throw new SlipwayError(
        code,
        body.success ? body.data.message : `${method} ${path} answered ${res.statusCode}.`,
        { data: body.success ? (body.data.details ?? {}) : {} },
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new SlipwayError('INTERNAL', `${method} ${path} answered a body the planner does not read.`);
    }
    return parsed.data;
  }

  return {
    space,
    spacePath: (...segments) =>
      ['/api/spaces', space, ...segments].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/'),
    get: (path, schema, options) => call('GET', path, schema, options),
    post: (path, body, schema, options) => call('POST', path, schema, { ...options, body }),
    put: (path, body, schema, options) => call('PUT', path, schema, { ...options, body }),
    patch: (path, body, schema, options) => call('PATCH', path, schema, { ...options, body }),
    async list(path, itemSchema, query = {}) {
      const items = [];
      let cursor: string | undefined;
      do {
        const page = await call('GET', path, pageSchema.extend({ items: z.array(itemSchema) }), {
          query: { ...query, limit: PAGE_LIMIT, cursor },
        });
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return items;
    },
  };
}
