/** The built-in step types, registered with the engine. */
import type { StepExecutor } from '../executor.js';
import { cloudformationDeleteExecutor } from './cloudformation-delete.js';
import { cloudformationDeployExecutor } from './cloudformation-deploy.js';
import { ecsDeployServiceExecutor } from './ecs-deploy-service.js';
import { ecsRunTaskExecutor } from './ecs-run-task.js';
import { ecsUpdateServiceExecutor } from './ecs-update-service.js';
import { manualInterventionExecutor } from './manual-intervention.js';
import { createRunScriptExecutor } from './run-script.js';
import type { ScriptIsolation } from './script-isolation.js';
import type { WorkerPoolOptions } from './worker-pool.js';

export { cloudformationDeleteExecutor, createCloudformationDeleteExecutor } from './cloudformation-delete.js';
export { cloudformationDeployExecutor, createCloudformationDeployExecutor } from './cloudformation-deploy.js';
export { createEcsDeployServiceExecutor, ecsDeployServiceExecutor } from './ecs-deploy-service.js';
export { createEcsRunTaskExecutor, ecsRunTaskExecutor } from './ecs-run-task.js';
export { createEcsUpdateServiceExecutor, ecsUpdateServiceExecutor } from './ecs-update-service.js';
export { manualInterventionExecutor } from './manual-intervention.js';
export { createRunScriptExecutor } from './run-script.js';

/**
 * Every built-in executor, one per action type; scripts run with `scripts` (default: resolved at
 * start), and script steps that name a worker pool queue through `workerPools` (default: refused).
 */
export function builtInExecutors(
  scripts?: ScriptIsolation | Promise<ScriptIsolation>,
  workerPools?: WorkerPoolOptions,
): StepExecutor[] {
  return [
    ecsUpdateServiceExecutor,
    createRunScriptExecutor({
      ...(scripts === undefined ? {} : { isolation: scripts }),
      ...(workerPools === undefined ? {} : { workerPools }),
    }),
    manualInterventionExecutor,
    cloudformationDeployExecutor,
    cloudformationDeleteExecutor,
    ecsDeployServiceExecutor,
    ecsRunTaskExecutor,
  ];
}
