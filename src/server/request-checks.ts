/**
 * Checks every request gets before any route code: no unusable characters in the path, the query
 * or the body (core/model/text.ts: one rule, so a dry run and the real write refuse the same
 * things), and the answers to what Node and the router refuse on their own (oversized headers or
 * URL, an unknown method on a known path), all in the error shape.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SlipwayError } from '../core/errors.js';
import { findUnusableText, type TextIssue } from '../core/model/text.js';
import { invalidRequest, toErrorResponse } from './errors.js';
import { bodyRoot, type RouteSpec } from './route.js';

function unusable(issues: TextIssue[]): SlipwayError {
  const lines = issues.map((i) => i.issue);
  return new SlipwayError(
    'INVALID_INPUT',
    `Invalid request: ${lines.join('; ')}. Remove the character (a NUL or control character is ` +
      'usually a copy-and-paste accident).',
    { data: { issues: lines } },
  );
}

/**
 * Refuses a request whose path parameters or query (at onRequest, before anything looks them up)
 * or body (once parsed, before validation and the access checks) hold an unusable character.
 */
export function registerTextChecks(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const issues = [
      ...findUnusableText(request.params, 'path', 'line'),
      ...findUnusableText(request.query, 'query', 'line'),
    ];
    if (issues.length > 0) throw unusable(issues);
  });
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) return;
    const spec = request.routeOptions.config.body;
    const issues = findUnusableText(request.body, spec ? bodyRoot(spec) : 'body');
    if (issues.length > 0) throw unusable(issues);
  });
}

/** The methods each path of `routes` takes (GET implies HEAD), as a lookup by request path. */
export function methodsByPath(routes: readonly RouteSpec[]): (path: string) => string[] {
  const table = routes.map((r) => ({
    pattern: new RegExp(`^${r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}/?$`),
    method: r.method,
  }));
  return (path) => {
    const methods = new Set(table.filter((t) => t.pattern.test(path)).map((t) => t.method as string));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

/** fastify's frameworkErrors: a URL the router cannot take (bad %-escapes, an overlong path part). */
export function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(error, request.id);
  void reply.status(status).send(body);
}

/** What Node's `clientError` event carries: its code, and the bytes it had read. */
type ClientError = Error & { code?: string; rawPacket?: unknown };

// Node's limit on the request line and headers together (http.maxHeaderSize, 16 KiB by default).
const HEADER_LIMIT_KIB = 16;

/** A request Node refused as its answer: status and the INVALID_INPUT issue. */
function refusal(err: ClientError): { status: number; issue: string; reason: string } {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // A request line that does not end within what arrived is an overlong URL.
    const raw = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.toString('latin1') : '';
    const lineEnd = raw.indexOf('\r\n');
    if (lineEnd === -1 || lineEnd > (HEADER_LIMIT_KIB * 1024) / 2) {
      return {
        status: 414,
        issue: `URL: is longer than the server reads (${HEADER_LIMIT_KIB} KiB with the headers); send long values in a body, or page with cursors`,
        reason: 'URI_TOO_LONG',
      };
    }
    return {
      status: 431,
      issue: `headers: are larger than the server reads (${HEADER_LIMIT_KIB} KiB in all); send fewer or smaller headers (cookies?)`,
      reason: 'HEADERS_TOO_LARGE',
    };
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      issue: 'request: did not arrive in time; send it again',
      reason: 'REQUEST_TIMEOUT',
    };
  }
  return { status: 400, issue: 'request: is not valid HTTP', reason: 'MALFORMED_HTTP' };
}

/**
 * fastify's clientErrorHandler: what Node refused before there was a request to answer (oversized
 * headers or URL, a timeout, malformed HTTP), written on the socket in the error shape.
 */
export function clientErrorHandler(err: ClientError, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, issue, reason } = refusal(err);
  const json = JSON.stringify(invalidRequest(status, issue, reason).body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(json)}\r\n` +
        'Connection: close\r\n\r\n' +
        json,
    );
  }
  socket.destroy(err);
}
