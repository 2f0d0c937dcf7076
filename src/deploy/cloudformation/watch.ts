/**
 * Waiting on a stack: for another operation in flight to end (never a failure), and for our own
 * operation's final status, reporting its new events as they come (only ours: they carry our
 * ClientRequestToken) and judging it by the final status alone.
 */
import type { Stack } from '@aws-sdk/client-cloudformation';
import { SlipwayError } from '../../core/errors.js';
import type { EventSink } from '../../core/events.js';
import type { Clock } from '../clock.js';
import { describeStack, eventsUntil, type StackApi } from './api.js';
import { describeStackEvent, emitStack, failureLine, stackEventData, stackEventLevel } from './events.js';
import { isFinal, succeeded } from './status.js';
import type { StackEventInfo, StackHooks, StackOperation } from './types.js';

/** What one deployStack/deleteStack run works with. */
export interface RunContext {
  api: StackApi;
  clock: Clock;
  emit: EventSink;
  hooks: StackHooks;
  wait: boolean;
  timeoutMs: number;
  pollMs: number;
}

/** "30 minutes", "90 seconds", "0.3 seconds". */
function duration(ms: number): string {
  const m = ms / 60_000;
  if (m >= 1 && Number.isInteger(m)) return `${m} minute${m === 1 ? '' : 's'}`;
  return `${Number((ms / 1000).toFixed(1))} seconds`;
}

function timeout(ctx: RunContext, stackName: string, status: string, what: string): SlipwayError {
  return new SlipwayError(
    'CLOUDFORMATION_TIMEOUT',
    `Timed out after ${duration(ctx.timeoutMs)} waiting for CloudFormation stack ${stackName} ${what} (it is ${status}). ` +
      'CloudFormation carries on: check the stack in AWS, or raise the wait timeout.',
    { data: { stackName, status } },
  );
}

/**
 * The stack once no operation runs on it (undefined when there is none): waits while another
 * operation is in flight, whatever it ends in. REVIEW_IN_PROGRESS is returned as it is.
 */
export async function waitForQuiet(ctx: RunContext, stackName: string): Promise<Stack | undefined> {
  const deadline = ctx.clock.now() + ctx.timeoutMs;
  let told: string | undefined;
  for (;;) {
    ctx.clock.check();
    const stack = await describeStack(ctx.api, stackName);
    const status = stack?.StackStatus;
    if (!stack || !status || isFinal(status) || status === 'REVIEW_IN_PROGRESS') return stack;
    if (told !== status) {
      told = status;
      emitStack(
        ctx.emit,
        'cfn.waiting',
        `Stack ${stackName} is ${status}: another operation is running; waiting for it to end.`,
        { stackName, stackId: stack.StackId ?? null, status },
      );
    }
    if (ctx.clock.now() >= deadline)
      throw timeout(ctx, stackName, status, 'to finish the operation in flight');
    await ctx.clock.pause(ctx.pollMs);
  }
}

/** Collects the events of one operation (its token), reporting new ones oldest first. */
export class OperationEvents {
  /** Our operation's events, oldest first. */
  readonly ours: StackEventInfo[] = [];
  readonly #seen = new Set<string>();

  constructor(
    private readonly ctx: RunContext,
    private readonly op: StackOperation & { stackId: string },
  ) {}

  /** Reads the events new since the last call (the first call pages back to our operation's start). */
  async poll(report = true): Promise<void> {
    const first = this.#seen.size === 0;
    let pastStart = false;
    const scan = await eventsUntil(this.ctx.api, this.op.stackId, (e) => {
      if (this.#seen.has(e.eventId) || pastStart) return true;
      // Newest first: once our operation's first event is read, older ones belong to earlier operations.
      if (first && e.token === this.op.token && isStackEvent(e) && e.status.endsWith('_IN_PROGRESS'))
        pastStart = true;
      return false;
    });
    const fresh = (scan?.events ?? []).reverse();
    for (const e of fresh) {
      this.#seen.add(e.eventId);
      if (e.token !== this.op.token) continue;
      this.ours.push(e);
      if (!report) continue;
      this.ctx.hooks.stackEvent?.(e);
      emitStack(
        this.ctx.emit,
        'cfn.stack-event',
        `Stack ${this.op.stackName}: ${describeStackEvent(e)}`,
        { ...stackEventData(e), operation: this.op.kind },
        stackEventLevel(e),
      );
    }
  }
}

/** The stack's own events (not a resource's). */
function isStackEvent(e: StackEventInfo): boolean {
  return e.resourceType === 'AWS::CloudFormation::Stack';
}

/** Polls until our operation ends; returns the final status and the stack as then described. */
export async function watchOperation(
  ctx: RunContext,
  op: StackOperation & { stackId: string },
  events: OperationEvents,
): Promise<{ status: string; stack: Stack | undefined }> {
  const deadline = ctx.clock.now() + ctx.timeoutMs;
  for (;;) {
    ctx.clock.check();
    // Status first, then events: the events read include the one that set a final status.
    const stack = await describeStack(ctx.api, op.stackId);
    await events.poll();
    // By id a deleted stack is DELETE_COMPLETE; an emulator that forgets it says "does not exist".
    const status = stack?.StackStatus ?? (op.kind === 'delete' ? 'DELETE_COMPLETE' : 'DOES_NOT_EXIST');
    if (isFinal(status) || status === 'REVIEW_IN_PROGRESS') return { status, stack };
    if (ctx.clock.now() >= deadline) throw timeout(ctx, op.stackName, status, 'to reach a final state');
    await ctx.clock.pause(ctx.pollMs);
  }
}

/** Judges our operation by its final status; on failure reports its events with reasons, oldest first, and throws. */
export function judge(
  ctx: RunContext,
  op: StackOperation & { stackId: string },
  status: string,
  events: readonly StackEventInfo[],
): void {
  const ok = succeeded(op.kind, status);
  emitStack(
    ctx.emit,
    'cfn.stack-finished',
    `Stack ${op.stackName} ${op.kind} finished: ${status}.`,
    { stackName: op.stackName, stackId: op.stackId, operation: op.kind, status, succeeded: ok },
    ok ? 'info' : 'error',
  );
  if (ok) return;
  const withReasons = events.filter((e) => e.reason);
  for (const e of withReasons)
    emitStack(ctx.emit, 'cfn.failure-event', failureLine(e), stackEventData(e), stackEventLevel(e));
  const cause = withReasons.find((e) => e.status.endsWith('_FAILED') && !isStackEvent(e)) ?? withReasons[0];
  const why = cause ? ` First failure: ${describeStackEvent(cause)}.` : '';
  throw new SlipwayError(
    'CLOUDFORMATION_STACK_FAILED',
    `The ${op.kind} of CloudFormation stack ${op.stackName} failed: the stack is ${status}.${why} ` +
      `The log lists this operation's ${withReasons.length} event(s) with reasons, oldest first.`,
    {
      data: {
        stackName: op.stackName,
        stackId: op.stackId,
        operation: op.kind,
        status,
        token: op.token,
        events: withReasons,
      },
    },
  );
}
