/**
 * The server's one mapping from error codes to HTTP statuses, and the error body every failure
 * answers with: `{ code, message, details }`. Internal errors never show their message or stack.
 */
import type { FastifyError } from 'fastify';
import { z } from 'zod';
import { ERROR_CODES, isSlipwayError, type ErrorCode, type SlipwayError } from '../core/errors.js';

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
  NOT_FOUND: 404,
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

/** Status and body for anything a route threw; `requestId` lets a 500 be found in the log. */
export function toErrorResponse(e: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (isSlipwayError(e)) {
    const status = statusOf(e);
    // Messages of user- and AWS-owned errors are written for the caller; internal ones may not be.
    if (e.owner !== 'internal' || e.code === 'NOT_IMPLEMENTED') {
      return { status, body: { code: e.code, message: e.message, details: e.data } };
    }
  } else if (isClientFastifyError(e)) {
    // The request never reached a handler: the body is not JSON, too large, of another type, ...
    const issue =
      e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'body: this content type is not accepted; send application/json'
        : `body: ${e.message.replace(/\.$/, '')}`;
    return {
      status: e.statusCode ?? 400,
      body: {
        code: 'INVALID_INPUT',
        message: `Invalid request ${issue}.`,
        details: { issues: [issue], reason: e.code },
      },
    };
  }
  return {
    status: 500,
    body: {
      code: 'INTERNAL',
      message: `An internal error occurred (request ${requestId}); it has been logged. Please report it.`,
      details: { requestId },
    },
  };
}
