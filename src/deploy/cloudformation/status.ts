/**
 * Stack statuses, judged (cloudformation.md A2, B3): which are final, which leave a stack that
 * must be deleted before it can be created again, and whether a final status means OUR operation
 * succeeded. Pure.
 */
import type { StackOperationKind } from './types.js';

/** True when no operation is running on the stack. REVIEW_IN_PROGRESS is neither: a change set waits. */
export function isFinal(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS');
}

/** Statuses from which the stack can only be deleted (or, with rollback errors, not updated): delete, then create. */
export const RECREATE_STATUSES: ReadonlySet<string> = new Set([
  'CREATE_FAILED',
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'DELETE_FAILED',
  'UPDATE_ROLLBACK_FAILED',
]);

const SUCCESS: Record<StackOperationKind, string> = {
  create: 'CREATE_COMPLETE',
  update: 'UPDATE_COMPLETE',
  delete: 'DELETE_COMPLETE',
};

/** Whether a final status means the operation succeeded (anything else, e.g. UPDATE_ROLLBACK_COMPLETE, failed). */
export function succeeded(kind: StackOperationKind, finalStatus: string): boolean {
  return finalStatus === SUCCESS[kind];
}

/** What to do with a stack of this status before deploying (after any operation in flight ended). */
export type StackPlan = 'create' | 'update' | 'delete-then-create' | 'delete-review-then-create';

/** Plans a deploy from the stack's status (undefined: no stack). REVIEW_IN_PROGRESS needs the resource count. */
export function planDeploy(status: string | undefined): StackPlan {
  if (status === undefined || status === 'DELETE_COMPLETE') return 'create';
  if (status === 'REVIEW_IN_PROGRESS') return 'delete-review-then-create';
  if (RECREATE_STATUSES.has(status)) return 'delete-then-create';
  return 'update';
}

/** A stack event's status that reports a failure (logged as a warning). */
export function isFailureStatus(status: string): boolean {
  return status.endsWith('_FAILED') || status.includes('ROLLBACK');
}
