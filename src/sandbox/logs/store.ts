/** Log groups, streams and event storage shared by the API and the ECS engine's log writer. */
import { AwsError } from '../errors.js';
import type { LogEvent, LogGroup, LogsRegion, LogStream } from './model.js';

export function groupNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
}

export function streamNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
}

/** The group, or ResourceNotFoundException. */
export function getGroup(logs: LogsRegion, name: string): LogGroup {
  const g = logs.groups[name];
  if (!g) throw groupNotFound();
  return g;
}

/** The stream, or ResourceNotFoundException. */
export function getStream(group: LogGroup, name: string): LogStream {
  const s = group.streams[name];
  if (!s) throw streamNotFound();
  return s;
}

export function newGroup(name: string, now: number): LogGroup {
  return { name, creationTime: now, logGroupClass: 'STANDARD', tags: {}, streams: {} };
}

export function newStream(name: string, now: number): LogStream {
  return { name, creationTime: now, sequence: 0, events: [] };
}

/** The first index whose timestamp is greater than `ts` (insertion point keeping arrival order). */
function upperBound(events: LogEvent[], ts: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.timestamp <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Stores events (any order) in the stream, keeping it sorted by timestamp. */
export function storeEvents(
  logs: LogsRegion,
  stream: LogStream,
  events: { timestamp: number; message: string }[],
  ingestionTime: number,
): void {
  for (const e of events) {
    const ev: LogEvent = {
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime,
      id: logs.nextEventId ?? 1,
    };
    logs.nextEventId = ev.id + 1;
    const last = stream.events[stream.events.length - 1];
    if (!last || last.timestamp <= ev.timestamp) stream.events.push(ev);
    else stream.events.splice(upperBound(stream.events, ev.timestamp), 0, ev);
    stream.firstEventTimestamp = Math.min(stream.firstEventTimestamp ?? ev.timestamp, ev.timestamp);
    stream.lastEventTimestamp = Math.max(stream.lastEventTimestamp ?? ev.timestamp, ev.timestamp);
  }
  stream.lastIngestionTime = ingestionTime;
  stream.sequence++;
}

/** The sequence token a stream reports (a long decimal string, as CloudWatch Logs' are). */
export function sequenceToken(stream: LogStream): string {
  return `4960${String(stream.sequence).padStart(52, '0')}`;
}
