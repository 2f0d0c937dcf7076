/** Writing log lines from inside the sandbox (the ECS engine's awslogs driver). */
import type { RegionState } from '../world.js';
import { newGroup, newStream, storeEvents } from './store.js';

/**
 * Appends lines to a stream, creating the group and stream when `create` is true (the driver's
 * `awslogs-create-group`); without it, lines for a missing group are dropped, and a missing stream
 * is created, as the awslogs driver creates its streams.
 */
export function appendLogLines(
  region: RegionState,
  group: string,
  stream: string,
  lines: { timestamp: number; message: string }[],
  create: boolean,
): void {
  const logs = region.logs;
  let g = logs.groups[group];
  const now = lines.reduce((m, l) => Math.max(m, l.timestamp), 0);
  if (!g) {
    if (!create) return;
    g = newGroup(group, now);
    logs.groups[group] = g;
  }
  let s = g.streams[stream];
  if (!s) {
    s = newStream(stream, now);
    g.streams[stream] = s;
  }
  if (lines.length > 0) storeEvents(logs, s, lines, now);
}
