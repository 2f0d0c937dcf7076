/**
 * Names in the service stack: the logical ids (`TaskDefinition{T}`, ...) and the generated stack
 * name, built with lodash's camelCase exactly as Octopus's step does (spec B2), so a stack deployed
 * by Octopus and one deployed by Slipway for the same inputs have the same names.
 */
import { camelCase } from 'lodash-es';
import { UserInputError } from '../errors.js';

/** CloudFormation's stack name rule (spec A1). */
const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;
/** Longest stack name CloudFormation takes. */
export const MAX_STACK_NAME = 128;

/** lodash's camelCase (`test-big-cf-template` → `testBigCfTemplate`). */
export function camel(s: string): string {
  return camelCase(s);
}

/** The logical ids of the stack's resources for task family `family` (T = camelCase(family)). */
export interface LogicalIds {
  executionRole: string;
  logGroup: string;
  taskDefinition: string;
  service: string;
}

/** `TaskExecutionRole{T}`, `AwsLogGroup{T}`, `TaskDefinition{T}`, `Service{T}`. */
export function logicalIds(family: string): LogicalIds {
  const t = camel(family);
  return {
    executionRole: `TaskExecutionRole${t}`,
    logGroup: `AwsLogGroup${t}`,
    taskDefinition: `TaskDefinition${t}`,
    service: `Service${t}`,
  };
}

/** Why `name` is not a stack name CloudFormation takes, or undefined when it is. */
export function stackNameProblem(name: string): string | undefined {
  if (name.length > MAX_STACK_NAME) return `it is ${name.length} characters long (at most ${MAX_STACK_NAME})`;
  if (!STACK_NAME.test(name)) {
    return 'it must start with a letter and hold only letters, digits and "-"';
  }
  return undefined;
}

/** What the generated stack name is made of. */
export interface StackNameParts {
  clusterName: string;
  family: string;
  environmentId: string;
  /** Absent for an untenanted deployment. */
  tenantId?: string;
}

/**
 * `cf-ecs-{camel(cluster)}-{camel("Service"+T)}-{camel(environment)}-{camel(tenant) or "untenanted"}`
 * cut to 128 characters: note the double camelCase of the service part (spec B2, C.12).
 */
export function generatedStackName(parts: StackNameParts): string {
  const { service } = logicalIds(parts.family);
  const tenant = parts.tenantId === undefined || parts.tenantId === '' ? 'untenanted' : camel(parts.tenantId);
  const name = `cf-ecs-${camel(parts.clusterName)}-${camel(service)}-${camel(parts.environmentId)}-${tenant}`;
  return name.trim().slice(0, MAX_STACK_NAME);
}

/**
 * The stack name: `given` when set (checked against CloudFormation's rule), else the generated one;
 * INVALID_INPUT naming the step when either breaks the rule.
 */
export function stackNameFor(given: string | undefined, parts: StackNameParts, stepName: string): string {
  const name = given !== undefined && given !== '' ? given : generatedStackName(parts);
  const problem = stackNameProblem(name);
  if (problem !== undefined) {
    const what = given ? 'The stack name' : 'The generated stack name';
    throw new UserInputError(
      `Step "${stepName}": ${what} "${name}" cannot be used: ${problem}. ` +
        (given
          ? 'Give a name such as "web-prod".'
          : 'Give the step a stack name, or rename the cluster, task family or environment to letters and digits.'),
      { data: { stackName: name, step: stepName } },
    );
  }
  return name;
}
