/**
 * Progress events of the deploy engine. Every message names the service (or family) so that the
 * interleaved lines of concurrent services stay readable; every data has `service` or `family`.
 */
import { makeEvent, type EventCode, type EventLevel, type EventSink } from '../core/events.js';
import { stripService } from '../core/rollout/judge.js';
import type { ServiceEventSnapshot, ServiceSnapshot } from '../core/rollout/types.js';
import { shortTaskDefinition } from '../core/rollout/types.js';

/** The subject of an event: a service, or a task definition family without one. */
export type Subject = { service: string; cluster?: string } | { family: string };

/** How a subject is named in messages. */
export function subjectName(s: Subject): string {
  return 'service' in s ? `service ${s.service}` : `task definition ${s.family}`;
}

/** Emits a deploy/task event about `subject`: the message is prefixed with its name. */
export function say(
  emit: EventSink,
  code: EventCode,
  subject: Subject,
  message: string,
  data: Record<string, unknown> = {},
  level?: EventLevel,
): void {
  const name = 'service' in subject ? subject.service : subject.family;
  emit(makeEvent(code, `[${name}] ${message}`, { ...subject, ...data }, level));
}

/** One row of the deployments table (`deploy.deployments` data). */
export interface DeploymentRow {
  id: string;
  taskDefinition: string;
  status: string;
  rolloutState: string;
  desired: number;
  pending: number;
  running: number;
  failed: number;
  /** A strategy deployment's revision: the traffic weights ECS requested for it (percent). */
  testWeight?: number;
  productionWeight?: number;
}

/**
 * Where a strategy deployment stands (`deploy.deployments` and `deploy.stage` data): the service
 * deployment's status and lifecycle stage, and the weights of our target revision (`revision`).
 */
export interface StrategyState {
  strategy: string;
  status: string;
  stage: string | null;
  testWeight: number | null;
  productionWeight: number | null;
  revision: string;
}

/** The deployments table of a snapshot. */
export function deploymentRows(s: ServiceSnapshot): DeploymentRow[] {
  return s.deployments.map((d) => ({
    id: d.id,
    taskDefinition: shortTaskDefinition(d.taskDefinitionArn),
    status: d.status,
    rolloutState: d.rolloutState ?? '',
    desired: d.desired,
    pending: d.pending,
    running: d.running,
    failed: d.failed,
  }));
}

/** A one-line summary of the table, for plain logs. */
export function summarizeRows(rows: DeploymentRow[]): string {
  return rows
    .map(
      (r) =>
        `${r.status} ${r.taskDefinition} ${r.rolloutState || '-'} desired ${r.desired} pending ${r.pending} running ${r.running} failed ${r.failed}`,
    )
    .join(' | ');
}

/** Emits each new ECS service event once. */
export function emitServiceEvents(emit: EventSink, service: string, events: ServiceEventSnapshot[]): void {
  for (const e of events) {
    say(emit, 'deploy.service-event', { service }, stripService(e.message), {
      eventId: e.id,
      createdAt: new Date(e.createdAt).toISOString(),
      text: e.message,
    });
  }
}
