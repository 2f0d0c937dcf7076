/**
 * Streaming a task's CloudWatch Logs (awslogs driver) while we wait for it.
 */
import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EventSink } from '../core/events.js';
import type { TaskDefinitionJson } from '../core/taskdef/index.js';
import { say, type Subject } from './progress.js';

/** One container's awslogs stream. */
export interface LogStream {
  container: string;
  group: string;
  stream: string;
}

/** The awslogs streams of a task's containers (`<prefix>/<container>/<taskId>`). */
export function logStreamsOf(td: TaskDefinitionJson, taskId: string): LogStream[] {
  const out: LogStream[] = [];
  for (const c of containersOf(td)) {
    const lc = c['logConfiguration'] as
      { logDriver?: unknown; options?: Record<string, unknown> } | undefined;
    if (lc?.logDriver !== 'awslogs') continue;
    const group = lc.options?.['awslogs-group'];
    const prefix = lc.options?.['awslogs-stream-prefix'];
    const name = typeof c['name'] === 'string' ? c['name'] : '';
    if (typeof group !== 'string') continue;
    out.push({
      container: name,
      group,
      stream: typeof prefix === 'string' && prefix ? `${prefix}/${name}/${taskId}` : taskId,
    });
  }
  return out;
}

/** The container definitions of a definition. */
export function containersOf(td: TaskDefinitionJson): Record<string, unknown>[] {
  const cds = td['containerDefinitions'];
  return Array.isArray(cds)
    ? cds.filter((c): c is Record<string, unknown> => c !== null && typeof c === 'object')
    : [];
}

/** Emits the lines written since the last call to each stream (`task.log`). */
export async function streamLogs(
  logs: CloudWatchLogsClient,
  streams: LogStream[],
  tokens: Map<string, string>,
  emit: EventSink,
  subject: Subject,
  taskId: string,
): Promise<void> {
  for (const s of streams) {
    const key = `${s.group}\n${s.stream}`;
    try {
      for (;;) {
        const token = tokens.get(key);
        const res = await logs.send(
          new GetLogEventsCommand({
            logGroupName: s.group,
            logStreamName: s.stream,
            startFromHead: true,
            ...(token ? { nextToken: token } : {}),
          }),
        );
        for (const e of res.events ?? [])
          say(emit, 'task.log', subject, `${s.container}: ${e.message ?? ''}`, {
            taskId,
            container: s.container,
            timestamp: e.timestamp,
            line: e.message ?? '',
          });
        const next = res.nextForwardToken;
        if (!next || next === token) break;
        tokens.set(key, next);
        if ((res.events ?? []).length === 0) break;
      }
    } catch (e) {
      // The stream appears when the container starts: until then there is nothing to read.
      if (!(e instanceof Error && e.name === 'ResourceNotFoundException')) throw e;
    }
  }
}
