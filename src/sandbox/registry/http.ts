/** HTTP plumbing of the registry: its error shape, bodies and the request context. */
import { readBody as readLimitedBody } from '../protocol/body.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxRuntime } from '../runtime.js';
import type { EcrRegion, EcrRepository } from '../ecr/model.js';

const STATUS: Record<string, number> = {
  UNAUTHORIZED: 401,
  DENIED: 403,
  NAME_UNKNOWN: 404,
  MANIFEST_UNKNOWN: 404,
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_UNKNOWN: 404,
  UNSUPPORTED: 405,
  SIZE_INVALID: 400,
  TAG_INVALID: 400,
  NAME_INVALID: 400,
  DIGEST_INVALID: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  BLOB_UPLOAD_INVALID: 400,
  PAGINATION_NUMBER_INVALID: 400,
  TOOMANYREQUESTS: 429,
};

/** A registry error: `{"errors":[{code,message,detail}]}` with the code's HTTP status. */
export class RegistryError extends Error {
  readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    readonly detail?: unknown,
    status?: number,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status ?? STATUS[code] ?? 400;
  }
}

/** Everything a registry route needs about the request. */
export interface RegistryRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  runtime: SandboxRuntime;
  accountId: string;
  region: string;
  ecr: EcrRegion;
  /** Absolute base for Location headers, e.g. http://127.0.0.1:4566. */
  base: string;
}

/**
 * Reads the request body, refusing one over `limit` bytes with SIZE_INVALID (413) before buffering
 * it. `what` names the limit in the error's detail (e.g. "blob").
 */
export function readBody(req: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  return readLimitedBody(
    req,
    Math.max(0, limit),
    (max) =>
      new RegistryError(
        'SIZE_INVALID',
        `the ${what} is larger than the sandbox registry's limit of ${max} bytes`,
        { limit: max },
        413,
      ),
  );
}

/** Sends a response with the registry's common headers. */
export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number>,
  body?: Buffer | string,
  head = false,
): void {
  res.writeHead(status, { 'Docker-Distribution-API-Version': 'registry/2.0', ...headers });
  res.end(head ? undefined : body);
}

/** Sends a JSON document. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  send(
    res,
    status,
    {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      ...headers,
    },
    body,
  );
}

/** Answers a RegistryError in the registry's shape. */
export function sendError(res: ServerResponse, err: RegistryError, head = false): void {
  const body = JSON.stringify({
    errors: [
      { code: err.code, message: err.message, ...(err.detail !== undefined ? { detail: err.detail } : {}) },
    ],
  });
  send(
    res,
    err.status,
    {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      ...err.headers,
    },
    body,
    head,
  );
}

/** The named repository of the caller's registry, or NAME_UNKNOWN. */
export function repositoryOf(r: RegistryRequest, name: string): EcrRepository {
  const repo = r.ecr.repositories[name];
  if (!repo) {
    throw new RegistryError(
      'NAME_UNKNOWN',
      `The repository with name '${name}' does not exist in the registry with id '${r.accountId}'`,
      { name },
    );
  }
  return repo;
}
