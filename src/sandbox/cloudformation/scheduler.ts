/**
 * What the rest of the sandbox asks of the CloudFormation stack engine (the API, the admin API
 * and the composition root). The runtime holds one; CfnEngine implements it.
 */
import type { AccountState } from '../world.js';
import type { CfnStack } from './model.js';

export interface CfnScheduler {
  /** Re-arms the timers of the stack operations in flight (start, or after stop). */
  resume(): void;
  /** Cancels every timer (the sandbox is closing or its world is replaced). */
  stop(): void;
  /** Runs a stack's operation as far as it goes now and arms its next step (after an API call set it up). */
  drive(account: AccountState, region: string, stack: CfnStack): void;
}
