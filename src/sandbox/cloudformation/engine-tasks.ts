/**
 * One resource's step in a stack operation: the first provider call when its dependencies are
 * done, then the calls again with the provider's context on the sandbox clock until it succeeds
 * or fails, writing each status change as an event in CloudFormation's order and words.
 */
import { messageOf } from '../../core/errors.js';
import type { SandboxRuntime } from '../runtime.js';
import type { ProgressEvent, ResourceProvider, ResourceRequest } from './contracts.js';
import { cfnMs, providerContext, type StackScope } from './engine-context.js';
import { changedProperties, sameJson } from './compare.js';
import { setResourceStatus } from './events.js';
import type { CfnOperation, CfnResource, CfnStack, ResourceTask } from './model.js';
import { evaluateProperties } from './prepare.js';
import { providerFor, unemulatedTypeMessage } from './resources/index.js';

const REPLACING = 'Requested update requires the creation of a new physical resource; hence creating one.';
const INITIATED = 'Resource creation Initiated';
const TIMED_OUT = 'Resource timed out waiting for completion';

/** The reason a resource of a type AWS knows but the sandbox does not run fails with. */
const notEmulated = unemulatedTypeMessage;

function provider(type: string): ResourceProvider | undefined {
  return providerFor(type);
}

/** A stack's resource entry, created on first use. */
function entryOf(stack: CfnStack, task: ResourceTask, op: CfnOperation): CfnResource {
  let r = stack.resources[task.logicalId];
  if (!r) {
    const declared = (op.target ?? stack.config).declared[task.logicalId];
    r = {
      logicalId: task.logicalId,
      type: task.type,
      physicalId: '',
      status: 'CREATE_IN_PROGRESS',
      timestamp: 0,
      properties: {},
      attributes: {},
      ...(declared?.deletionPolicy !== undefined ? { deletionPolicy: declared.deletionPolicy } : {}),
      ...(declared?.updateReplacePolicy !== undefined
        ? { updateReplacePolicy: declared.updateReplacePolicy }
        : {}),
    };
    stack.resources[task.logicalId] = r;
  }
  return r;
}

/** Runs the tasks of the current phase as far as they go now; returns the next time anything is due. */
export class TaskRunner {
  constructor(
    private readonly runtime: SandboxRuntime,
    private readonly scope: StackScope,
    private readonly stack: CfnStack,
    private readonly op: CfnOperation,
  ) {}

  /** Starts ready tasks and calls due ones; `now` is the sandbox time of this step. */
  run(now: number, forward: boolean): number | undefined {
    const tasks = Object.values(this.op.tasks);
    for (const task of tasks) {
      if (task.state === 'in_progress' && (task.nextCallAt ?? 0) <= now) this.call(task, now);
    }
    let started = true;
    while (started) {
      started = false;
      if (forward && (this.op.failed.length > 0 || this.op.stackFailure !== undefined)) break;
      for (const task of tasks) {
        if (task.state !== 'pending') continue;
        if (!task.after.every((id) => this.settled(id))) continue;
        this.start(task, now);
        started = true;
        if (forward && this.op.failed.length > 0) break;
      }
    }
    let next: number | undefined;
    for (const task of tasks) {
      if (task.state === 'in_progress' && task.nextCallAt !== undefined) {
        next = next === undefined ? task.nextCallAt : Math.min(next, task.nextCallAt);
      }
    }
    return next;
  }

  /** A dependency lets dependents start when it is done (or, when deleting, whatever came of it). */
  private settled(id: string): boolean {
    const t = this.op.tasks[id];
    if (!t) return true;
    if (t.state === 'pending') return false;
    if (t.action === 'delete') return t.state !== 'in_progress';
    return t.state === 'done';
  }

  /** Whether any task is still pending or in progress. */
  busy(): boolean {
    return Object.values(this.op.tasks).some((t) => t.state === 'pending' || t.state === 'in_progress');
  }

  /** Gives up the pending tasks (their dependencies failed). */
  dropBlocked(): void {
    if (Object.values(this.op.tasks).some((t) => t.state === 'in_progress')) return;
    for (const task of Object.values(this.op.tasks)) if (task.state === 'pending') task.state = 'cancelled';
  }

  /** Blocks every pending task and cancels the in-progress ones (a forward phase failed). */
  cancel(now: number): void {
    for (const task of Object.values(this.op.tasks)) {
      if (task.state === 'pending') task.state = 'cancelled';
      if (task.state !== 'in_progress') continue;
      task.state = 'cancelled';
      const r = this.stack.resources[task.logicalId];
      if (!r) continue;
      // AWS lists cancelled resources among those that failed.
      this.op.failed.push(task.logicalId);
      const create = task.mode === 'create';
      setResourceStatus(this.stack, r, create ? 'CREATE_FAILED' : 'UPDATE_FAILED', now, {
        reason: create ? 'Resource creation cancelled' : 'Resource update cancelled',
        ...this.tokenOpt(),
        ...(task.physicalId ? { physicalId: task.physicalId } : {}),
      });
      if (task.mode === 'replace' && task.physicalId) this.rememberCreated(task);
    }
  }

  private tokenOpt(): { token?: string } {
    return this.op.token !== undefined ? { token: this.op.token } : {};
  }

  private start(task: ResourceTask, now: number): void {
    task.state = 'in_progress';
    // TimeoutInMinutes bounds the create; rollbacks and deletes have the stabilization limit only.
    const deadline = this.op.phase === 'create' ? (this.op.deadline ?? Infinity) : Infinity;
    task.timeoutAt = Math.min(deadline, now + cfnMs(this.runtime, 'cfnStabilizationSeconds'));
    if (task.mode === 'delete' || task.mode === 'skip') return this.startDelete(task, now);
    if (task.mode === 'restore') return this.restore(task, now);
    const resource = entryOf(this.stack, task, this.op);
    if (task.properties === undefined) {
      try {
        const imports = new Set(this.stack.imports);
        task.properties = evaluateProperties(
          this.scope.cfn,
          this.stack,
          this.scope.account.id,
          this.scope.region,
          this.op.target ?? this.stack.config,
          task.logicalId,
          imports,
        );
        this.stack.imports = [...imports];
      } catch (err) {
        return this.fail(task, resource, messageOf(err), now, task.mode === 'create');
      }
    }
    if (task.mode === 'update' && this.op.phase === 'update') {
      // Unchanged (and stack tags unchanged): nothing happens, no event.
      if (sameJson(resource.properties, task.properties) && !this.tagsChanged()) {
        task.state = 'done';
        return;
      }
      const p = provider(task.type);
      const changed = changedProperties(resource.properties, task.properties);
      if (p && (changed.some((k) => p.replaceOn.includes(k)) || resource.type !== task.type)) {
        const name = p.nameProperty !== undefined ? task.properties[p.nameProperty] : undefined;
        if (name !== undefined && sameJson(name, resource.properties[p.nameProperty!])) {
          setResourceStatus(this.stack, resource, 'UPDATE_IN_PROGRESS', now, {
            properties: task.properties,
            ...this.tokenOpt(),
          });
          return this.fail(
            task,
            resource,
            `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${typeof name === 'string' ? name : JSON.stringify(name)} and update the stack again.`,
            now,
            false,
          );
        }
        task.mode = 'replace';
        task.replacedPhysicalId = resource.physicalId;
      } else {
        task.previousProperties = resource.properties;
        task.physicalId = resource.physicalId;
      }
    }
    const status = task.mode === 'create' ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS';
    setResourceStatus(this.stack, resource, status, now, {
      properties: task.properties,
      ...(task.mode === 'replace' ? { reason: REPLACING } : {}),
      ...(task.mode === 'create' ? { physicalId: '' } : {}),
      ...this.tokenOpt(),
    });
    if (!provider(task.type))
      return this.fail(task, resource, notEmulated(task.type), now, task.mode === 'create');
    this.call(task, now);
  }

  private tagsChanged(): boolean {
    return this.op.previous !== undefined && !sameJson(this.op.previous.tags, this.op.target?.tags);
  }

  private request(task: ResourceTask): ResourceRequest {
    const action = task.mode === 'replace' ? 'create' : task.action;
    return {
      action,
      logicalId: task.logicalId,
      type: task.type,
      properties: task.properties ?? {},
      ...(task.previousProperties !== undefined ? { previousProperties: task.previousProperties } : {}),
      ...(task.physicalId ? { physicalId: task.physicalId } : {}),
      stackName: this.stack.stackName,
      stackId: this.stack.stackId,
      stackTags: this.stack.config.tags,
      ctx: providerContext(this.runtime, this.scope),
      ...(task.context !== undefined ? { context: task.context } : {}),
      timeoutAt: task.timeoutAt ?? Infinity,
    };
  }

  /** One provider call and what follows from its answer. */
  private call(task: ResourceTask, now: number): void {
    const p = provider(task.type);
    let progress: ProgressEvent;
    if (!p) progress = { status: 'FAILED', message: notEmulated(task.type) };
    else {
      const request = this.request(task);
      try {
        const action = request.action;
        progress =
          action === 'create'
            ? p.create(request)
            : action === 'update'
              ? p.update(request)
              : p.delete(request);
      } catch (err) {
        progress = { status: 'FAILED', message: messageOf(err) };
      }
    }
    if (progress.status === 'IN_PROGRESS' && now >= (task.timeoutAt ?? Infinity)) {
      progress = { status: 'FAILED', message: TIMED_OUT, errorCode: 'NotStabilized' };
    }
    if (task.action === 'delete') return this.afterDelete(task, progress, now);
    const resource = entryOf(this.stack, task, this.op);
    if (progress.physicalId) task.physicalId = progress.physicalId;
    const creating = task.mode === 'create' || task.mode === 'replace';
    if (creating && !task.initiated && progress.status !== 'FAILED') {
      task.initiated = true;
      if (task.mode === 'create' && task.physicalId) resource.physicalId = task.physicalId;
      setResourceStatus(
        this.stack,
        resource,
        task.mode === 'create' ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS',
        now,
        {
          reason: INITIATED,
          physicalId: task.physicalId ?? '',
          properties: task.properties ?? {},
          ...this.tokenOpt(),
        },
      );
    }
    if (progress.status === 'IN_PROGRESS') {
      task.context = progress.context;
      task.nextCallAt = now + (progress.callbackDelaySeconds ?? 1) * 1000;
      return;
    }
    task.context = undefined;
    task.nextCallAt = undefined;
    if (progress.status === 'FAILED') {
      if (task.mode === 'replace' && task.physicalId) this.rememberCreated(task);
      if (task.mode === 'create' && task.physicalId) {
        resource.physicalId = task.physicalId;
        // A resource a failed update began to make is deleted by the rollback's cleanup.
        if (this.op.kind === 'UPDATE') this.rememberCreated(task, true);
      }
      return this.fail(
        task,
        resource,
        progress.message ?? 'Resource handler returned no message',
        now,
        task.mode === 'create',
      );
    }
    task.state = 'done';
    if (task.mode === 'replace') {
      this.op.leftovers.push({
        logicalId: task.logicalId,
        type: resource.type,
        physicalId: task.replacedPhysicalId ?? '',
        properties: resource.properties,
        removed: false,
        retain: (resource.updateReplacePolicy ?? 'Delete') === 'Retain',
      });
      this.rememberCreated(task);
    }
    if (task.mode === 'create' && this.op.kind === 'UPDATE') this.rememberCreated(task, true);
    resource.physicalId = task.physicalId ?? resource.physicalId;
    resource.properties = task.properties ?? resource.properties;
    resource.type = task.type;
    if (progress.attributes) resource.attributes = { ...resource.attributes, ...progress.attributes };
    setResourceStatus(
      this.stack,
      resource,
      task.mode === 'create' ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE',
      now,
      this.tokenOpt(),
    );
  }

  /** An update's new physical resource, which the update rollback deletes. */
  private rememberCreated(task: ResourceTask, removed = false): void {
    if (!task.physicalId) return;
    this.op.createdByUpdate.push({
      logicalId: task.logicalId,
      type: task.type,
      physicalId: task.physicalId,
      properties: task.properties ?? {},
      removed,
      retain: false,
    });
  }

  private fail(
    task: ResourceTask,
    resource: CfnResource,
    reason: string,
    now: number,
    create: boolean,
  ): void {
    task.state = 'failed';
    task.nextCallAt = undefined;
    this.op.failed.push(task.logicalId);
    setResourceStatus(this.stack, resource, create ? 'CREATE_FAILED' : 'UPDATE_FAILED', now, {
      reason,
      ...(task.physicalId && task.mode !== 'replace' ? { physicalId: task.physicalId } : {}),
      ...this.tokenOpt(),
    });
  }

  /** Update rollback of a replaced resource: the old physical resource is the resource again. */
  private restore(task: ResourceTask, now: number): void {
    const before = this.op.before?.[task.logicalId];
    const resource = this.stack.resources[task.logicalId];
    if (!before || !resource) {
      task.state = 'done';
      return;
    }
    setResourceStatus(this.stack, resource, 'UPDATE_IN_PROGRESS', now, {
      physicalId: before.physicalId,
      properties: before.properties,
      ...this.tokenOpt(),
    });
    resource.physicalId = before.physicalId;
    resource.properties = before.properties;
    resource.attributes = before.attributes;
    resource.type = before.type;
    setResourceStatus(this.stack, resource, 'UPDATE_COMPLETE', now, this.tokenOpt());
    task.state = 'done';
  }

  /** The resource (or leftover) a delete task writes its events on. */
  private deleteTarget(task: ResourceTask): CfnResource {
    const live = this.stack.resources[task.logicalId];
    if (live && (live.physicalId === task.physicalId || !task.physicalId || task.mode === 'skip'))
      return live;
    // An old physical resource after a replacement: events only, the resource entry stays.
    return {
      logicalId: task.logicalId,
      type: task.type,
      physicalId: task.physicalId ?? '',
      status: 'UPDATE_COMPLETE',
      timestamp: 0,
      properties: task.properties ?? {},
      attributes: {},
    };
  }

  private startDelete(task: ResourceTask, now: number): void {
    const target = this.deleteTarget(task);
    if (task.mode === 'skip') {
      setResourceStatus(this.stack, target, 'DELETE_SKIPPED', now, this.tokenOpt());
      task.state = 'done';
      return;
    }
    setResourceStatus(this.stack, target, 'DELETE_IN_PROGRESS', now, {
      properties: task.properties ?? target.properties,
      ...this.tokenOpt(),
    });
    // Nothing was made (the create failed before a physical id), or the sandbox never ran this type.
    if (!task.physicalId || !provider(task.type)) return this.afterDelete(task, { status: 'SUCCESS' }, now);
    this.call(task, now);
  }

  private afterDelete(task: ResourceTask, progress: ProgressEvent, now: number): void {
    const target = this.deleteTarget(task);
    if (progress.status === 'IN_PROGRESS') {
      task.context = progress.context;
      task.nextCallAt = now + (progress.callbackDelaySeconds ?? 1) * 1000;
      return;
    }
    task.context = undefined;
    task.nextCallAt = undefined;
    if (progress.status === 'FAILED') {
      task.state = 'failed';
      this.op.failed.push(task.logicalId);
      setResourceStatus(this.stack, target, 'DELETE_FAILED', now, {
        reason: progress.message ?? 'Resource handler returned no message',
        ...this.tokenOpt(),
      });
      return;
    }
    task.state = 'done';
    setResourceStatus(this.stack, target, 'DELETE_COMPLETE', now, this.tokenOpt());
  }
}
