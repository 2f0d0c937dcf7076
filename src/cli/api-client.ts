/**
 * A small typed client for the Slipway HTTP API (docs/api.md), for the CLI's commands that talk to a
 * server (apply, export, the CI commands). Every response body is checked with a zod schema the
 * caller gives, so nothing past this boundary is `unknown`. Error bodies `{ code, message, details }`
 * become SlipwayErrors with the server's code and message; a server that cannot be reached is a
 * CONFIG error that names the URL.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { ERROR_CODES, SlipwayError, type ErrorCode } from '../core/errors.js';

/** The default server URL when neither --server nor SLIPWAY_SERVER is given. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4600';
/** The default space. */
export const DEFAULT_SPACE = 'Default';
/** Largest page the API serves; lists are read with it to make few round trips. */
const PAGE_LIMIT = 500;

/** How to reach the server. */
export interface ApiClientOptions {
  /** Base URL, e.g. http://127.0.0.1:4600 (a trailing slash is ignored). */
  server: string;
  /** The API key sent as `Authorization: Bearer <key>`; default none (the server then answers 401). */
  apiKey?: string;
  /** The space, by id or name, that spacePath() builds paths under; default "Default". */
  space?: string;
  /** Per-request timeout; default 60 000 ms. */
  timeoutMs?: number;
  /** The fetch implementation; default the global fetch. */
  fetch?: typeof fetch;
}

/** Query parameters; undefined ones are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** Options of one request. */
export interface RequestOptions {
  query?: Query;
  /** Sent as `If-Match: "<version>"`. */
  ifMatch?: number;
  /** Stops waiting for the answer (the caller's own stop; the timeout applies as well). Default none. */
  signal?: AbortSignal;
}

/** What a request answered. */
export interface ApiResponse<T> {
  status: number;
  body: T;
  /** The ETag header, if any. */
  etag?: string;
}

const errorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const pageSchema = z.object({ items: z.array(z.unknown()), nextCursor: z.string().optional() });

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

// When a body does not carry a known code, the status still says what kind of failure it was.
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 412) return 'PRECONDITION_FAILED';
  if (status === 501) return 'NOT_IMPLEMENTED';
  if (status >= 400 && status < 500) return 'INVALID_INPUT';
  return 'INTERNAL';
}

/** A client bound to one server, key and space. */
export class ApiClient {
  /** The base URL without a trailing slash. */
  readonly server: string;
  /** The space paths are built under. */
  readonly space: string;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.space = options.space ?? DEFAULT_SPACE;
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#fetch = options.fetch ?? fetch;
    try {
      const url = new URL(this.server);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new SlipwayError(
        'USAGE',
        `The server URL "${options.server}" is not an http(s) URL such as ${DEFAULT_SERVER_URL}.`,
      );
    }
  }

  /** `/api/spaces/{space}/<segments...>`, each segment URL-encoded. */
  spacePath(...segments: string[]): string {
    return ['/api/spaces', this.space, ...segments]
      .map((s, i) => (i === 0 ? s : encodeURIComponent(s)))
      .join('/');
  }

  /** Sends one request; answers with the parsed body, or throws the server's error as a SlipwayError. */
  async request<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    options: RequestOptions & { body?: unknown } = {},
  ): Promise<ApiResponse<z.output<S>>> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#apiKey !== undefined) headers.authorization = `Bearer ${this.#apiKey}`;
    if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const what = `${method} ${path}`;
    let res: Response;
    try {
      res = await this.#fetch(url, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: options.signal
          ? AbortSignal.any([options.signal, AbortSignal.timeout(this.#timeoutMs)])
          : AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      throw this.#networkError(e, what);
    }
    const text = await res.text();
    let json: unknown = undefined;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        if (res.ok) {
          throw new SlipwayError('INTERNAL', `The server answered ${what} with a body that is not JSON.`, {
            data: { status: res.status },
          });
        }
      }
    }
    if (!res.ok) throw this.#errorFrom(res.status, json, what);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SlipwayError(
        'INTERNAL',
        `The server answered ${what} with an unexpected body (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}); ` +
          'is the server the same Slipway version as this CLI?',
        { data: { status: res.status } },
      );
    }
    const etag = res.headers.get('etag') ?? undefined;
    return { status: res.status, body: parsed.data, ...(etag !== undefined ? { etag } : {}) };
  }

  /** GET `path` and parse the body with `schema`. */
  async get<S extends z.ZodType>(path: string, schema: S, options?: RequestOptions): Promise<z.output<S>> {
    return (await this.request('GET', path, schema, options)).body;
  }

  /** Every item of a paged list (`{ items, nextCursor }`), following cursors with the largest page size. */
  async list<S extends z.ZodType>(path: string, itemSchema: S, query: Query = {}): Promise<z.output<S>[]> {
    const items: z.output<S>[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = await this.get(path, pageSchema.extend({ items: z.array(itemSchema) }), {
        query: { ...query, limit: PAGE_LIMIT, cursor },
      });
      items.push(...page.items);
      if (page.nextCursor === undefined) return items;
      // A cursor that repeats would loop forever: a server bug, said plainly.
      if (seen.has(page.nextCursor)) {
        throw new SlipwayError('INTERNAL', `The server repeated a cursor while listing ${path}.`);
      }
      seen.add(page.nextCursor);
      cursor = page.nextCursor;
    }
  }

  /** POST `body` to `path`. */
  async post<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    options?: RequestOptions,
  ): Promise<z.output<S>> {
    return (await this.request('POST', path, schema, { ...options, body })).body;
  }

  /** PUT `body` to `path` (pass `ifMatch` for the version you read). */
  async put<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    options?: RequestOptions,
  ): Promise<z.output<S>> {
    return (await this.request('PUT', path, schema, { ...options, body })).body;
  }

  /** PATCH `path` with `body` (pass `ifMatch` for the version you read). */
  async patch<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    options?: RequestOptions,
  ): Promise<z.output<S>> {
    return (await this.request('PATCH', path, schema, { ...options, body })).body;
  }

  /** DELETE `path`. */
  async delete(path: string, options?: RequestOptions): Promise<void> {
    await this.request('DELETE', path, z.unknown(), options);
  }

  #networkError(e: unknown, what: string): SlipwayError {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return new SlipwayError(
        'CONFIG',
        `The Slipway server at ${this.server} did not answer ${what} within ${this.#timeoutMs / 1000} s.`,
        { cause: e, data: { server: this.server } },
      );
    }
    const reason = err.cause?.code ?? err.cause?.message ?? err.message;
    return new SlipwayError(
      'CONFIG',
      `Cannot reach the Slipway server at ${this.server}: ${reason}. Is it running? ` +
        'Pass --server URL or set SLIPWAY_SERVER.',
      { cause: e, data: { server: this.server } },
    );
  }

  #errorFrom(status: number, json: unknown, what: string): SlipwayError {
    const body = errorBodySchema.safeParse(json);
    const code = body.success && isErrorCode(body.data.code) ? body.data.code : codeForStatus(status);
    let message = body.success ? body.data.message : `The server answered ${what} with HTTP ${status}.`;
    if (status === 401 && this.#apiKey === undefined) {
      message += ' No API key was sent: pass --api-key or set SLIPWAY_API_KEY.';
    }
    return new SlipwayError(code, message, {
      data: { status, request: what, ...(body.success ? { details: body.data.details ?? {} } : {}) },
    });
  }
}

/** The connection flags of the commands that talk to a server (apply, export, the CI commands). */
export interface ConnectionFlags {
  server?: string;
  apiKey?: string;
  space?: string;
}

/** Adds --server, --api-key and --space to `command`. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--server <url>', `Slipway server URL (default: $SLIPWAY_SERVER, else ${DEFAULT_SERVER_URL})`)
    .option('--api-key <key>', 'API key (default: $SLIPWAY_API_KEY; never printed)')
    .option('--space <space>', `space, by name or id (default: ${DEFAULT_SPACE})`);
}

/**
 * A client from the connection flags, falling back to SLIPWAY_SERVER and SLIPWAY_API_KEY in `env`;
 * `space` is used when --space is not given (default "Default").
 */
export function clientFromFlags(
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
  space?: string,
): ApiClient {
  const apiKey = flags.apiKey ?? (env.SLIPWAY_API_KEY || undefined);
  return new ApiClient({
    server: flags.server ?? (env.SLIPWAY_SERVER || DEFAULT_SERVER_URL),
    ...(apiKey !== undefined ? { apiKey } : {}),
    space: flags.space ?? space ?? DEFAULT_SPACE,
  });
}
