/** Rendering the "Deploy Amazon ECS Service" step as a CloudFormation stack, and exporting it. */
export {
  checkEvaluatedDeployService,
  withEvaluatedNumbers,
  type DeployServiceAction,
  type Evaluated,
  type EvaluatedContainer,
  type EvaluatedDeployService,
} from './evaluated.js';
export {
  EXECUTION_ROLE_POLICY_ARN,
  renderServiceStack,
  serviceTemplate,
  type ServiceStack,
  type ServiceStackInputs,
  type StackParameter,
  type StackTag,
} from './service-stack.js';
export {
  camel,
  generatedStackName,
  logicalIds,
  MAX_STACK_NAME,
  stackNameFor,
  stackNameProblem,
} from './names.js';
export type { LogicalIds, StackNameParts } from './names.js';
export {
  EXPORT_FORMATS,
  exportServiceStack,
  formatServiceStack,
  packageImageExpression,
  type ExportFormat,
} from './export.js';
export type { CfnParameter, CfnResource, CfnTemplate, CfnValue } from './template.js';
export { CfnYamlError, formatCfnYaml, parseCfnYaml } from './yaml.js';
