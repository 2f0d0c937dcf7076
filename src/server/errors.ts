/**
 * The server's one mapping from errors to HTTP statuses, and the error body every failure answers
 * with: `{ code, message, details }`. Messages are ours: internal errors never show their message
 * or stack, the database's own text (table and column names, values, hosts) never reaches a
 * caller, and fastify's and Node's refusals (bad JSON, sizes, content types) are worded here.
 */
import type { FastifyError } from 'fastify';
import { z } from 'zod';
import { ERROR_CODES, isSlipwayError, type ErrorCode, type SlipwayError } from '../core/errors.js';
import { databaseFailure, type DatabaseFailure } from '../store/db-errors.js';

/** The body of every error response. */
export interface ErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** The error body, for the OpenAPI document. */
export const errorBodySchema = z.object({
  code: z.string().meta({ description: 'A stable code from docs/errors.md, e.g. NOT_FOUND.' }),
  message: z.string().meta({ description: 'What went wrong and what to do next.' }),
  details: z
    .record(z.string(), z.unknown())
    .meta({ description: 'Structured facts (e.g. `issues` naming each bad field); never secrets.' }),
});

/** Largest request body the server reads (fastify's default, 1 MiB); larger ones answer 413. */
export const BODY_LIMIT_BYTES = 1_048_576;
/** Longest path parameter (percent-encoded): a 200-character name in any script fits. */
export const MAX_PARAM_LENGTH = 2_400;

/**
 * Status by code. Codes not listed fall back by owner (user → 400, aws → 502, internal → 500), so
 * a code added elsewhere still maps to something sensible before it gets its own row.
 */
const STATUS: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  INVALID_INPUT: 400,
  CONFIG: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  SIGN_IN_LIMITED: 429,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  IN_USE: 409,
  LIFECYCLE_REFUSED: 409,
  WORKER_TASK_LOST: 409,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  STORE_UNAVAILABLE: 503,
  NOT_IMPLEMENTED: 501,
};

/** The HTTP status for a SlipwayError. */
export function statusOf(e: SlipwayError): number {
  const status = STATUS[e.code];
  if (status !== undefined) return status;
  const owner = ERROR_CODES[e.code]?.owner;
  return owner === 'user' ? 400 : owner === 'aws' ? 502 : 500;
}

/** Status and body for one failure; `log` when the body leaves out what the operator needs to see. */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  log: boolean;
}

/** An INVALID_INPUT answer naming one problem (`issue` starts with what it is about: `body: ...`). */
export function invalidRequest(status: number, issue: string, reason: string): ErrorResponse {
  return {
    status,
    body: {
      code: 'INVALID_INPUT',
      message: `Invalid request ${issue}.`,
      details: { issues: [issue], reason },
    },
    log: false,
  };
}

// Fastify's own refusals of a request before any handler ran, in our words, by fastify's code.
const FASTIFY_ISSUES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE:
    'body: this content type is not accepted; send JSON as application/json (or application/merge-patch+json for PATCH)',
  // fastify's parser also refuses `__proto__` and `constructor.prototype` keys, with the same code.
  FST_ERR_CTP_INVALID_JSON_BODY:
    'body: is not valid JSON (check quotes, commas and brackets), or uses "__proto__" or "constructor" as a key',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body: is empty although Content-Type says JSON; send a JSON document',
  FST_ERR_CTP_BODY_TOO_LARGE: `body: is larger than the ${BODY_LIMIT_BYTES / 1_048_576} MiB the server accepts; send a smaller document`,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'body: is not as long as its Content-Length says',
  FST_ERR_CTP_INVALID_TYPE: 'Content-Type: must be one header, e.g. application/json',
  FST_ERR_CTP_EMPTY_TYPE: 'Content-Type: must not be empty',
  FST_ERR_BAD_URL: 'URL: a %-escape in it does not decode to UTF-8 text; percent-encode names as UTF-8',
  FST_ERR_MAX_PARAM_LENGTH: `URL: a path part is longer than ${MAX_PARAM_LENGTH} characters; name the thing by its id`,
};

/** Fastify's own errors carry a 4xx statusCode and an FST_ code (bad JSON, bad content type, ...). */
function isClientFastifyError(e: unknown): e is FastifyError {
  if (!(e instanceof Error)) return false;
  const { statusCode, code } = e as Partial<FastifyError>;
  return (
    typeof statusCode === 'number' &&
    statusCode >= 400 &&
    statusCode < 500 &&
    typeof code === 'string' &&
    code.startsWith('FST_')
  );
}

/** The answer for a database failure: never the database's text. */
function databaseAnswer(failure: DatabaseFailure, requestId: string): ErrorResponse {
  if (failure.kind === 'unavailable') {
    return {
      status: 503,
      body: {
        code: 'STORE_UNAVAILABLE',
        message:
          'The database is not answering, so nothing was done; retry in a moment. If it lasts, an ' +
          `operator should check that the database is running and reachable (request ${requestId}; ` +
          'the cause is in the server log).',
        details: { requestId },
      },
      log: true,
    };
  }
  if (failure.kind === 'bad-value') {
    const issue = `a value cannot be stored: ${failure.reason}`;
    return {
      status: 400,
      body: {
        code: 'INVALID_INPUT',
        message: `Invalid request: ${issue}. Check the values you sent (request ${requestId}).`,
        details: { issues: [issue], requestId },
      },
      log: true,
    };
  }
  return internal(requestId);
}

function internal(requestId: string): ErrorResponse {
  return {
    status: 500,
    body: {
      code: 'INTERNAL',
      message: `An internal error occurred (request ${requestId}); it has been logged. Please report it.`,
      details: { requestId },
    },
    log: true,
  };
}

/** The first database failure in `e`'s cause chain whose text a SlipwayError's message repeats. */
function leakedDatabaseFailure(e: SlipwayError): DatabaseFailure | undefined {
  const shown = `${e.message} ${JSON.stringify(e.data)}`;
  let cause: unknown = e.cause;
  for (let depth = 0; depth < 10 && cause instanceof Error; depth++) {
    const failure = databaseFailure(cause);
    if (failure !== undefined && cause.message !== '' && shown.includes(cause.message)) return failure;
    cause = cause.cause;
  }
  return undefined;
}

// The store's own errors name files, hosts and drivers' text: for the operator (log), not a caller.
const OPERATOR_ONLY: ReadonlySet<ErrorCode> = new Set(['STORE_UNAVAILABLE', 'STORE_MIGRATION_FAILED']);

/** Status and body for anything a route threw; `requestId` lets a 500 (or a 503) be found in the log. */
export function toErrorResponse(e: unknown, requestId: string): ErrorResponse {
  if (isSlipwayError(e)) {
    if (OPERATOR_ONLY.has(e.code)) return databaseAnswer({ kind: 'unavailable' }, requestId);
    // An AWS error's socket failures (ECONNREFUSED, ...) are AWS's endpoint, never the store.
    const leaked = e.owner === 'aws' ? undefined : leakedDatabaseFailure(e);
    if (leaked !== undefined) return databaseAnswer(leaked, requestId);
    // Messages of user- and AWS-owned errors are written for the caller; internal ones may not be.
    if (e.owner !== 'internal' || e.code === 'NOT_IMPLEMENTED') {
      return { status: statusOf(e), body: { code: e.code, message: e.message, details: e.data }, log: false };
    }
    return internal(requestId);
  }
  if (isClientFastifyError(e)) {
    // The request never reached a handler: the body is not JSON, too large, of another type, ...
    const issue = FASTIFY_ISSUES[e.code] ?? 'request: it is malformed; send JSON as application/json';
    return invalidRequest(e.statusCode ?? 400, issue, e.code);
  }
  const failure = databaseFailure(e);
  if (failure !== undefined) return databaseAnswer(failure, requestId);
  return internal(requestId);
}

/**
 * What a caller may see of `e`: the body an error response would carry (our words, no database
 * text, no internals). For errors that can only travel inside a response already under way, such
 * as a log stream's `event: error`.
 */
export function publicError(e: unknown, requestId: string): ErrorBody {
  return toErrorResponse(e, requestId).body;
}
