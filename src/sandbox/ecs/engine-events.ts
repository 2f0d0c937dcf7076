/**
 * Service events in ECS wording, and the container log lines the awslogs driver would write.
 */
import { appendLogLines } from '../logs/write.js';
import type { SandboxRuntime } from '../runtime.js';
import type { ContainerDef, Scope } from './engine-context.js';
import { idOf } from './engine-context.js';
import type { EcsService, EcsTask } from './model.js';

/** ECS keeps this many events per service. */
export const MAX_SERVICE_EVENTS = 100;

const TROUBLESHOOTING = 'For more information, see the Troubleshooting section.';

/** Adds an event at the front of the service's events (newest first, capped). */
export function addEvent(runtime: SandboxRuntime, service: EcsService, message: string, now: number): void {
  service.events.unshift({ id: runtime.uuid(), createdAt: now, message });
  if (service.events.length > MAX_SERVICE_EVENTS) service.events.length = MAX_SERVICE_EVENTS;
}

function svc(service: EcsService): string {
  return `(service ${service.serviceName})`;
}

function taskList(tasks: EcsTask[]): string {
  return tasks.map((t) => `(task ${t.taskId})`).join(' ');
}

/** The ECS event texts. */
export const msg = {
  started: (s: EcsService, tasks: EcsTask[]) =>
    `${svc(s)} has started ${tasks.length} tasks: ${taskList(tasks)}.`,
  stopped: (s: EcsService, tasks: EcsTask[]) =>
    `${svc(s)} has stopped ${tasks.length} running tasks: ${taskList(tasks)}.`,
  registered: (s: EcsService, tg: string) => `${svc(s)} registered 1 targets in (target-group ${tg})`,
  deregistered: (s: EcsService, tg: string) => `${svc(s)} deregistered 1 targets in (target-group ${tg})`,
  draining: (s: EcsService) => `${svc(s)} has begun draining connections on 1 tasks.`,
  steady: (s: EcsService) => `${svc(s)} has reached a steady state.`,
  completed: (s: EcsService, id: string) => `${svc(s)} deployment ${id} deployment completed.`,
  failed: (s: EcsService, id: string) =>
    `${svc(s)} deployment ${id} deployment failed: tasks failed to start.`,
  rollingBack: (s: EcsService, id: string) => `${svc(s)} rolling back to deployment ${id}.`,
  unablePlace: (s: EcsService, why: UnablePlaceReason) => {
    const head = `${svc(s)} was unable to place a task because no container instance met all of its requirements.`;
    if (why.kind === 'NO_INSTANCES')
      return `${head} Reason: No Container Instances were found in your cluster. ${TROUBLESHOOTING}`;
    const what =
      why.kind === 'RESOURCE:PORTS'
        ? 'is already using a port required by your task'
        : why.kind === 'RESOURCE:MEMORY'
          ? 'has insufficient memory available'
          : 'has insufficient CPU units available';
    return `${head} The closest matching (container-instance ${idOf(why.instanceArn)}) ${what}. ${TROUBLESHOOTING}`;
  },
};

/** Why a task could not be placed (the RunTask failure reasons, or no instances at all). */
export type UnablePlaceReason =
  | { kind: 'RESOURCE:CPU' | 'RESOURCE:MEMORY' | 'RESOURCE:PORTS'; instanceArn: string }
  | { kind: 'NO_INSTANCES' };

/** Writes a line to the container's awslogs stream, when the container logs there. */
export function containerLog(
  scope: Scope,
  task: EcsTask,
  def: ContainerDef,
  message: string,
  at: number,
): void {
  const lc = def.logConfiguration;
  if (!lc || lc.logDriver !== 'awslogs') return;
  const opts = lc.options ?? {};
  const group = opts['awslogs-group'];
  if (!group) return;
  const prefix = opts['awslogs-stream-prefix'];
  const stream = prefix ? `${prefix}/${def.name}/${task.taskId}` : task.taskId;
  appendLogLines(
    scope.rs,
    group,
    stream,
    [{ timestamp: at, message }],
    opts['awslogs-create-group'] === 'true',
  );
}
