/** The planner of `slipway apply` lives in core/config/planner.ts (the server's configuration routes share it). */
export { planApply, type Plan, type PlannedStep } from '../../core/config/planner.js';
