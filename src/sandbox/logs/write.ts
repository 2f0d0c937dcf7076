/** Writing log lines from inside the sandbox (the ECS engine's awslogs driver). Placeholder. */
import type { RegionState } from '../world.js';

/** Appends lines to a stream, creating the group and stream when `create` is true. */
export function appendLogLines(
  _region: RegionState,
  _group: string,
  _stream: string,
  _lines: { timestamp: number; message: string }[],
  _create: boolean,
): void {}
