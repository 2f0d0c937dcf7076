/**
 * The stack status machine (cloudformation.md §A2): which resource tasks each phase runs, and
 * where a finished phase leads — create, rollback, update, cleanup, update rollback, its cleanup,
 * delete — with the stack events and reasons AWS writes.
 */
import { listOf, type StackScope } from './engine-context.js';
import { setResourceStatus, setStackStatus } from './events.js';
import type {
  CfnOperation,
  CfnRegion,
  CfnStack,
  Leftover,
  Phase,
  ResourceTask,
  StackConfig,
  StackStatus,
} from './model.js';
import { publishOutputs } from './outputs.js';

/** Forward tasks: every declared resource, after the resources it depends on. */
export function forwardTasks(stack: CfnStack, config: StackConfig): Record<string, ResourceTask> {
  const tasks: Record<string, ResourceTask> = {};
  for (const [id, decl] of Object.entries(config.declared)) {
    const existing = stack.resources[id];
    const exists =
      existing !== undefined && existing.physicalId !== '' && !existing.status.startsWith('DELETE');
    tasks[id] = {
      logicalId: id,
      type: decl.type,
      action: exists ? 'update' : 'create',
      mode: exists ? 'update' : 'create',
      state: 'pending',
      after: (config.dependencies[id] ?? []).filter((d) => d in config.declared),
    };
  }
  return tasks;
}

/** Delete tasks in reverse dependency order: a resource goes after everything that depends on it. */
function deleteTasks(
  items: {
    logicalId: string;
    type: string;
    physicalId: string;
    properties: Record<string, unknown>;
    retain: boolean;
  }[],
  dependencies: Record<string, string[]>,
): Record<string, ResourceTask> {
  const ids = new Set(items.map((i) => i.logicalId));
  const tasks: Record<string, ResourceTask> = {};
  for (const item of items) {
    tasks[item.logicalId] = {
      logicalId: item.logicalId,
      type: item.type,
      action: 'delete',
      mode: item.retain ? 'skip' : 'delete',
      state: 'pending',
      after: [...ids].filter((other) => (dependencies[other] ?? []).includes(item.logicalId)),
      properties: item.properties,
      ...(item.physicalId ? { physicalId: item.physicalId } : {}),
    };
  }
  return tasks;
}

/** Deleting the stack's resources (stack delete, create rollback). */
export function stackDeleteTasks(
  stack: CfnStack,
  retainResources: readonly string[],
  rollback: boolean,
): Record<string, ResourceTask> {
  const items = Object.values(stack.resources)
    .filter((r) => r.status !== 'DELETE_COMPLETE' && r.status !== 'DELETE_SKIPPED')
    .map((r) => ({
      logicalId: r.logicalId,
      type: r.type,
      physicalId: r.physicalId,
      properties: r.properties,
      // A create rollback deletes whatever was made; Retain applies to stack deletes.
      retain: !rollback && (r.deletionPolicy === 'Retain' || retainResources.includes(r.logicalId)),
    }));
  return deleteTasks(items, stack.config.dependencies);
}

function leftoverTasks(
  leftovers: Leftover[],
  dependencies: Record<string, string[]>,
): Record<string, ResourceTask> {
  return deleteTasks(
    leftovers.map((l) => ({ ...l, retain: l.retain })),
    dependencies,
  );
}

/** The update rollback: every resource the update touched goes back to how it was. */
function rollbackTasks(op: CfnOperation): Record<string, ResourceTask> {
  const tasks: Record<string, ResourceTask> = {};
  const before = op.before ?? {};
  const deps = op.previous?.dependencies ?? {};
  for (const t of Object.values(op.tasks)) {
    const old = before[t.logicalId];
    // Tasks that never started (timeoutAt is set when a task starts) changed nothing.
    if (!old || t.state === 'pending' || t.timeoutAt === undefined) continue;
    if (t.mode !== 'update' && t.mode !== 'replace') continue;
    if (t.mode === 'update' && t.state === 'done' && t.previousProperties === undefined) continue;
    tasks[t.logicalId] = {
      logicalId: t.logicalId,
      type: old.type,
      action: 'update',
      mode: t.mode === 'replace' ? 'restore' : 'update',
      state: 'pending',
      after: [],
      properties: old.properties,
      previousProperties: t.properties ?? old.properties,
      physicalId: old.physicalId,
    };
  }
  for (const task of Object.values(tasks)) {
    task.after = (deps[task.logicalId] ?? []).filter((d) => d in tasks);
  }
  return tasks;
}

/** Starts a phase: its status event now, its resources after the stack delay. */
function enter(
  stack: CfnStack,
  op: CfnOperation,
  phase: Phase,
  status: StackStatus,
  reason: string | undefined,
  tasks: Record<string, ResourceTask>,
  now: number,
  delayMs: number,
): void {
  op.phase = phase;
  op.tasks = tasks;
  op.failed = [];
  op.stackFailure = undefined;
  op.finishing = false;
  op.nextAt = now + delayMs;
  setStackStatus(stack, status, now, reason, op.token);
}

/** Ends the operation in a final status. */
function end(stack: CfnStack, status: StackStatus, reason: string | undefined, now: number): CfnOperation {
  const op = stack.operation!;
  stack.operation = undefined;
  setStackStatus(stack, status, now, reason, op.token);
  return op;
}

/** Removes the entries of resources that left the template once their delete finished. */
function dropRemoved(stack: CfnStack, leftovers: Leftover[]): void {
  for (const l of leftovers) {
    const r = stack.resources[l.logicalId];
    if (l.removed && r && r.physicalId === l.physicalId && r.status === 'DELETE_COMPLETE') {
      delete stack.resources[l.logicalId];
    }
  }
}

const failedTo = (verb: string, ids: readonly string[]) =>
  `The following resource(s) failed to ${verb}: ${listOf(ids)}. `;

/** An update whose failures were all new resources failed "to create", else "to update". */
function updateVerb(op: CfnOperation): string {
  return op.failed.every((id) => op.tasks[id]?.mode === 'create') ? 'create' : 'update';
}

/**
 * The phase's resources are done: moves the stack on. Returns the operation when it ended (for
 * the change set's execution status), with whether it succeeded.
 */
export function finishPhase(
  scope: StackScope,
  stack: CfnStack,
  now: number,
  delayMs: number,
): { ended: CfnOperation; ok: boolean } | undefined {
  const op = stack.operation!;
  const failed = op.failed;
  switch (op.phase) {
    case 'create': {
      let failure = op.stackFailure;
      if (failed.length === 0 && failure === undefined) {
        const published = publishOutputs(scope, stack, stack.config);
        if ('outputs' in published) {
          stack.outputs = published.outputs;
          return { ended: end(stack, 'CREATE_COMPLETE', undefined, now), ok: true };
        }
        failure = published.failure;
      }
      if (op.onFailure === 'DO_NOTHING') {
        return { ended: end(stack, 'CREATE_FAILED', failure ?? failedTo('create', failed), now), ok: false };
      }
      const requested =
        op.onFailure === 'DELETE' ? 'Delete requested by user.' : 'Rollback requested by user.';
      const reason = failure ?? `The following resource(s) failed to create: ${listOf(failed)}. ${requested}`;
      enter(
        stack,
        op,
        'rollback',
        'ROLLBACK_IN_PROGRESS',
        reason,
        stackDeleteTasks(stack, [], true),
        now,
        delayMs,
      );
      return undefined;
    }
    case 'rollback': {
      if (failed.length > 0)
        return { ended: end(stack, 'ROLLBACK_FAILED', failedTo('delete', failed), now), ok: false };
      if (op.onFailure !== 'DELETE')
        return { ended: end(stack, 'ROLLBACK_COMPLETE', undefined, now), ok: false };
      setStackStatus(stack, 'ROLLBACK_COMPLETE', now, undefined, op.token);
      enter(stack, op, 'delete', 'DELETE_IN_PROGRESS', 'User Initiated', {}, now, delayMs);
      return undefined;
    }
    case 'update': {
      let failure = op.stackFailure;
      if (failed.length === 0 && failure === undefined) {
        const published = publishOutputs(scope, stack, stack.config);
        if ('outputs' in published) {
          stack.outputs = published.outputs;
          const tasks = leftoverTasks(op.leftovers, {
            ...op.previous?.dependencies,
            ...stack.config.dependencies,
          });
          enter(stack, op, 'cleanup', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', undefined, tasks, now, delayMs);
          return undefined;
        }
        failure = published.failure;
      }
      if (stack.disableRollback) {
        return {
          ended: end(stack, 'UPDATE_FAILED', failure ?? failedTo(updateVerb(op), failed), now),
          ok: false,
        };
      }
      enter(
        stack,
        op,
        'update-rollback',
        'UPDATE_ROLLBACK_IN_PROGRESS',
        failure ?? failedTo(updateVerb(op), failed),
        rollbackTasks(op),
        now,
        delayMs,
      );
      return undefined;
    }
    case 'cleanup':
      // Cleanup failures do not fail the update.
      dropRemoved(stack, op.leftovers);
      return { ended: end(stack, 'UPDATE_COMPLETE', undefined, now), ok: true };
    case 'update-rollback': {
      if (failed.length > 0) {
        op.halted = true;
        setStackStatus(stack, 'UPDATE_ROLLBACK_FAILED', now, failedTo('update', failed), op.token);
        return { ended: op, ok: false };
      }
      if (op.previous) stack.config = op.previous;
      if (op.previousOutputs) stack.outputs = op.previousOutputs;
      const created = op.createdByUpdate;
      enter(
        stack,
        op,
        'rollback-cleanup',
        'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
        undefined,
        leftoverTasks(created, {}),
        now,
        delayMs,
      );
      return undefined;
    }
    case 'rollback-cleanup':
      dropRemoved(stack, op.createdByUpdate);
      // Resources of the failed update that never got a physical id leave with it.
      for (const id of Object.keys(stack.resources)) {
        if (!(id in stack.config.declared) && stack.resources[id]!.physicalId === '')
          delete stack.resources[id];
      }
      return { ended: end(stack, 'UPDATE_ROLLBACK_COMPLETE', undefined, now), ok: false };
    case 'delete': {
      if (failed.length > 0 || op.stackFailure !== undefined) {
        return {
          ended: end(stack, 'DELETE_FAILED', op.stackFailure ?? failedTo('delete', failed), now),
          ok: false,
        };
      }
      const ended = end(stack, 'DELETE_COMPLETE', undefined, now);
      stack.deletionTime = now;
      dropChangeSets(scope.cfn, stack);
      stack.outputs = [];
      stack.imports = [];
      return { ended, ok: true };
    }
  }
}

/** A deleted stack's change sets go with it. */
export function dropChangeSets(cfn: CfnRegion, stack: CfnStack): void {
  for (const cs of Object.values(cfn.changeSets))
    if (cs.stackId === stack.stackId) delete cfn.changeSets[cs.id];
}

/** Starts the stack delete phase (DeleteStack, and after a DELETE-on-failure rollback). */
export function beginDelete(stack: CfnStack, op: CfnOperation, now: number, delayMs: number): void {
  enter(
    stack,
    op,
    'delete',
    'DELETE_IN_PROGRESS',
    'User Initiated',
    stackDeleteTasks(stack, op.retainResources, false),
    now,
    delayMs,
  );
}

/** Starts a forward phase (create or update) with its status event. */
export function beginForward(
  stack: CfnStack,
  op: CfnOperation,
  phase: 'create' | 'update',
  now: number,
  delayMs: number,
): void {
  const target = op.target ?? stack.config;
  enter(
    stack,
    op,
    phase,
    phase === 'create' ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS',
    'User Initiated',
    forwardTasks(stack, target),
    now,
    delayMs,
  );
}

/** ContinueUpdateRollback: the failed rollback tasks run again, the skipped ones count as done. */
export function continueRollback(
  stack: CfnStack,
  skip: readonly string[],
  now: number,
  delayMs: number,
): void {
  const op = stack.operation!;
  op.halted = false;
  const previous = op.tasks;
  const tasks: Record<string, ResourceTask> = {};
  for (const t of Object.values(previous)) {
    if (t.state === 'done' || skip.includes(t.logicalId)) continue;
    tasks[t.logicalId] = { ...t, state: 'pending', context: undefined, nextCallAt: undefined };
  }
  for (const t of Object.values(tasks)) t.after = t.after.filter((d) => d in tasks);
  enter(stack, op, 'update-rollback', 'UPDATE_ROLLBACK_IN_PROGRESS', 'User Initiated', tasks, now, delayMs);
  // AWS counts the skipped resources as rolled back.
  for (const id of skip) {
    const r = stack.resources[id];
    if (!r || previous[id]?.state !== 'failed') continue;
    const before = op.before?.[id];
    if (before) r.properties = before.properties;
    setResourceStatus(stack, r, 'UPDATE_COMPLETE', now, op.token !== undefined ? { token: op.token } : {});
  }
}
