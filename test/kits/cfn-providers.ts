/**
 * Drives the sandbox's CloudFormation resource providers directly, as the stack engine would: a
 * CallContext for the default account, requests, and a loop that calls a provider until it is no
 * longer IN_PROGRESS, moving the sandbox clock by each callbackDelaySeconds.
 */
import { randomUUID } from 'node:crypto';
import type {
  ProgressEvent,
  ResourceProvider,
  ResourceRequest,
} from '../../src/sandbox/cloudformation/contracts.js';
import type { SandboxHandle } from '../../src/sandbox/index.js';
import { DEFAULT_ACCOUNT } from '../../src/sandbox/runtime.js';
import type { CallContext } from '../../src/sandbox/service.js';
import { regionOf } from '../../src/sandbox/world.js';

/** The stack's call context in the default account and the sandbox's region. */
export function stackContext(sb: SandboxHandle): CallContext {
  const account = sb.runtime.world.accounts[sb.accountId];
  if (!account) throw new Error('the default account is missing');
  return {
    account,
    regionState: regionOf(account, sb.region),
    region: sb.region,
    accessKeyId: DEFAULT_ACCOUNT.accessKeyId,
    callerArn: `arn:aws:iam::${sb.accountId}:root`,
    requestId: randomUUID(),
    now: sb.runtime.now(),
    sandbox: sb.runtime,
  };
}

/** A stack to make requests for. */
export interface TestStack {
  stackName: string;
  stackId: string;
  stackTags: { Key: string; Value: string }[];
}

/** A stack named `name` with an id as CloudFormation makes them. */
export function testStack(
  sb: SandboxHandle,
  name: string,
  tags: { Key: string; Value: string }[] = [],
): TestStack {
  return {
    stackName: name,
    stackId: `arn:aws:cloudformation:${sb.region}:${sb.accountId}:stack/${name}/${randomUUID()}`,
    stackTags: tags,
  };
}

/** What one drive produced: every event in order, and the last one. */
export interface DriveResult {
  events: ProgressEvent[];
  last: ProgressEvent;
}

/** Fields of a request besides the stack and the context. */
export type RequestFields = Pick<ResourceRequest, 'action' | 'logicalId' | 'properties'> &
  Partial<Pick<ResourceRequest, 'previousProperties' | 'physicalId' | 'timeoutAt'>>;

/**
 * Calls the provider's action until it answers SUCCESS or FAILED (or `maxCalls` calls), passing
 * its context back and advancing the sandbox clock by its callbackDelaySeconds between calls.
 * The deadline defaults to 3 hours of sandbox time from now.
 */
export function drive(
  sb: SandboxHandle,
  provider: ResourceProvider,
  stack: TestStack,
  fields: RequestFields,
  maxCalls = 500,
): DriveResult {
  const events: ProgressEvent[] = [];
  let context: Record<string, unknown> | undefined;
  const physicalId = fields.physicalId;
  const timeoutAt = fields.timeoutAt ?? sb.runtime.now() + 3 * 3600_000;
  for (let i = 0; i < maxCalls; i++) {
    const request: ResourceRequest = {
      ...fields,
      ...stack,
      type: provider.type,
      ctx: stackContext(sb),
      timeoutAt,
      ...(physicalId !== undefined ? { physicalId } : {}),
      ...(context !== undefined ? { context } : {}),
    };
    const event = provider[fields.action](request);
    // The stack engine keeps the context as JSON (state file): so must the provider's be.
    const copy = JSON.parse(JSON.stringify(event)) as ProgressEvent;
    events.push(copy);
    if (event.status !== 'IN_PROGRESS') return { events, last: copy };
    context = copy.context;
    sb.runtime.clock.advance((event.callbackDelaySeconds ?? 1) * 1000);
  }
  throw new Error(`${provider.type} ${fields.action} still IN_PROGRESS after ${maxCalls} calls`);
}
