/** The built-in step types, registered with the engine. */
import type { StepExecutor } from '../executor.js';
import { ecsUpdateServiceExecutor } from './ecs-update-service.js';
import { manualInterventionExecutor } from './manual-intervention.js';
import { runScriptExecutor } from './run-script.js';

export { createEcsUpdateServiceExecutor, ecsUpdateServiceExecutor } from './ecs-update-service.js';
export { manualInterventionExecutor } from './manual-intervention.js';
export { runScriptExecutor } from './run-script.js';

/** Every built-in executor, one per action type (ecs-deploy-service is added by its own module). */
export const BUILT_IN_EXECUTORS: readonly StepExecutor[] = [
  ecsUpdateServiceExecutor,
  runScriptExecutor,
  manualInterventionExecutor,
];
