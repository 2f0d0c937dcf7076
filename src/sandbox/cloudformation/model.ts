/**
 * CloudFormation state of one account in one region, as plain JSON: stacks (deleted ones kept,
 * describable by StackId), their resources and events, change sets, and the operation in flight
 * with each resource's progress, so that a restarted sandbox carries on where it stopped.
 * Times are sandbox epoch ms.
 */

/** Resolved parameter values (the same shape as contracts.ts's ParameterValues; no import, so the world stays free of the contracts). */
export type ParameterValues = Record<string, string | string[]>;

export type StackStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_FAILED'
  | 'ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_FAILED'
  | 'UPDATE_ROLLBACK_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_FAILED'
  | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE'
  | 'REVIEW_IN_PROGRESS';

export interface CfnTag {
  Key: string;
  Value: string;
}

/** One resource of a stack as it stands now. */
export interface CfnResource {
  logicalId: string;
  type: string;
  /** '' until the provider names it. */
  physicalId: string;
  status: string;
  statusReason?: string;
  /** Last status change. */
  timestamp: number;
  /** The evaluated properties last applied (what the next update is compared with). */
  properties: Record<string, unknown>;
  /** Fn::GetAtt values the provider reported. */
  attributes: Record<string, unknown>;
  deletionPolicy?: string;
  updateReplacePolicy?: string;
}

export interface CfnEvent {
  eventId: string;
  logicalId: string;
  physicalId: string;
  type: string;
  timestamp: number;
  status: string;
  reason?: string;
  /** JSON of the resolved properties (resource events). */
  properties?: string;
  token?: string;
}

export interface CfnOutput {
  key: string;
  value: string;
  description?: string;
  exportName?: string;
}

/** A resource's step in an operation phase. */
export interface ResourceTask {
  logicalId: string;
  type: string;
  action: 'create' | 'update' | 'delete';
  /**
   * 'replace' is an update done by creating a new physical resource; 'restore' makes the old one
   * the resource again (update rollback); 'skip' is a delete that keeps the resource (Retain).
   */
  mode: 'create' | 'update' | 'replace' | 'restore' | 'delete' | 'skip';
  state: 'pending' | 'in_progress' | 'done' | 'failed' | 'cancelled';
  /** Tasks that must be done first (logical ids within the same phase). */
  after: string[];
  properties?: Record<string, unknown>;
  previousProperties?: Record<string, unknown>;
  physicalId?: string;
  /** The provider's callback context between calls. */
  context?: Record<string, unknown>;
  nextCallAt?: number;
  timeoutAt?: number;
  /** The old physical resource a replacement supersedes (deleted in cleanup). */
  replacedPhysicalId?: string;
  /** Whether the first call returned (the "Initiated" event was written). */
  initiated?: boolean;
}

/** An old physical resource to delete after an update (or a rollback). */
export interface Leftover {
  logicalId: string;
  type: string;
  physicalId: string;
  properties: Record<string, unknown>;
  /** The resource's entry is removed from the stack once deleted (it left the template). */
  removed: boolean;
  retain: boolean;
}

/** The template and values a stack runs with (current, target or previous). */
export interface StackConfig {
  templateBody: string;
  parameters: ParameterValues;
  /** The order of the parameters as the template declares them, with NoEcho. */
  parameterOrder: { key: string; noEcho: boolean }[];
  capabilities: string[];
  tags: CfnTag[];
  description?: string;
  /** Logical id → logical ids it depends on (conditions applied). */
  dependencies: Record<string, string[]>;
  /** Logical id → declared resource type, deletion policy (conditions applied). */
  declared: Record<string, { type: string; deletionPolicy?: string; updateReplacePolicy?: string }>;
}

export type Phase =
  'create' | 'rollback' | 'update' | 'cleanup' | 'update-rollback' | 'rollback-cleanup' | 'delete';

/** The operation in flight on a stack. */
export interface CfnOperation {
  kind: 'CREATE' | 'UPDATE' | 'DELETE';
  token?: string;
  phase: Phase;
  /** Sandbox time of the next phase step (start/finish delays). */
  nextAt?: number;
  /** TimeoutInMinutes deadline (create). */
  deadline?: number;
  tasks: Record<string, ResourceTask>;
  /** The configuration being applied (create, update). */
  target?: StackConfig;
  /** The configuration before an update, and its resources (for the update rollback). */
  previous?: StackConfig;
  before?: Record<string, CfnResource>;
  previousOutputs?: CfnOutput[];
  previousImports?: string[];
  /** Resources that failed in the forward phase, in order. */
  failed: string[];
  /** Stack-level failure reason (export conflict, timeout). */
  stackFailure?: string;
  leftovers: Leftover[];
  /** Physical ids created by the update (deleted by the rollback cleanup). */
  createdByUpdate: Leftover[];
  onFailure: 'ROLLBACK' | 'DO_NOTHING' | 'DELETE';
  retainResources: string[];
  /** The change set being executed. */
  changeSetId?: string;
  /** Resources to skip when continuing a failed update rollback. */
  skip?: string[];
  /** The phase's resources are done; the stack's status changes at `nextAt`. */
  finishing?: boolean;
  /** A failed update rollback waits here for ContinueUpdateRollback (or DeleteStack). */
  halted?: boolean;
}

export interface CfnStack {
  stackId: string;
  stackName: string;
  status: StackStatus;
  statusReason?: string;
  creationTime: number;
  lastUpdatedTime?: number;
  deletionTime?: number;
  config: StackConfig;
  disableRollback: boolean;
  timeoutInMinutes?: number;
  notificationArns: string[];
  roleArn?: string;
  enableTerminationProtection: boolean;
  changeSetId?: string;
  resources: Record<string, CfnResource>;
  outputs: CfnOutput[];
  /** Export names this stack imports (Fn::ImportValue). */
  imports: string[];
  events: CfnEvent[];
  operation?: CfnOperation;
  /** The client request tokens used on this stack, with the action (TokenAlreadyExists). */
  tokens: Record<string, string>;
}

export interface CfnChange {
  action: 'Add' | 'Modify' | 'Remove';
  logicalId: string;
  physicalId?: string;
  type: string;
  replacement?: 'True' | 'False' | 'Conditional';
  scope: string[];
  details: { attribute: string; name?: string; requiresRecreation: string; evaluation: string }[];
}

export interface CfnChangeSet {
  id: string;
  name: string;
  stackId: string;
  stackName: string;
  type: 'CREATE' | 'UPDATE';
  status: 'CREATE_PENDING' | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE' | 'FAILED' | 'DELETE_COMPLETE';
  statusReason?: string;
  executionStatus:
    'UNAVAILABLE' | 'AVAILABLE' | 'EXECUTE_IN_PROGRESS' | 'EXECUTE_COMPLETE' | 'EXECUTE_FAILED' | 'OBSOLETE';
  creationTime: number;
  /** When the change set's computation "finishes" (sandbox ms); its outcome is known at once. */
  readyAt: number;
  /** Status and reason once ready. */
  outcome: { status: 'CREATE_COMPLETE' | 'FAILED'; reason?: string };
  description?: string;
  config: StackConfig;
  notificationArns: string[];
  roleArn?: string;
  onStackFailure?: 'ROLLBACK' | 'DO_NOTHING' | 'DELETE';
  changes: CfnChange[];
}

export interface CfnRegion {
  /** By StackId, deleted stacks included. */
  stacks: Record<string, CfnStack>;
  /** By change set ARN. */
  changeSets: Record<string, CfnChangeSet>;
}

export function emptyCfnRegion(): CfnRegion {
  return { stacks: {}, changeSets: {} };
}

/** The CloudFormation part of a region, created when missing (state files from before it). */
export function cfnOf(region: { cloudformation?: CfnRegion }): CfnRegion {
  region.cloudformation ??= emptyCfnRegion();
  return region.cloudformation;
}
