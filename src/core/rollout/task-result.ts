/**
 * Whether a one-off task (--run-task --wait-for-success) succeeded: every essential container
 * exited 0. Reports TaskFailedToStart, the stop reason and each failing container's reason.
 */
import type { StoppedTaskSnapshot } from './types.js';

export type TaskVerdict = { ok: true } | { ok: false; reason: string };

/** Judges a STOPPED task; `essential` names the essential containers (all, when unknown). */
export function judgeStoppedTask(task: StoppedTaskSnapshot, essential: string[] | undefined): TaskVerdict {
  const isEssential = (name: string) => essential === undefined || essential.includes(name);
  const problems: string[] = [];
  for (const c of task.containers) {
    if (!isEssential(c.name)) continue;
    if (c.exitCode === 0) continue;
    const code = c.exitCode === undefined ? 'no exit code' : `exit code ${c.exitCode}`;
    problems.push(`container ${c.name}: ${code}${c.reason ? ` (${c.reason})` : ''}`);
  }
  if (task.stopCode === 'TaskFailedToStart') {
    return {
      ok: false,
      reason: [`TaskFailedToStart: ${task.stoppedReason ?? 'the task failed to start'}`, ...problems].join(
        '; ',
      ),
    };
  }
  if (problems.length === 0 && task.containers.some((c) => isEssential(c.name))) return { ok: true };
  const head = task.stoppedReason
    ? `${task.stopCode ? `${task.stopCode}: ` : ''}${task.stoppedReason}`
    : undefined;
  return {
    ok: false,
    reason:
      [head, ...problems].filter((x) => x).join('; ') || 'the task has no essential container that exited 0',
  };
}
