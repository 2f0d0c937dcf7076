/**
 * Which steps of a deployment run, in which start groups, and on which targets (octopus-model.md,
 * "Deployment process"). Conditions are not decided here: they depend on how the run goes.
 */
import { UserInputError } from '../errors.js';
import { tagsMatch } from './tags.js';
import type { DeploymentFacts, PlannedStep, ProcessStep, TargetInfo } from './types.js';

function fold(value: string): string {
  return value.toLowerCase();
}

/** True when `list` holds one of `values`, ignoring case. */
function includesAny(list: readonly string[], values: readonly string[]): boolean {
  const wanted = new Set(values.map(fold));
  return list.some((item) => wanted.has(fold(item)));
}

/**
 * The names of the steps to skip (lower case), or INVALID_INPUT naming every name in `skipped` that
 * is not one of `steps` or is a required step. `field` is what the message calls the list (default
 * `skippedSteps`; the API says `deployment.skipSteps`). Names ignore case.
 */
export function checkSkippedSteps(
  steps: readonly { name: string; required: boolean }[],
  skipped: readonly string[],
  field = 'skippedSteps',
): Set<string> {
  const byName = new Map(steps.map((s) => [fold(s.name), s]));
  const unknown: string[] = [];
  const required: string[] = [];
  for (const name of skipped) {
    const step = byName.get(fold(name));
    if (step === undefined) unknown.push(name);
    else if (step.required) required.push(step.name);
  }
  const problems: string[] = [];
  if (unknown.length > 0) {
    const names = steps.map((s) => `"${s.name}"`).join(', ') || 'none';
    problems.push(
      `${field} names ${list(unknown)}, which ${unknown.length === 1 ? 'is not a step' : 'are not steps'} of this release's process (its steps: ${names})`,
    );
  }
  if (required.length > 0) {
    problems.push(
      `${field} names the required ${required.length === 1 ? 'step' : 'steps'} ${list(required)}, which cannot be skipped`,
    );
  }
  if (problems.length > 0) {
    throw new UserInputError(
      `${problems.join('; ')}. Remove ${problems.length > 1 ? 'them' : 'it'} from ${field}.`,
      {
        data: {
          unknownSteps: unknown,
          requiredSteps: required,
          issues: [
            ...unknown.map((n) => `${field}: no step "${n}"`),
            ...required.map((n) => `${field}: "${n}" is required`),
          ],
        },
      },
    );
  }
  return new Set(skipped.map(fold));
}

/** Rejects skipping a step that does not exist or is required, naming every such step. */
function checkSkipped(facts: DeploymentFacts): Set<string> {
  return checkSkippedSteps(facts.process.steps, facts.skippedSteps);
}

function list(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/**
 * Why `step` does not run in this deployment, or undefined when it does. Scoping lists hold ids;
 * an environment or channel also matches by name, ignoring case, so hand-written documents work too.
 */
export function exclusionReason(
  step: ProcessStep,
  facts: DeploymentFacts,
  skipped: ReadonlySet<string>,
): string | undefined {
  const env = [facts.environment.id, facts.environment.name];
  const channel = [facts.release.channel.id, facts.release.channel.name];
  if (step.disabled) return 'the step is disabled';
  if (skipped.has(fold(step.name))) return 'skipped when the deployment was requested';
  if (step.environments.length > 0 && !includesAny(step.environments, env)) {
    return `the step runs only in environments ${list(step.environments)}, not in "${facts.environment.name}"`;
  }
  if (includesAny(step.excludedEnvironments, env)) {
    return `the step is excluded from environment "${facts.environment.name}"`;
  }
  if (step.channels.length > 0 && !includesAny(step.channels, channel)) {
    return `the step runs only for channels ${list(step.channels)}, not for "${facts.release.channel.name}"`;
  }
  if (step.tenantTags.length > 0) {
    if (facts.tenant === undefined) {
      return `the step runs only for tenants tagged ${list(step.tenantTags)}, and this deployment is untenanted`;
    }
    if (!tagsMatch(facts.tenant.tags, step.tenantTags)) {
      return `the step runs only for tenants tagged ${list(step.tenantTags)}, and tenant "${facts.tenant.name}" does not match`;
    }
  }
  return undefined;
}

/**
 * Whether `target` takes part in this deployment for roles `roles`: it has one of the roles, is in
 * the deployment's environment, and its tenanted participation fits (untenanted deployments: targets
 * "untenanted" or "both"; tenanted: "tenanted" or "both" that name the tenant or whose tag expression
 * the tenant matches).
 */
export function targetParticipates(
  target: TargetInfo,
  roles: readonly string[],
  facts: Pick<DeploymentFacts, 'environment' | 'tenant'>,
): boolean {
  if (!includesAny(target.roles, roles)) return false;
  if (!includesAny(target.environments, [facts.environment.id, facts.environment.name])) return false;
  const tenant = facts.tenant;
  if (tenant === undefined) return target.tenantedParticipation !== 'tenanted';
  if (target.tenantedParticipation === 'untenanted') return false;
  return includesAny(target.tenants, [tenant.id]) || tagsMatch(tenant.tags, target.tenantTags);
}

/**
 * The steps of a deployment in order, with their targets. A step that starts "with-previous" shares the
 * previous step's group. Excluded steps have no targets; a running step with roles but no matching
 * target keeps `targetIds: []` (the engine fails it, naming the roles, environment and tenant).
 * INVALID_INPUT when skippedSteps names a required step or no step at all.
 */
export function planDeployment(facts: DeploymentFacts): PlannedStep[] {
  const skipped = checkSkipped(facts);
  let group = -1;
  return facts.process.steps.map((step, index) => {
    if (index === 0 || step.startTrigger !== 'with-previous') group += 1;
    const excluded = exclusionReason(step, facts, skipped);
    const targetIds =
      excluded !== undefined || step.roles.length === 0
        ? []
        : facts.targets.filter((t) => targetParticipates(t, step.roles, facts)).map((t) => t.id);
    const planned: PlannedStep = {
      index,
      name: step.name,
      group,
      targetIds,
      condition: step.condition,
      required: step.required,
    };
    if (excluded !== undefined) planned.excluded = excluded;
    if (step.conditionExpression !== undefined) planned.conditionExpression = step.conditionExpression;
    return planned;
  });
}
