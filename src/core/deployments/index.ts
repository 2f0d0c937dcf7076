/**
 * Pure deployment planning (octopus-model.md): which steps run and on which targets, the variable
 * dictionary of each step × target (snapshot ranked by scope, tenant values, prompted values,
 * system variables, output variables of earlier steps), and every action property evaluated with it.
 * docs/variables.md, "Deployments: steps, targets and variables", describes the rules.
 */
export type {
  DeploymentFacts,
  EvaluationInput,
  PlannedStep,
  ProcessStep,
  StepVariables,
  TargetInfo,
} from './types.js';
export { checkSkippedSteps, exclusionReason, planDeployment, targetParticipates } from './plan.js';
export { evaluationContext, processStep, stepVariables } from './variables.js';
export { imageReference, packageValues, selectedPackage, systemVariables } from './system-variables.js';
export { evaluateAction } from './evaluate.js';
export { renderValues, type RenderedValue } from './render-values.js';
export { conditionAllows, expressionHolds } from './conditions.js';
export { tagsMatch } from './tags.js';
