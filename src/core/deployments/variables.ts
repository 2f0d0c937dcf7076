/**
 * The variable dictionary of one step × target: the release's snapshot ranked by scope, then tenant
 * values, prompted values, system variables and output variables of earlier steps, each layer
 * replacing same-named values of the layers before it (names ignore case). docs/variables.md,
 * "Deployments: steps, targets and variables", states the order and why.
 */
import { UserInputError } from '../errors.js';
import { resolveVariables } from '../variables/index.js';
import type { DeploymentContext } from '../variables/types.js';
import { systemVariables } from './system-variables.js';
import type { DeploymentFacts, EvaluationInput, ProcessStep, StepVariables } from './types.js';

interface Entry {
  name: string;
  value: string;
  sensitive: boolean;
}

/** Name → value with case-insensitive names: a later set replaces an earlier one and its spelling. */
class Dictionary {
  private readonly entries = new Map<string, Entry>();

  set(name: string, value: string, sensitive: boolean): void {
    const key = name.toLowerCase();
    // Re-inserting keeps the output in layer order, so a replaced name moves to its new layer.
    this.entries.delete(key);
    this.entries.set(key, { name, value, sensitive });
  }

  result(): StepVariables {
    const values: Record<string, string> = {};
    const sensitive: string[] = [];
    for (const { name, value, sensitive: secret } of this.entries.values()) {
      // defineProperty: a name like `__proto__` must become a key, not a prototype change.
      Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
      // An empty secret cannot be masked, and one listed twice would only be masked twice.
      if (secret && value !== '' && !sensitive.includes(value)) sensitive.push(value);
    }
    return { values, sensitive };
  }
}

/** The step of the process snapshot that `name` plans; INVALID_INPUT when there is none. */
export function processStep(facts: DeploymentFacts, name: string): ProcessStep {
  const key = name.toLowerCase();
  const step = facts.process.steps.find((s) => s.name.toLowerCase() === key);
  if (step === undefined) {
    throw new UserInputError(
      `Step "${name}" is not in the release's process (its steps: ${facts.process.steps.map((s) => `"${s.name}"`).join(', ') || 'none'}). Plan the deployment from the same release.`,
    );
  }
  return step;
}

/** The scope-matching context of a step × target (the tenant only when the deployment is tenanted). */
export function evaluationContext(input: EvaluationInput, step: ProcessStep): DeploymentContext {
  const { facts, target } = input;
  const context: DeploymentContext = {
    environment: facts.environment.id,
    channel: facts.release.channel.id,
    step: { id: step.name, roles: step.roles },
  };
  if (facts.tenant !== undefined) context.tenant = { id: facts.tenant.id, tags: facts.tenant.tags };
  if (target !== undefined) context.target = { id: target.id, roles: target.roles };
  return context;
}

function names(list: readonly string[] | undefined): Set<string> {
  return new Set((list ?? []).map((n) => n.toLowerCase()));
}

function own<T>(record: Record<string, T>): [string, T][] {
  return Object.keys(record).map((k) => [k, record[k] as T]);
}

/**
 * The variable dictionary of a step × target and the values to mask. Layers, later wins: snapshot
 * (ranked by scope) < tenant values < prompted values < system variables < outputs of earlier steps.
 * Sensitive: the chosen snapshot values of type sensitive, prompted and tenant values named like a
 * sensitive variable, and the tenant values and outputs the caller marks (`sensitiveTenantValues`,
 * `sensitiveOutputs`); a sensitive value another layer replaced is not listed.
 */
export function stepVariables(input: EvaluationInput): StepVariables {
  const step = processStep(input.facts, input.step.name);
  const resolved = resolveVariables(input.snapshot, evaluationContext(input, step));
  const dict = new Dictionary();

  for (const [name, value] of own(resolved.values)) {
    dict.set(name, value, resolved.chosen[name.toLowerCase()]?.type === 'sensitive');
  }
  // A value standing in for a sensitive variable (a prompted answer, a tenant's value of that name)
  // is as sensitive as the variable.
  const sensitiveVariables = new Set(
    input.snapshot.filter((v) => v.type === 'sensitive').map((v) => v.name.toLowerCase()),
  );
  // Tenant values are read live and belong to one tenant; they never reach an untenanted
  // deployment, even if the caller passes some.
  if (input.facts.tenant !== undefined) {
    const secret = names(input.sensitiveTenantValues);
    for (const [name, value] of own(input.tenantValues)) {
      const key = name.toLowerCase();
      dict.set(name, value, secret.has(key) || sensitiveVariables.has(key));
    }
  }
  for (const [name, value] of own(input.prompted)) {
    dict.set(name, value, sensitiveVariables.has(name.toLowerCase()));
  }
  for (const [name, value] of own(systemVariables(input.facts, step, input.target))) {
    dict.set(name, value, false);
  }
  const secretOutputs = new Map(
    own(input.sensitiveOutputs ?? {}).map(([stepName, list]) => [stepName.toLowerCase(), names(list)]),
  );
  for (const [stepName, outputs] of own(input.outputs)) {
    const secret = secretOutputs.get(stepName.toLowerCase()) ?? new Set<string>();
    for (const [name, value] of own(outputs)) {
      dict.set(`Octopus.Action[${stepName}].Output.${name}`, value, secret.has(name.toLowerCase()));
    }
  }
  return dict.result();
}
