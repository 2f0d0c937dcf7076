/** The one place that maps errors and deployment outcomes to process exit codes (documented in docs/cli.md). */
import type { SlipwayError } from '../core/errors.js';
import type { DeployOutcome } from '../deploy/request.js';

export const EXIT = {
  OK: 0,
  /** The job failed (deployment failed, demo did not end as expected, AWS refused). */
  FAILED: 1,
  /** Usage or input error (the ecs-deploy script's code for usage errors). */
  USAGE: 3,
  /** ecs-deploy (the script's codes): neither -n nor -d. */
  NO_TARGET: 5,
  /** ecs-deploy: both -n and -d. */
  BOTH_TARGETS: 6,
  /** ecs-deploy: -n without -c. */
  NO_CLUSTER: 7,
  /** ecs-deploy: nothing to deploy (no -i, -to, edits or --force-new-deployment). */
  NO_IMAGE: 8,
  /** ecs-deploy: --max-definitions is not a whole number. */
  BAD_MAX_DEFINITIONS: 9,
  /** ecs-deploy: an image reference does not parse. */
  BAD_IMAGE: 13,
  /** ecs-deploy (ours, above the script's): failed, and ECS's circuit breaker rolled the service back. */
  FAILED_ECS_ROLLED_BACK: 14,
  /** ecs-deploy: failed, and --enable-rollback brought the last good revision back. */
  FAILED_ROLLED_BACK: 15,
  /** ecs-deploy: failed, and the rollback failed too: the service needs a person. */
  ROLLBACK_FAILED: 16,
  /** ecs-deploy: the overall timeout (-t) passed; ECS may still be rolling. */
  TIMED_OUT: 17,
  /** ecs-deploy: nothing progressed for --inactivity-timeout; ECS may still be rolling. */
  INACTIVE: 18,
  /** A bug in Slipway. */
  INTERNAL: 70,
} as const;

/** Set by a command that finishes with an exit code of its own (main.ts returns it). */
export interface RunState {
  exitCode: number;
}

export function exitCodeFor(err: SlipwayError): number {
  switch (err.code) {
    case 'USAGE':
    case 'INVALID_INPUT':
    case 'CONFIG':
    case 'SANDBOX_START_FAILED':
    case 'SERVER_START_FAILED':
    case 'SANDBOX_STATE_INVALID':
    case 'AWS_CREDENTIALS':
    case 'IMAGE_NOT_IN_TASK_DEFINITION':
    case 'TEMPLATE_CYCLE':
    case 'TEMPLATE_TOO_EXPENSIVE':
    case 'ALREADY_EXISTS':
    case 'CONFLICT':
    case 'STORE_UNAVAILABLE':
      return EXIT.USAGE;
    case 'ECS_DEPLOY_NO_TARGET':
      return EXIT.NO_TARGET;
    case 'ECS_DEPLOY_BOTH_TARGETS':
      return EXIT.BOTH_TARGETS;
    case 'ECS_DEPLOY_NO_CLUSTER':
      return EXIT.NO_CLUSTER;
    case 'ECS_DEPLOY_NO_IMAGE':
      return EXIT.NO_IMAGE;
    case 'ECS_DEPLOY_BAD_MAX_DEFINITIONS':
      return EXIT.BAD_MAX_DEFINITIONS;
    case 'IMAGE_REFERENCE_INVALID':
      return EXIT.BAD_IMAGE;
    case 'INTERNAL':
      return EXIT.INTERNAL;
    case 'NOT_IMPLEMENTED':
      return EXIT.USAGE;
    default:
      return EXIT.FAILED;
  }
}

/** The exit code of an ecs-deploy run that reached an outcome (for several services: the worst one's). */
export function exitCodeForOutcome(outcome: DeployOutcome): number {
  switch (outcome) {
    case 'succeeded':
    case 'no-change':
    case 'previewed':
      return EXIT.OK;
    case 'failed':
    case 'task-failed':
      return EXIT.FAILED;
    case 'failed-ecs-rolled-back':
      return EXIT.FAILED_ECS_ROLLED_BACK;
    case 'failed-rolled-back':
      return EXIT.FAILED_ROLLED_BACK;
    case 'rollback-failed':
      return EXIT.ROLLBACK_FAILED;
    case 'timed-out':
      return EXIT.TIMED_OUT;
    case 'inactive':
      return EXIT.INACTIVE;
  }
}
