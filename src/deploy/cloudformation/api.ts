/**
 * The CloudFormation calls the stack deployer makes, each abortable, with AWS's errors sorted into
 * "the stack does not exist", "nothing to update", refusals the user must fix, and the rest.
 */
import {
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  type CloudFormationClient,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { awsErrorCode, describeAwsError } from '../../aws/errors.js';
import { SlipwayError } from '../../core/errors.js';
import type { StackEventInfo, StackResourceInfo } from './types.js';

/** The client and the signal that stops its calls at once. */
export interface StackApi {
  cfn: CloudFormationClient;
  signal?: AbortSignal | undefined;
}

/** The SDK options of one call: abort with the caller's signal. */
export function callOptions(api: StackApi): { abortSignal?: AbortSignal } {
  return api.signal ? { abortSignal: api.signal } : {};
}

/** DescribeStacks / DescribeStackEvents on a stack that does not exist (by name; deleted ones too). */
export function isStackMissing(e: unknown): boolean {
  return awsErrorCode(e) === 'ValidationError' && e instanceof Error && /does not exist/.test(e.message);
}

/** UpdateStack with nothing to change (`No updates are to be performed.`). */
export function isNoUpdates(e: unknown): boolean {
  return (
    awsErrorCode(e) === 'ValidationError' &&
    e instanceof Error &&
    e.message.includes('No updates are to be performed')
  );
}

const REFUSALS = new Set([
  'ValidationError',
  'InsufficientCapabilitiesException',
  'AlreadyExistsException',
  'LimitExceededException',
  'TokenAlreadyExistsException',
]);

/** The text with a full stop at its end (AWS's messages have one or not). */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Turns an error of a stack call into a SlipwayError: AWS refusals are the user's to fix, quoted verbatim. */
export function stackCallError(e: unknown, call: string, stackName: string): unknown {
  if (e instanceof SlipwayError || (e instanceof Error && e.name === 'AbortError')) return e;
  const code = awsErrorCode(e);
  const data = { stackName, call, awsCode: code ?? null };
  if (code && REFUSALS.has(code)) {
    const hint =
      code === 'InsufficientCapabilitiesException'
        ? ' Add the named capability to the step (capabilities).'
        : code === 'LimitExceededException'
          ? ' Delete stacks you no longer need, or ask AWS for a higher quota.'
          : '';
    return new SlipwayError(
      'CLOUDFORMATION_REFUSED',
      `CloudFormation refused ${call} of stack ${stackName}: ${sentence(describeAwsError(e))}${hint}`,
      { cause: e, data },
    );
  }
  return new SlipwayError('AWS_CALL_FAILED', `${call} of stack ${stackName} failed: ${describeAwsError(e)}`, {
    cause: e,
    data,
  });
}

/** The stack (by name or id), or undefined when there is none. */
export async function describeStack(api: StackApi, stack: string): Promise<Stack | undefined> {
  try {
    const res = await api.cfn.send(new DescribeStacksCommand({ StackName: stack }), callOptions(api));
    return res.Stacks?.[0];
  } catch (e) {
    if (isStackMissing(e)) return undefined;
    throw stackCallError(e, 'DescribeStacks', stack);
  }
}

/** A stack's outputs, OutputKey → OutputValue. */
export function outputsOf(stack: Stack | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of stack?.Outputs ?? []) if (o.OutputKey) out[o.OutputKey] = o.OutputValue ?? '';
  return out;
}

/** The stack's resources (DescribeStackResources: its first 100). */
export async function describeResources(api: StackApi, stack: string): Promise<StackResourceInfo[]> {
  try {
    const res = await api.cfn.send(new DescribeStackResourcesCommand({ StackName: stack }), callOptions(api));
    return (res.StackResources ?? []).map((r) => ({
      logicalResourceId: r.LogicalResourceId ?? '',
      physicalResourceId: r.PhysicalResourceId ?? '',
      resourceType: r.ResourceType ?? '',
      status: r.ResourceStatus ?? '',
      ...(r.ResourceStatusReason ? { reason: r.ResourceStatusReason } : {}),
    }));
  } catch (e) {
    throw stackCallError(e, 'DescribeStackResources', stack);
  }
}

/** A StackEvent as the deployer reports it. */
export function eventInfo(e: StackEvent): StackEventInfo {
  return {
    eventId: e.EventId ?? '',
    stackId: e.StackId ?? '',
    stackName: e.StackName ?? '',
    logicalResourceId: e.LogicalResourceId ?? '',
    physicalResourceId: e.PhysicalResourceId ?? '',
    resourceType: e.ResourceType ?? '',
    status: e.ResourceStatus ?? '',
    ...(e.ResourceStatusReason ? { reason: e.ResourceStatusReason } : {}),
    timestamp: (e.Timestamp ?? new Date(0)).toISOString(),
    ...(e.ClientRequestToken ? { token: e.ClientRequestToken } : {}),
  };
}

/** Bounds a scan of a long history (DescribeStackEvents pages hold up to 100 events). */
export const MAX_EVENT_PAGES = 50;

/** What a scan of the history found: the events before the stop (newest first), and the stop. */
export interface EventScan {
  events: StackEventInfo[];
  /** The first event `stop` accepted; undefined when the history ended first. */
  stoppedAt?: StackEventInfo;
}

/**
 * The stack's events newer than the first one `stop` accepts, newest first, paging until then
 * (or the end of the history). Undefined when the stack does not exist.
 */
export async function eventsUntil(
  api: StackApi,
  stack: string,
  stop: (e: StackEventInfo) => boolean,
): Promise<EventScan | undefined> {
  const events: StackEventInfo[] = [];
  let next: string | undefined;
  for (let page = 0; page < MAX_EVENT_PAGES; page++) {
    let res;
    try {
      res = await api.cfn.send(
        new DescribeStackEventsCommand({ StackName: stack, ...(next ? { NextToken: next } : {}) }),
        callOptions(api),
      );
    } catch (e) {
      if (isStackMissing(e)) return undefined;
      throw stackCallError(e, 'DescribeStackEvents', stack);
    }
    for (const raw of res.StackEvents ?? []) {
      const e = eventInfo(raw);
      if (stop(e)) return { events, stoppedAt: e };
      events.push(e);
    }
    next = res.NextToken;
    if (!next) break;
  }
  return { events };
}
