/**
 * What the stack deployer takes and gives: a template and its parameters for one stack, how long
 * to wait, what an earlier attempt saved, and the hooks that tell the caller about each operation
 * before and after it is sent (the server persists its resume state there) and every event.
 */
import type { EventSink } from '../../core/events.js';
import { STACK_CAPABILITIES } from '../../core/model/kinds/cloudformation.js';
import type { DeployControl } from '../service-input.js';

/** The capabilities a template may need (IAM resources, named IAM resources, macros/transforms). */
export type StackCapability = (typeof STACK_CAPABILITIES)[number];
export { STACK_CAPABILITIES };

/** A mutating stack call. */
export type StackOperationKind = 'create' | 'update' | 'delete';

/** One mutating call: its kind and the ClientRequestToken that marks its stack events. */
export interface StackOperation {
  kind: StackOperationKind;
  token: string;
  stackName: string;
  /** Known for update and delete, and for create once CreateStack answered. */
  stackId?: string;
}

/** What an earlier attempt saved: the operation it was about to send (or had sent). */
export interface StackResume {
  kind: StackOperationKind;
  token: string;
  stackId?: string;
}

/** How long and how often to wait. */
export interface StackWait {
  /** Wait for the final status (default true); false returns once the operation is accepted. */
  wait?: boolean;
  /** Each wait (for another operation in flight, then for ours) fails after this (default 1800 s). */
  timeoutSeconds?: number;
  /** DescribeStacks every so often while waiting (default 1 s). */
  pollSeconds?: number;
}

/** One stack to create or update. */
export interface StackDeployInput extends StackWait {
  stackName: string;
  templateBody: string;
  /** Sent as given; the template's defaults apply to the others. */
  parameters?: readonly { key: string; value: string }[];
  capabilities?: readonly StackCapability[];
  /** Stack tags (CloudFormation propagates them to resources that take tags). Sent on update too: [] removes them. */
  tags?: readonly { key: string; value: string }[];
  /** Keep what a failed create or update made, instead of rolling back (default false). */
  disableRollback?: boolean;
  /** The operation an earlier attempt saved: re-attached to if it started, never sent twice. */
  resume?: StackResume;
  /** Tokens are `<prefix>-<uuid>` (letters, digits, `-`; default `slipway`). */
  tokenPrefix?: string;
}

/** One stack to delete. */
export interface StackDeleteInput extends StackWait {
  stackName: string;
  resume?: StackResume;
  tokenPrefix?: string;
}

/** A stack event, as the deployer reports it. */
export interface StackEventInfo {
  eventId: string;
  stackId: string;
  stackName: string;
  logicalResourceId: string;
  physicalResourceId: string;
  resourceType: string;
  status: string;
  reason?: string;
  /** ISO-8601. */
  timestamp: string;
  token?: string;
}

/** A resource of the stack (DescribeStackResources). */
export interface StackResourceInfo {
  logicalResourceId: string;
  physicalResourceId: string;
  resourceType: string;
  status: string;
  reason?: string;
}

/** How a deployStack ended (failures throw SlipwayError instead). */
export type StackDeployOutcome = 'created' | 'updated' | 'no-change' | 'started';

export interface StackDeployResult {
  outcome: StackDeployOutcome;
  stackId: string;
  stackName: string;
  /** The stack's status when the deployer stopped looking (a *_IN_PROGRESS one when not waiting). */
  status: string;
  /** OutputKey → OutputValue. */
  outputs: Record<string, string>;
  resources: StackResourceInfo[];
  /** The events of our operation(s), oldest first. */
  events: StackEventInfo[];
}

export interface StackDeleteResult {
  /** `absent`: there was no stack of that name; `started`: not waiting. */
  outcome: 'deleted' | 'absent' | 'started';
  stackId?: string;
  events: StackEventInfo[];
}

/** Typed hooks, awaited where they are called, so what they save is stored before the deployer goes on. */
export interface StackHooks extends DeployControl {
  /** Every progress event, coded `cfn.*` (default dropped). */
  progress?: EventSink;
  /** Before each CreateStack/UpdateStack/DeleteStack is sent: persist the token to resume with. */
  starting?: (operation: StackOperation) => Promise<void> | void;
  /** After the call was accepted (stackId known), or when an earlier attempt's operation is re-attached to. */
  started?: (operation: StackOperation & { stackId: string; attached: boolean }) => Promise<void> | void;
  /** Each new event of our operation, oldest first. */
  stackEvent?: (event: StackEventInfo) => void;
}
