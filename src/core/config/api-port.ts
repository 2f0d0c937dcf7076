/**
 * What `slipway apply` and `slipway export` need from a Slipway server: typed reads and writes of
 * the HTTP API (docs/api.md) under one space. The CLI's ApiClient answers it over HTTP; the server's
 * configuration routes answer it by injecting requests into themselves with the caller's
 * credentials, so both run the same planner under the same permission checks and audit.
 */
import type { z } from 'zod';

/** Query parameters; undefined ones are left out. */
export type ConfigApiQuery = Record<string, string | number | boolean | undefined>;

/** Options of one request. */
export interface ConfigApiRequestOptions {
  query?: ConfigApiQuery;
  /** Sent as `If-Match: "<version>"`. */
  ifMatch?: number;
  signal?: AbortSignal;
}

/**
 * A client of one space of the API. Errors are SlipwayErrors carrying the server's code and
 * message; bodies are parsed with the schema the caller gives.
 */
export interface ConfigApi {
  /** The space (id or name) paths are built under. */
  readonly space: string;
  /** `/api/spaces/{space}/<segments...>`, each segment URL-encoded. */
  spacePath(...segments: string[]): string;
  get<S extends z.ZodType>(path: string, schema: S, options?: ConfigApiRequestOptions): Promise<z.output<S>>;
  /** Every item of a paged list, following cursors. */
  list<S extends z.ZodType>(path: string, itemSchema: S, query?: ConfigApiQuery): Promise<z.output<S>[]>;
  post<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    options?: ConfigApiRequestOptions,
  ): Promise<z.output<S>>;
  put<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    options?: ConfigApiRequestOptions,
  ): Promise<z.output<S>>;
  patch<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    options?: ConfigApiRequestOptions,
  ): Promise<z.output<S>>;
}
