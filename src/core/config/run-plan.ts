/**
 * Applies a plan of `slipway apply` (planner.ts): each step's write in order, stopping at the first
 * failure (what was applied before stays applied; the rest is marked not applied). Shared by the
 * CLI and the server's configuration routes.
 */
import { isSlipwayError, toSlipwayError } from '../errors.js';
import type { PlanEntry } from './plan.js';
import type { PlannedStep } from './planner.js';

/** Runs the steps' writes; fills each entry's outcome (and error); answers whether one failed. */
export async function executePlan(
  steps: readonly PlannedStep[],
  onApplied: (entry: PlanEntry) => void = () => {},
): Promise<boolean> {
  let failed = false;
  for (const step of steps) {
    const e = step.entry;
    if (failed) {
      if (e.action !== 'unchanged') e.outcome = 'not-applied';
      continue;
    }
    if (step.run === undefined) {
      e.outcome = 'unchanged';
      continue;
    }
    try {
      await step.run();
      e.outcome = 'applied';
      onApplied(e);
    } catch (err) {
      // Only Slipway's own errors are expected here; a bug still stops the run and is reported.
      const se = isSlipwayError(err) ? err : toSlipwayError(err);
      e.outcome = 'failed';
      e.error = { code: se.code, message: se.message };
      failed = true;
    }
  }
  return failed;
}
