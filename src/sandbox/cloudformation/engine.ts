/**
 * The CloudFormation stack engine: drives each stack's operation on the sandbox clock — resource
 * provider calls, their callbacks, the start and finish delays, TimeoutInMinutes — through the
 * status machine of engine-phases.ts. All progress lives in the stack (plain data); the engine
 * keeps only one timer per stack, re-armed from the world by `resume()`.
 */
import type { TimerHandle } from '../clock.js';
import type { SandboxRuntime } from '../runtime.js';
import type { AccountState } from '../world.js';
import { cfnMs, stackScope, type StackScope } from './engine-context.js';
import { finishPhase } from './engine-phases.js';
import { TaskRunner } from './engine-tasks.js';
import type { CfnOperation, CfnStack } from './model.js';
import type { CfnScheduler } from './scheduler.js';

/** Steps of one stack in one go at most (a guard against a phase machine that never waits). */
const MAX_STEPS = 64;

export class CfnEngine implements CfnScheduler {
  private readonly timers = new Map<string, { at: number; handle: TimerHandle }>();
  private readonly running = new Set<string>();
  private stopped = false;

  constructor(readonly runtime: SandboxRuntime) {}

  resume(): void {
    this.stop();
    this.stopped = false;
    for (const account of Object.values(this.runtime.world.accounts)) {
      for (const region of Object.keys(account.regions)) {
        const scope = stackScope(account, region);
        for (const stack of Object.values(scope.cfn.stacks)) {
          if (stack.operation && !stack.operation.halted) this.step(scope, stack);
        }
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) t.handle.cancel();
    this.timers.clear();
  }

  drive(account: AccountState, region: string, stack: CfnStack): void {
    this.step(stackScope(account, region), stack);
  }

  private arm(scope: StackScope, stack: CfnStack, at: number): void {
    const id = stack.stackId;
    const existing = this.timers.get(id);
    if (existing && existing.at <= at) return;
    existing?.handle.cancel();
    if (this.stopped) return;
    const handle = this.runtime.clock.at(at, () => {
      this.timers.delete(id);
      // A stack no longer in the world (the world was replaced) is left alone.
      if (scope.cfn.stacks[id] === stack) this.step(scope, stack);
    });
    this.timers.set(id, { at, handle });
  }

  private step(scope: StackScope, stack: CfnStack): void {
    const id = stack.stackId;
    if (this.running.has(id)) return;
    this.running.add(id);
    try {
      for (let i = 0; i < MAX_STEPS; i++) {
        const op = stack.operation;
        if (!op || op.halted) return;
        if (!this.advance(scope, stack, op)) return;
      }
    } finally {
      this.running.delete(id);
      this.runtime.changed();
    }
  }

  /** One step of the operation; true when it should step again at once. */
  private advance(scope: StackScope, stack: CfnStack, op: CfnOperation): boolean {
    const now = this.runtime.now();
    if (op.nextAt !== undefined && now < op.nextAt) {
      this.arm(scope, stack, op.nextAt);
      return false;
    }
    op.nextAt = undefined;
    const delay = cfnMs(this.runtime, 'cfnStackSeconds');
    if (op.finishing) {
      const result = finishPhase(scope, stack, now, delay);
      if (result?.ended.changeSetId !== undefined) {
        const cs = scope.cfn.changeSets[result.ended.changeSetId];
        if (cs) cs.executionStatus = result.ok ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
      }
      return true;
    }
    const forward = op.phase === 'create' || op.phase === 'update';
    if (
      op.phase === 'create' &&
      op.deadline !== undefined &&
      now >= op.deadline &&
      op.stackFailure === undefined
    ) {
      const requested = op.onFailure === 'DELETE' ? 'Delete' : 'Rollback';
      op.stackFailure = `Stack creation time exceeded the specified timeout. ${requested} requested by user.`;
    }
    const runner = new TaskRunner(this.runtime, scope, stack, op);
    // Past the deadline the resources in progress are cancelled before they are called again.
    if (op.stackFailure !== undefined && forward) runner.cancel(now);
    let next = runner.run(now, forward);
    if (forward && (op.failed.length > 0 || op.stackFailure !== undefined)) runner.cancel(now);
    // Pending tasks with nothing in progress wait for a dependency that failed: they never run.
    if (next === undefined) runner.dropBlocked();
    if (runner.busy()) {
      if (op.phase === 'create' && op.deadline !== undefined && op.stackFailure === undefined) {
        next = Math.min(next ?? op.deadline, op.deadline);
      }
      if (next !== undefined) this.arm(scope, stack, next);
      return false;
    }
    op.finishing = true;
    op.nextAt = now + delay;
    return true;
  }
}
