/** PutLogEvents, GetLogEvents and FilterLogEvents. */
import {
  invalidParameter,
  optionalBool,
  optionalInt,
  optionalString,
  optionalStringList,
  requireString,
} from '../errors.js';
import type { CallContext, JsonInput } from '../service.js';
import { groupNameOf, paginate, validGroupName, validStreamName } from './input.js';
import type { LogEvent } from './model.js';
import { compilePattern } from './pattern.js';
import { getGroup, getStream, sequenceToken, storeEvents } from './store.js';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

/** PutLogEvents' limits: bytes of a batch and of one event, each event counting 26 bytes over its message. */
const MAX_BATCH_BYTES = 1_048_576;
const MAX_EVENT_BYTES = 262_144;
const EVENT_OVERHEAD_BYTES = 26;

function checkSizes(events: { message: string }[]): void {
  let batch = 0;
  for (const e of events) {
    const size = Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES;
    if (size > MAX_EVENT_BYTES) {
      throw invalidParameter(`Log event too large: ${size} bytes exceeds limit of ${MAX_EVENT_BYTES}`);
    }
    batch += size;
  }
  if (batch > MAX_BATCH_BYTES) {
    throw invalidParameter(`Upload too large: ${batch} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  }
}

function inputEvents(input: JsonInput): { timestamp: number; message: string }[] {
  const v = input.logEvents;
  if (!Array.isArray(v) || v.length < 1 || v.length > 10000) {
    throw invalidParameter(
      `1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000`,
    );
  }
  return v.map((e: unknown, i) => {
    const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    if (typeof o.timestamp !== 'number' || !Number.isInteger(o.timestamp)) {
      throw invalidParameter(`logEvents.${i + 1}.member.timestamp must be an integer.`);
    }
    if (typeof o.message !== 'string' || o.message.length === 0) {
      throw invalidParameter(
        `1 validation error detected: Value '' at 'logEvents.${i + 1}.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1`,
      );
    }
    return { timestamp: o.timestamp, message: o.message };
  });
}

/** PutLogEvents: events in chronological order; too old or too new ones are rejected, not stored. */
export function putLogEvents(input: JsonInput, ctx: CallContext): unknown {
  const logs = ctx.regionState.logs;
  const g = getGroup(logs, validGroupName(requireString(input, 'logGroupName')));
  const s = getStream(g, validStreamName(requireString(input, 'logStreamName')));
  const events = inputEvents(input);
  checkSizes(events);
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.timestamp < events[i - 1]!.timestamp) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  const now = ctx.now;
  let tooNew = events.findIndex((e) => e.timestamp > now + 2 * HOUR);
  if (tooNew < 0) tooNew = events.length;
  const oldest = now - 14 * DAY;
  const retained = g.retentionInDays !== undefined ? now - g.retentionInDays * DAY : -Infinity;
  let tooOld = -1;
  let expired = -1;
  events.forEach((e, i) => {
    if (i >= tooNew) return;
    if (e.timestamp < oldest) tooOld = i;
    if (e.timestamp < retained) expired = i;
  });
  const first = Math.max(tooOld, expired) + 1;
  const accepted = events.slice(first, tooNew);
  const head = accepted[0];
  const tail = accepted[accepted.length - 1];
  if (head && tail && tail.timestamp - head.timestamp > DAY) {
    throw invalidParameter(
      'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
    );
  }
  storeEvents(logs, s, accepted, now);
  ctx.sandbox.changed();
  const rejected = {
    ...(tooNew < events.length ? { tooNewLogEventStartIndex: tooNew } : {}),
    ...(tooOld >= 0 ? { tooOldLogEventEndIndex: tooOld } : {}),
    ...(expired >= 0 ? { expiredLogEventEndIndex: expired } : {}),
  };
  return {
    nextSequenceToken: sequenceToken(s),
    ...(Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {}),
  };
}

function timeWindow(input: JsonInput): (e: LogEvent) => boolean {
  const start = optionalInt(input, 'startTime');
  const end = optionalInt(input, 'endTime');
  if (start !== undefined && end !== undefined && start > end) {
    throw invalidParameter('startTime must be less than or equal to endTime.');
  }
  return (e) => (start === undefined || e.timestamp >= start) && (end === undefined || e.timestamp < end);
}

function positionToken(dir: 'f' | 'b', index: number): string {
  return `${dir}/${String(index).padStart(56, '0')}/s`;
}

/**
 * GetLogEvents. Tokens are positions in the (time-windowed) stream: a forward token at the end and
 * a backward token at the start come back unchanged, as the service does, so pollers can loop.
 */
export function getLogEvents(input: JsonInput, ctx: CallContext): unknown {
  const g = getGroup(ctx.regionState.logs, groupNameOf(input));
  const s = getStream(g, validStreamName(requireString(input, 'logStreamName')));
  const limit = optionalInt(input, 'limit') ?? 10000;
  if (limit < 1 || limit > 10000) {
    throw invalidParameter(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000`,
    );
  }
  const events = s.events.filter(timeWindow(input));
  const token = optionalString(input, 'nextToken');
  let from: number;
  let to: number;
  if (token !== undefined) {
    const m = /^([fb])\/(\d+)\/s$/.exec(token);
    const pos = m ? Number(m[2]) : NaN;
    if (!m || !Number.isSafeInteger(pos)) throw invalidParameter('The specified nextToken is invalid.');
    const at = Math.min(pos, events.length);
    if (m[1] === 'f') {
      from = at;
      to = Math.min(events.length, at + limit);
    } else {
      to = at;
      from = Math.max(0, at - limit);
    }
  } else if (optionalBool(input, 'startFromHead') === true) {
    from = 0;
    to = Math.min(events.length, limit);
  } else {
    to = events.length;
    from = Math.max(0, to - limit);
  }
  return {
    events: events.slice(from, to).map((e) => ({
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
    })),
    nextForwardToken: to === from && token?.startsWith('f/') ? token : positionToken('f', to),
    nextBackwardToken: to === from && token?.startsWith('b/') ? token : positionToken('b', from),
  };
}

/** FilterLogEvents across the group's streams (all, named, or by prefix), interleaved by time. */
export function filterLogEvents(input: JsonInput, ctx: CallContext): unknown {
  const g = getGroup(ctx.regionState.logs, groupNameOf(input));
  const names = optionalStringList(input, 'logStreamNames');
  const prefix = optionalString(input, 'logStreamNamePrefix');
  if (names !== undefined && prefix !== undefined) {
    throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  if (names !== undefined && (names.length < 1 || names.length > 100)) {
    throw invalidParameter(
      `1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length between 1 and 100`,
    );
  }
  const streams = names
    ? names.map((n) => getStream(g, n))
    : Object.values(g.streams).filter((s) => prefix === undefined || s.name.startsWith(prefix));
  const inWindow = timeWindow(input);
  const matches = compilePattern(optionalString(input, 'filterPattern'));
  const found: { stream: string; e: LogEvent }[] = [];
  for (const s of streams) {
    for (const e of s.events) if (inWindow(e) && matches(e.message)) found.push({ stream: s.name, e });
  }
  found.sort((a, b) => a.e.timestamp - b.e.timestamp || a.e.id - b.e.id);
  const { page, nextToken } = paginate(found, input, 10000, 10000);
  return {
    events: page.map(({ stream, e }) => ({
      logStreamName: stream,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: String(e.id).padStart(56, '0'),
    })),
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
    ...(nextToken ? { nextToken } : {}),
  };
}
