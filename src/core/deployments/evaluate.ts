/**
 * Evaluating a step's action: every string property rendered with the step's variables, and every
 * reference that stays missing reported at once, by property path, before anything is deployed.
 */
import { UserInputError } from '../errors.js';
import { DEFAULT_TEMPLATE_BUDGET, renderTemplate, TemplateTooExpensiveError } from '../template/index.js';
import type { ProcessStep, StepVariables } from './types.js';

/** Paths whose strings are identifiers, never templates: the action's type, a package's name and feed. */
function isLiteral(path: readonly (string | number)[]): boolean {
  if (path.length === 1 && path[0] === 'type') return true;
  return (
    path.length === 3 &&
    path[0] === 'packages' &&
    typeof path[1] === 'number' &&
    (path[2] === 'name' || path[2] === 'feed')
  );
}

function pathText(path: readonly (string | number)[]): string {
  let out = 'action';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${part}`;
  return out;
}

interface Walk {
  values: Record<string, string>;
  /** The step's sensitive values: a variable is sensitive when its value is one of them. */
  secrets: ReadonlySet<string>;
  /** Values computed from sensitive variables (`#{Secret | ToLower}`), as substituted, not already secrets. */
  derived: Set<string>;
  /** Their total length, held to the template budget's maxSensitiveLength over all the step's properties. */
  derivedLength: number;
  /** One time budget for the whole action (Date.now), not one per property. */
  deadline: number;
  /** `action.service: #{Unknown}`, one per missing reference. */
  missing: string[];
  /** `action.script: <parse error>`. */
  unparsable: string[];
}

function evaluateValue(value: unknown, path: (string | number)[], walk: Walk): unknown {
  if (typeof value === 'string') {
    if (isLiteral(path) || !value.includes('#{')) return value;
    const result = renderTemplate(value, walk.values, {
      sensitive: (_name, raw) => walk.secrets.has(raw),
      budget: { deadline: walk.deadline },
    });
    for (const derived of result.sensitiveValues ?? []) {
      if (derived === '' || walk.secrets.has(derived) || walk.derived.has(derived)) continue;
      walk.derived.add(derived);
      walk.derivedLength += derived.length;
    }
    const limit = DEFAULT_TEMPLATE_BUDGET.maxSensitiveLength;
    if (walk.derivedLength > limit) throw new TemplateTooExpensiveError('maxSensitiveLength', limit);
    if (result.error !== undefined) {
      walk.unparsable.push(`${pathText(path)}: ${result.error}`);
      return value;
    }
    for (const missing of result.missing) walk.missing.push(`${pathText(path)}: ${missing}`);
    // The Null filter gives "no value"; a property has to be a string, so it becomes empty.
    return result.output ?? '';
  }
  if (Array.isArray(value)) return value.map((item, i) => evaluateValue(item, [...path, i], walk));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, {
        value: evaluateValue(item, [...path, key], walk),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * The step's action with every string property evaluated (not `type`, not a package's `name` or
 * `feed`); INVALID_INPUT naming each property whose references are missing (`action.service:
 * #{Unknown}`) or whose template does not parse; a reference cycle throws TEMPLATE_CYCLE, a template
 * over its budget TEMPLATE_TOO_EXPENSIVE (the time and the values derived from secrets are
 * budgeted over the whole action, the rest per property).
 *
 * Every value computed from a sensitive one (`#{Secret | ToLower}`, `#{Conn | ToBase64}` where Conn
 * holds `#{Secret}`) is added to `variables.sensitive`, even when it then throws, so that whatever
 * masks with that list (the step's log, its script's output) masks the derived values too.
 */
export function evaluateAction(
  action: ProcessStep['action'],
  variables: StepVariables,
): ProcessStep['action'] {
  const walk: Walk = {
    values: variables.values,
    secrets: new Set(variables.sensitive),
    derived: new Set(),
    derivedLength: 0,
    deadline: Date.now() + DEFAULT_TEMPLATE_BUDGET.maxMilliseconds,
    missing: [],
    unparsable: [],
  };
  let evaluated: ProcessStep['action'];
  try {
    evaluated = evaluateValue(action, [], walk) as ProcessStep['action'];
  } finally {
    variables.sensitive.push(...walk.derived);
  }
  const problems: string[] = [];
  if (walk.missing.length > 0) {
    problems.push(
      `The step's properties refer to variables that have no value in this deployment: ${walk.missing.join('; ')}. Define them (scoped to match this environment, tenant and target) or supply them as prompted values.`,
    );
  }
  if (walk.unparsable.length > 0) {
    problems.push(
      `Some properties are not valid #{...} templates: ${walk.unparsable.join('; ')}. Fix the syntax, or write ##{ for a literal #{.`,
    );
  }
  if (problems.length > 0) {
    throw new UserInputError(problems.join(' '), {
      data: { missing: walk.missing, unparsable: walk.unparsable },
    });
  }
  return evaluated;
}
