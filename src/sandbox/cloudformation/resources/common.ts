/**
 * What every provider shares: calling the sandbox's own API handlers in the stack's account and
 * region, generated physical names, CloudFormation's system tags, and the progress answers.
 */
import { randomInt } from 'node:crypto';
import type {
  CallContext,
  JsonHandler,
  JsonInput,
  JsonService,
  QueryHandler,
  QueryInput,
  QueryService,
} from '../../service.js';
import type { ProgressEvent, ResourceRequest } from '../contracts.js';

/** The stack's call context at this moment, with a request id of its own (as each SDK call has). */
export function callContext(request: ResourceRequest): CallContext {
  const ctx = request.ctx;
  return { ...ctx, now: ctx.sandbox.now(), requestId: ctx.sandbox.uuid() };
}

/**
 * The action `name` of a service, counted in the sandbox's call statistics like a client's call
 * (CloudFormation's handlers call the services as the stack's account does). Throws if the
 * service has no such action: every action the providers use exists.
 */
export function jsonAction(service: JsonService, name: string): JsonHandler {
  const handler = service.actions[name];
  if (!handler) throw new Error(`${service.name} has no action ${name}`);
  return (input, ctx) => counted(ctx, service.name, name, () => handler(input, ctx));
}

/** A Query service's action, counted as jsonAction's are. */
export function queryAction(service: QueryService, name: string): QueryHandler {
  const handler = service.actions[name];
  if (!handler) throw new Error(`${service.name} has no action ${name}`);
  return (input, ctx) => counted(ctx, service.name, name, () => handler(input, ctx));
}

function counted<T>(ctx: CallContext, service: string, action: string, call: () => T): T {
  try {
    const out = call();
    ctx.sandbox.count(service, action, 'ok');
    return out;
  } catch (e) {
    ctx.sandbox.count(service, action, 'error');
    throw e;
  }
}

/** Calls a JSON API action (ECS, Logs) as the stack; throws its AwsError. */
export function callJson(
  request: ResourceRequest,
  handler: JsonHandler,
  input: JsonInput,
): Record<string, unknown> {
  const out = handler(input, callContext(request));
  if (out instanceof Promise) throw new Error('resource providers call only synchronous actions');
  return (out ?? {}) as Record<string, unknown>;
}

/** Calls a Query API action (IAM) as the stack; throws its AwsError. */
export function callQuery(request: ResourceRequest, handler: QueryHandler, input: QueryInput): void {
  handler(input, callContext(request));
}

const NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random suffix like CloudFormation's (`1IHV3M0W7DO4Q`: 13 upper-case letters and digits). */
export function randomSuffix(length = 13): string {
  let s = '';
  for (let i = 0; i < length; i++) s += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return s;
}

/**
 * The name CloudFormation gives a resource whose name property is absent:
 * `<stack>-<LogicalId>-<RANDOM>`, with the stack name and then the logical id cut so that the
 * whole fits in `maxLength` (e.g. IAM role names: 64).
 */
export function generatedName(stackName: string, logicalId: string, maxLength: number): string {
  const suffix = randomSuffix();
  const room = maxLength - suffix.length - 2;
  let stack = stackName;
  let logical = logicalId;
  if (stack.length + logical.length > room) {
    // Keep at least half of the room for the logical id, which tells resources apart.
    stack = stack.slice(0, Math.max(room - logical.length, Math.floor(room / 2)));
    logical = logical.slice(0, room - stack.length);
  }
  return `${stack}-${logical}-${suffix}`;
}

/** The aws:cloudformation:* tags CloudFormation puts on resources whose schema asks for them. */
export function systemTags(request: ResourceRequest): { Key: string; Value: string }[] {
  return [
    { Key: 'aws:cloudformation:stack-name', Value: request.stackName },
    { Key: 'aws:cloudformation:stack-id', Value: request.stackId },
    { Key: 'aws:cloudformation:logical-id', Value: request.logicalId },
  ];
}

/** Stack tags then the resource's own (a resource tag wins over a stack tag of the same key). */
export function mergedTags(
  stackTags: { Key: string; Value: string }[],
  own: { Key: string; Value: string }[],
): { Key: string; Value: string }[] {
  const byKey = new Map<string, string>();
  for (const t of [...stackTags, ...own]) byKey.set(t.Key, t.Value);
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

/** IN_PROGRESS: call again after `seconds` of sandbox time with `context`. */
export function inProgress(
  seconds: number,
  context: Record<string, unknown>,
  physicalId?: string,
  attributes?: Record<string, unknown>,
): ProgressEvent {
  return {
    status: 'IN_PROGRESS',
    callbackDelaySeconds: seconds,
    context,
    ...(physicalId !== undefined ? { physicalId } : {}),
    ...(attributes !== undefined ? { attributes } : {}),
  };
}

/** SUCCESS with the physical id and attributes. */
export function success(physicalId?: string, attributes?: Record<string, unknown>): ProgressEvent {
  return {
    status: 'SUCCESS',
    ...(physicalId !== undefined ? { physicalId } : {}),
    ...(attributes !== undefined ? { attributes } : {}),
  };
}

/** True once the request's stabilisation deadline has passed. */
export function pastDeadline(request: ResourceRequest): boolean {
  return request.ctx.sandbox.now() > request.timeoutAt;
}

/**
 * The answer after a resource's work is done but AWS would report it a little later: call back
 * in `seconds` with the outcome kept in the context (plain JSON, so it survives a restart).
 */
export function settle(
  seconds: number,
  physicalId: string | undefined,
  attributes?: Record<string, unknown>,
): ProgressEvent {
  const context: Record<string, unknown> = { step: 'settle' };
  if (physicalId !== undefined) context.physicalId = physicalId;
  if (attributes !== undefined) context.attributes = attributes;
  return inProgress(seconds, context, physicalId, attributes);
}

/** The outcome `settle` kept, when this call is its callback; undefined otherwise. */
export function settled(request: ResourceRequest): ProgressEvent | undefined {
  const c = request.context;
  if (c?.step !== 'settle') return undefined;
  const physicalId = typeof c.physicalId === 'string' ? c.physicalId : undefined;
  const attributes =
    c.attributes !== null && typeof c.attributes === 'object'
      ? (c.attributes as Record<string, unknown>)
      : undefined;
  return success(physicalId, attributes);
}
