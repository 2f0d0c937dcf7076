/** CloudWatch Logs API handlers (JSON 1.1): groups and streams; events are in events.ts. */
import {
  AwsError,
  invalidParameter,
  optionalBool,
  optionalInt,
  optionalString,
  requireString,
} from '../errors.js';
import type { CallContext, JsonInput, JsonService } from '../service.js';
import { filterLogEvents, getLogEvents, putLogEvents } from './events.js';
import { groupArn, groupNameOf, paginate, validGroupName, validStreamName } from './input.js';
import type { LogGroup, LogStream } from './model.js';
import { getGroup, getStream, newGroup, newStream, sequenceToken } from './store.js';

const CLASSES = ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'];
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

function storedBytes(streams: LogStream[]): number {
  let n = 0;
  for (const s of streams) for (const e of s.events) n += Buffer.byteLength(e.message);
  return n;
}

function groupOut(g: LogGroup, ctx: CallContext): Record<string, unknown> {
  const arn = groupArn(ctx, g.name);
  return {
    logGroupName: g.name,
    creationTime: g.creationTime,
    ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: storedBytes(Object.values(g.streams)),
    ...(g.kmsKeyId !== undefined ? { kmsKeyId: g.kmsKeyId } : {}),
    logGroupClass: g.logGroupClass,
    logGroupArn: arn,
  };
}

function streamOut(g: LogGroup, s: LogStream, ctx: CallContext): Record<string, unknown> {
  return {
    logStreamName: s.name,
    creationTime: s.creationTime,
    ...(s.firstEventTimestamp !== undefined ? { firstEventTimestamp: s.firstEventTimestamp } : {}),
    ...(s.lastEventTimestamp !== undefined ? { lastEventTimestamp: s.lastEventTimestamp } : {}),
    ...(s.lastIngestionTime !== undefined ? { lastIngestionTime: s.lastIngestionTime } : {}),
    uploadSequenceToken: sequenceToken(s),
    arn: `${groupArn(ctx, g.name)}:log-stream:${s.name}`,
    storedBytes: storedBytes([s]),
  };
}

function createLogGroup(input: JsonInput, ctx: CallContext): unknown {
  const name = validGroupName(requireString(input, 'logGroupName'));
  const logs = ctx.regionState.logs;
  if (logs.groups[name]) {
    throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
  }
  const cls = optionalString(input, 'logGroupClass') ?? 'STANDARD';
  if (!CLASSES.includes(cls)) {
    throw invalidParameter(
      `1 validation error detected: Value '${cls}' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [${CLASSES.join(', ')}]`,
    );
  }
  const tagsIn = input.tags;
  const tags: Record<string, string> = {};
  if (tagsIn !== undefined && tagsIn !== null) {
    if (typeof tagsIn !== 'object' || Array.isArray(tagsIn)) throw invalidParameter('tags must be a map.');
    for (const [k, v] of Object.entries(tagsIn)) {
      if (typeof v !== 'string') throw invalidParameter('tags must map strings to strings.');
      tags[k] = v;
    }
  }
  const g = newGroup(name, ctx.now);
  g.logGroupClass = cls;
  g.tags = tags;
  const kms = optionalString(input, 'kmsKeyId');
  if (kms !== undefined) g.kmsKeyId = kms;
  logs.groups[name] = g;
  ctx.sandbox.changed();
  return {};
}

function deleteLogGroup(input: JsonInput, ctx: CallContext): unknown {
  const name = validGroupName(requireString(input, 'logGroupName'));
  getGroup(ctx.regionState.logs, name);
  delete ctx.regionState.logs.groups[name];
  ctx.sandbox.changed();
  return {};
}

function describeLogGroups(input: JsonInput, ctx: CallContext): unknown {
  const prefix = optionalString(input, 'logGroupNamePrefix');
  const pattern = optionalString(input, 'logGroupNamePattern');
  if (prefix !== undefined && pattern !== undefined) {
    throw invalidParameter(
      'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
    );
  }
  const cls = optionalString(input, 'logGroupClass');
  const groups = Object.values(ctx.regionState.logs.groups)
    .filter((g) => prefix === undefined || g.name.startsWith(prefix))
    .filter((g) => pattern === undefined || g.name.toLowerCase().includes(pattern.toLowerCase()))
    .filter((g) => cls === undefined || g.logGroupClass === cls)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { page, nextToken } = paginate(groups, input, 50, 50);
  return { logGroups: page.map((g) => groupOut(g, ctx)), ...(nextToken ? { nextToken } : {}) };
}

function createLogStream(input: JsonInput, ctx: CallContext): unknown {
  const g = getGroup(ctx.regionState.logs, validGroupName(requireString(input, 'logGroupName')));
  const name = validStreamName(requireString(input, 'logStreamName'));
  if (g.streams[name]) {
    throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  }
  g.streams[name] = newStream(name, ctx.now);
  ctx.sandbox.changed();
  return {};
}

function deleteLogStream(input: JsonInput, ctx: CallContext): unknown {
  const g = getGroup(ctx.regionState.logs, validGroupName(requireString(input, 'logGroupName')));
  const name = validStreamName(requireString(input, 'logStreamName'));
  getStream(g, name);
  delete g.streams[name];
  ctx.sandbox.changed();
  return {};
}

function describeLogStreams(input: JsonInput, ctx: CallContext): unknown {
  const g = getGroup(ctx.regionState.logs, groupNameOf(input));
  const orderBy = optionalString(input, 'orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw invalidParameter(
      `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`,
    );
  }
  const prefix = optionalString(input, 'logStreamNamePrefix');
  if (prefix !== undefined && orderBy === 'LastEventTime') {
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const descending = optionalBool(input, 'descending') ?? false;
  const byName = (a: LogStream, b: LogStream) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const streams = Object.values(g.streams)
    .filter((s) => prefix === undefined || s.name.startsWith(prefix))
    .sort(
      orderBy === 'LogStreamName'
        ? byName
        : (a, b) => (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) || byName(a, b),
    );
  if (descending) streams.reverse();
  const { page, nextToken } = paginate(streams, input, 50, 50);
  return { logStreams: page.map((s) => streamOut(g, s, ctx)), ...(nextToken ? { nextToken } : {}) };
}

function putRetentionPolicy(input: JsonInput, ctx: CallContext): unknown {
  const g = getGroup(ctx.regionState.logs, validGroupName(requireString(input, 'logGroupName')));
  const days = optionalInt(input, 'retentionInDays');
  if (days === undefined || !RETENTION_DAYS.includes(days)) {
    throw invalidParameter(
      `1 validation error detected: Value '${String(days)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  g.retentionInDays = days;
  ctx.sandbox.changed();
  return {};
}

function deleteRetentionPolicy(input: JsonInput, ctx: CallContext): unknown {
  const g = getGroup(ctx.regionState.logs, validGroupName(requireString(input, 'logGroupName')));
  delete g.retentionInDays;
  ctx.sandbox.changed();
  return {};
}

export const logsService: JsonService = {
  name: 'logs',
  targetPrefix: 'Logs_20140328',
  actions: {
    CreateLogGroup: createLogGroup,
    DeleteLogGroup: deleteLogGroup,
    DescribeLogGroups: describeLogGroups,
    CreateLogStream: createLogStream,
    DeleteLogStream: deleteLogStream,
    DescribeLogStreams: describeLogStreams,
    PutRetentionPolicy: putRetentionPolicy,
    DeleteRetentionPolicy: deleteRetentionPolicy,
    PutLogEvents: putLogEvents,
    GetLogEvents: getLogEvents,
    FilterLogEvents: filterLogEvents,
  },
};
