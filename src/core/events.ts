/**
 * Typed progress events. Library code never prints: it emits events, and the host (CLI, server)
 * decides how to show or store them. Codes are stable; add new ones to EVENT_CODES.
 */

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

/** Every event code, with its level by default. */
export const EVENT_CODES = {
  'sandbox.started': 'info',
  'sandbox.stopped': 'info',
  'sandbox.state-saved': 'debug',
  'demo.step': 'info',
  'demo.service-event': 'info',
  'demo.deployments': 'info',
  'demo.finished': 'info',
  // AWS access (src/aws).
  'aws.retry': 'debug',
  'aws.throttled': 'debug',
  'aws.credentials-refreshed': 'debug',
  // Feeds (src/feeds).
  'feed.retry': 'debug',
  // ecs-deploy (src/deploy). Every deploy.* event's data names the `service` (or `family` without one).
  'deploy.plan': 'info',
  'deploy.diff': 'info',
  'deploy.registered': 'info',
  'deploy.service-updated': 'info',
  'deploy.attached': 'info',
  'deploy.no-change': 'info',
  'deploy.deployments': 'info',
  'deploy.service-event': 'info',
  'deploy.succeeded': 'info',
  'deploy.failed': 'error',
  'deploy.timeout': 'error',
  'deploy.rollback-started': 'warn',
  'deploy.rollback-succeeded': 'warn',
  'deploy.rollback-failed': 'error',
  'deploy.definitions-deregistered': 'info',
  // Strategy deployments (BLUE_GREEN, LINEAR, CANARY) followed by their service deployment ARN.
  /** The service deployment's lifecycle stage changed; data: stage, status, weights, hooks. */
  'deploy.stage': 'info',
  /** A PAUSE lifecycle hook awaits action (continue or roll back). */
  'deploy.paused': 'warn',
  /** A PAUSE hook was answered with ContinueServiceDeployment (CONTINUE or ROLLBACK). */
  'deploy.hook-answered': 'info',
  /** The service's deployment strategy differs from its previous deployment's. */
  'deploy.strategy-switch': 'warn',
  // The CloudFormation stack deployer (src/deploy/cloudformation); every cfn.* event's data names the stackName.
  /** Another operation is running on the stack: we wait for it to end. */
  'cfn.waiting': 'info',
  /** A CreateStack/UpdateStack/DeleteStack was accepted, or an earlier attempt's is re-attached to. */
  'cfn.operation-started': 'info',
  /** UpdateStack said "No updates are to be performed." (or there is no stack to delete). */
  'cfn.no-change': 'info',
  /** One new event of our operation (warn for failure statuses). */
  'cfn.stack-event': 'info',
  /** Our operation's final status (error when it failed). */
  'cfn.stack-finished': 'info',
  /** One event of a failed operation that carries a reason, oldest first, after cfn.stack-finished. */
  'cfn.failure-event': 'warn',
  // Sensitive values delivered to ECS tasks as secrets (src/deploy/secrets); data never holds a value.
  /** A parameter written (created or changed) or found unchanged: its name, version and the variable. */
  'secrets.delivered': 'info',
  /** The task's execution role may not read some of its secrets: the policy statement to add. */
  'secrets.access-denied': 'warn',
  /** Whether the execution role may read the secrets could not be checked (why). */
  'secrets.access-unchecked': 'warn',
  // The deployment engine (src/jobs).
  'deployment.stalled': 'warn',
  'task.started': 'info',
  'task.log': 'info',
  'task.stopped': 'info',
} as const satisfies Record<string, EventLevel>;

export type EventCode = keyof typeof EVENT_CODES;

/** One progress event. `data` carries the machine-readable details. */
export interface SlipwayEvent {
  code: EventCode;
  level: EventLevel;
  message: string;
  time: string;
  data: Record<string, unknown>;
}

/** A function that receives events. */
export type EventSink = (event: SlipwayEvent) => void;

/** Builds an event with the code's default level and the current time. */
export function makeEvent(
  code: EventCode,
  message: string,
  data: Record<string, unknown> = {},
  level: EventLevel = EVENT_CODES[code],
  now: Date = new Date(),
): SlipwayEvent {
  return { code, level, message, time: now.toISOString(), data };
}

/** A sink that drops everything (the default where no host listens). */
export const ignoreEvents: EventSink = () => {};
