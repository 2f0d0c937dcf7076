/** Step conditions: whether a step runs, given how the deployment has gone so far. */
import { UserInputError } from '../errors.js';
import { isTruthy } from '../template/conditions.js';
import { renderTemplate } from '../template/index.js';
import type { PlannedStep, StepVariables } from './types.js';

/**
 * Whether a variable expression holds: a `#{...}` template (`#{if Octopus.Deployment.Error}true#{/if}`)
 * is rendered and its output judged by the template's own truthiness (false for "", "0", "false",
 * "no"); a bare expression (`Deploy.Canary`) is wrapped as `#{if EXPR}true#{/if}`. A missing variable
 * is false inside `#{if}`, and a missing `#{Name}` in the output makes the whole condition false.
 * INVALID_INPUT when it does not parse; TEMPLATE_CYCLE on cycles.
 */
export function expressionHolds(expression: string, values: Record<string, string>): boolean {
  const template = expression.includes('#{') ? expression : `#{if ${expression}}true#{/if}`;
  const result = renderTemplate(template, values);
  if (result.error !== undefined) {
    throw new UserInputError(
      `The step condition ${JSON.stringify(expression)} is not a valid #{...} expression: ${result.error}. Fix the step's conditionExpression.`,
    );
  }
  // An unresolved `#{Name}` stays in the output as text, which would read as true: a step must not
  // run on the strength of a variable that has no value.
  if (result.missing.length > 0) return false;
  return isTruthy(result.output ?? '');
}

/**
 * Whether a step's condition lets it run: "success" when nothing failed yet, "failure" when something
 * did, "always", or "variable" when its expression holds. For "variable", a failed deployment that
 * does not set `Octopus.Deployment.Error` itself gets it as "true", so the usual
 * `#{if Octopus.Deployment.Error}` works.
 */
export function conditionAllows(
  step: PlannedStep,
  deploymentFailed: boolean,
  variables: StepVariables,
): boolean {
  switch (step.condition) {
    case 'success':
      return !deploymentFailed;
    case 'failure':
      return deploymentFailed;
    case 'always':
      return true;
    case 'variable': {
      if (step.conditionExpression === undefined) {
        throw new UserInputError(
          `Step "${step.name}" has condition "variable" but no conditionExpression. Give it one, e.g. #{if Deploy.Canary}true#{/if}.`,
        );
      }
      const values = { ...variables.values };
      const hasError = Object.keys(values).some((k) => k.toLowerCase() === 'octopus.deployment.error');
      if (deploymentFailed && !hasError) values['Octopus.Deployment.Error'] = 'true';
      return expressionHolds(step.conditionExpression, values);
    }
  }
}
