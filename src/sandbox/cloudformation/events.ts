/**
 * Stack events: one per status change of the stack or of a resource, kept oldest first (the API
 * answers newest first). Timestamps strictly increase within a stack, so that events of the same
 * instant keep their order and resource EventIds (`<LogicalId>-<STATUS>-<iso time>`) stay unique.
 */
import { randomUUID } from 'node:crypto';
import type { CfnResource, CfnStack, StackStatus } from './model.js';

export const STACK_TYPE = 'AWS::CloudFormation::Stack';

function nextTimestamp(stack: CfnStack, now: number): number {
  const last = stack.events[stack.events.length - 1];
  const t = Math.floor(now);
  return last && last.timestamp >= t ? last.timestamp + 1 : t;
}

/** Sets the stack's status and writes its event (`LogicalResourceId` = the stack name). */
export function setStackStatus(
  stack: CfnStack,
  status: StackStatus,
  now: number,
  reason: string | undefined,
  token: string | undefined,
): void {
  const timestamp = nextTimestamp(stack, now);
  stack.status = status;
  stack.statusReason = reason;
  stack.events.push({
    eventId: randomUUID(),
    logicalId: stack.stackName,
    physicalId: stack.stackId,
    type: STACK_TYPE,
    timestamp,
    status,
    ...(reason !== undefined ? { reason } : {}),
    ...(token !== undefined ? { token } : {}),
  });
}

/** Sets a resource's status (and physical id, when given) and writes its event. */
export function setResourceStatus(
  stack: CfnStack,
  resource: CfnResource,
  status: string,
  now: number,
  options: {
    reason?: string;
    physicalId?: string;
    properties?: Record<string, unknown>;
    token?: string;
  } = {},
): void {
  const timestamp = nextTimestamp(stack, now);
  resource.status = status;
  resource.statusReason = options.reason;
  resource.timestamp = timestamp;
  const physicalId = options.physicalId ?? resource.physicalId;
  stack.events.push({
    eventId: `${resource.logicalId}-${status}-${new Date(timestamp).toISOString()}`,
    logicalId: resource.logicalId,
    physicalId,
    type: resource.type,
    timestamp,
    status,
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
    properties: JSON.stringify(options.properties ?? resource.properties),
    ...(options.token !== undefined ? { token: options.token } : {}),
  });
}
