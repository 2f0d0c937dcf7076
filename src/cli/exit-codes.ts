/** The one place that maps errors to process exit codes (documented in docs/cli.md). */
import type { SlipwayError } from '../core/errors.js';

export const EXIT = {
  OK: 0,
  /** The job failed (deployment failed, demo did not end as expected, AWS refused). */
  FAILED: 1,
  /** Usage or input error (the ecs-deploy script's code for usage errors). */
  USAGE: 3,
  /** A bug in Slipway. */
  INTERNAL: 70,
} as const;

export function exitCodeFor(err: SlipwayError): number {
  switch (err.code) {
    case 'USAGE':
    case 'INVALID_INPUT':
    case 'CONFIG':
    case 'SANDBOX_START_FAILED':
    case 'SANDBOX_STATE_INVALID':
      return EXIT.USAGE;
    case 'INTERNAL':
      return EXIT.INTERNAL;
    case 'NOT_IMPLEMENTED':
      return EXIT.USAGE;
    default:
      return EXIT.FAILED;
  }
}
