/**
 * The sandbox's HTTP server: one port for every AWS service (told apart by protocol and SigV4
 * signing name), the Docker registry under /v2/, and the admin API under /_sandbox/.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { rateBucketOf } from '../core/aws-limits.js';
import { handleAdmin } from './admin.js';
import { authenticate, type Caller, type Protocol } from './auth.js';
import { AwsError } from './errors.js';
import { expectContinue, readBody as readLimitedBody } from './protocol/body.js';
import { checkJsonInput, checkQueryInput } from './protocol/input-rules.js';
import { parseJsonBody, parseTarget, sendJson, sendJsonError } from './protocol/json.js';
import { parseQueryBody, sendQuery, sendQueryError } from './protocol/query.js';
import { handleRegistry } from './registry/handler.js';
import type { SandboxRuntime } from './runtime.js';
import type { CallContext, JsonService, QueryService } from './service.js';
import { regionOf } from './world.js';
import { messageOf } from '../core/errors.js';

/**
 * The largest JSON 1.1 request body (ECS, ECR, Logs): AWS's general 10 MiB ceiling, which ECR's
 * largest member (a 4 MiB image manifest, JSON-escaped) fits. Actions have their own, smaller
 * limits on top (RegisterTaskDefinition's 64 KiB, PutLogEvents' 1 MiB batch).
 */
const MAX_JSON_BODY = 10 * 1024 * 1024;
/**
 * The largest Query request body (STS, IAM): 1 MiB, well above the largest member of the actions
 * served (IAM's 131,072-character policy documents, URL-encoded).
 */
const MAX_QUERY_BODY = 1024 * 1024;

export interface ServiceSet {
  json: JsonService[];
  query: QueryService[];
}

/** Reads an AWS API body; past `limit` it answers 413 in the protocol's shape (the code's spelling differs). */
function readBody(req: IncomingMessage, limit: number, protocol: Protocol): Promise<Buffer> {
  return readLimitedBody(
    req,
    limit,
    (max) =>
      new AwsError(
        protocol === 'json' ? 'RequestEntityTooLargeException' : 'RequestEntityTooLarge',
        `Request body is larger than the ${max}-byte limit.`,
        413,
      ),
  );
}

/** The rate limit an action draws from, and the bucket's key within the account and region. */

/** Throttling and injected faults, checked before the handler runs. */
function admit(
  runtime: SandboxRuntime,
  service: string,
  action: string,
  caller: Caller,
  protocol: Protocol,
): void {
  const fault = runtime.matchFault(service, action, caller.account.id);
  if (fault) {
    throw new AwsError(fault.errorCode, fault.message, fault.httpStatus);
  }
  if (!runtime.world.settings.throttling) return;
  const { name: key, limit } = rateBucketOf(service, action);
  if (!runtime.limiter.take(`${caller.account.id}:${caller.scope.region}:${key}`, limit)) {
    throw protocol === 'json'
      ? new AwsError('ThrottlingException', 'Rate exceeded')
      : new AwsError('Throttling', 'Rate exceeded');
  }
}

function contextFor(runtime: SandboxRuntime, caller: Caller, requestId: string): CallContext {
  const region = caller.scope.region;
  return {
    account: caller.account,
    regionState: regionOf(caller.account, region),
    region,
    accessKeyId: caller.scope.accessKeyId,
    callerArn: caller.arn,
    requestId,
    now: runtime.now(),
    sandbox: runtime,
  };
}

function outcomeOf(err: unknown): 'throttled' | 'error' {
  return err instanceof AwsError && (err.code === 'ThrottlingException' || err.code === 'Throttling')
    ? 'throttled'
    : 'error';
}

async function handleJson(
  runtime: SandboxRuntime,
  services: ServiceSet,
  req: IncomingMessage,
  res: ServerResponse,
  search: URLSearchParams,
  target: string,
  requestId: string,
): Promise<void> {
  const parsed = parseTarget(target);
  const service = parsed && services.json.find((s) => s.targetPrefix === parsed.prefix);
  try {
    if (!parsed || !service) throw new AwsError('UnknownOperationException', `Unknown target: ${target}`);
    const body = await readBody(req, MAX_JSON_BODY, 'json');
    const caller = authenticate(req, search, runtime, 'json');
    const action = parsed.action;
    const handler = service.actions[action];
    if (!handler) throw new AwsError('UnknownOperationException', `Unknown operation ${action}`);
    try {
      admit(runtime, service.name, action, caller, 'json');
      const input = parseJsonBody(body);
      checkJsonInput(service.name, action, input);
      const result = await handler(input, contextFor(runtime, caller, requestId));
      runtime.count(service.name, action, 'ok');
      sendJson(res, requestId, result);
    } catch (err) {
      runtime.count(service.name, action, outcomeOf(err));
      throw err;
    }
  } catch (err) {
    sendJsonError(res, requestId, asAwsError(err));
  }
}

const FORM_NAMESPACE_FALLBACK = 'https://sts.amazonaws.com/doc/2011-06-15/';

async function handleQuery(
  runtime: SandboxRuntime,
  services: ServiceSet,
  req: IncomingMessage,
  res: ServerResponse,
  search: URLSearchParams,
  requestId: string,
): Promise<void> {
  let xmlns = FORM_NAMESPACE_FALLBACK;
  try {
    const body = await readBody(req, MAX_QUERY_BODY, 'query');
    const input = parseQueryBody(body, search);
    const caller = authenticate(req, search, runtime, 'query');
    const service = services.query.find((s) => s.name === caller.scope.service);
    if (!service) throw new AwsError('InvalidAction', `The sandbox does not serve ${caller.scope.service}.`);
    xmlns = service.xmlns;
    const action = input.Action ?? '';
    const handler = service.actions[action];
    if (!handler) {
      throw new AwsError(
        'InvalidAction',
        `Could not find operation ${action} for version ${input.Version ?? ''}`,
      );
    }
    try {
      admit(runtime, service.name, action, caller, 'query');
      checkQueryInput(service.name, action, input);
      const result = handler(input, contextFor(runtime, caller, requestId));
      runtime.count(service.name, action, 'ok');
      sendQuery(res, xmlns, action, requestId, result);
    } catch (err) {
      runtime.count(service.name, action, outcomeOf(err));
      throw err;
    }
  } catch (err) {
    sendQueryError(res, xmlns, requestId, asAwsError(err));
  }
}

function asAwsError(err: unknown): AwsError {
  if (err instanceof AwsError) return err;
  // A non-AWS error is a sandbox bug: answer as AWS does for internal failures, and say so.
  const message = messageOf(err);
  process.emitWarning(`sandbox internal error: ${err instanceof Error ? (err.stack ?? message) : message}`);
  return new AwsError('InternalFailure', `The sandbox failed internally: ${message}`, 500, 'Receiver');
}

/** Builds the HTTP server (not listening). */
export function createSandboxServer(runtime: SandboxRuntime, services: ServiceSet): Server {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const requestId = runtime.uuid();
    const done = (p: Promise<void>) =>
      p.catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'INTERNAL', message: String(err) } }));
        } else res.destroy();
      });
    if (url.pathname.startsWith('/_sandbox')) return void done(handleAdmin(runtime, req, res, url));
    if (url.pathname === '/v2' || url.pathname.startsWith('/v2/')) {
      return void done(handleRegistry(req, res, runtime));
    }
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      return void done(handleJson(runtime, services, req, res, url.searchParams, target, requestId));
    }
    if (req.method === 'POST' || url.searchParams.has('Action')) {
      return void done(handleQuery(runtime, services, req, res, url.searchParams, requestId));
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Slipway sandbox: AWS APIs take POST requests; the admin API is under /_sandbox/.\n');
  });
  // `Expect: 100-continue`: the body is asked for when a handler reads it, so one over its limit
  // is refused without being sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    expectContinue(req, res);
    server.emit('request', req, res);
  });
  return server;
}
