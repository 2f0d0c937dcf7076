/**
 * The stack deployer's progress events (`cfn.*`), and the one-line text of a stack event.
 * Every event's data names the `stackName`.
 */
import { makeEvent, type EventCode, type EventLevel, type EventSink } from '../../core/events.js';
import { isFailureStatus } from './status.js';
import type { StackEventInfo } from './types.js';

/** The stack deployer's event codes (core/events.ts EVENT_CODES, `cfn.*`). */
export type StackEventCode = Extract<EventCode, `cfn.${string}`>;

/** Sends one `cfn.*` event (at the code's level unless `level` is given). */
export function emitStack(
  emit: EventSink,
  code: StackEventCode,
  message: string,
  data: Record<string, unknown>,
  level?: EventLevel,
): void {
  emit(makeEvent(code, message, data, level));
}

/** `<LogicalId> - <Type> - <Status>[ - <Reason>]`. */
export function describeStackEvent(e: StackEventInfo): string {
  return [e.logicalResourceId, e.resourceType, e.status, ...(e.reason ? [e.reason] : [])].join(' - ');
}

/** A stack event as data (for the log's code and data). */
export function stackEventData(e: StackEventInfo): Record<string, unknown> {
  return { ...e };
}

/** The level a stack event is logged at. */
export function stackEventLevel(e: StackEventInfo): EventLevel {
  return isFailureStatus(e.status) ? 'warn' : 'info';
}

/** `Stack event (<name>): <time> - <LogicalId> - <Type> - <Status> - <Reason>` (a failure's listing). */
export function failureLine(e: StackEventInfo): string {
  return `Stack event (${e.stackName}): ${e.timestamp} - ${describeStackEvent(e)}`;
}
