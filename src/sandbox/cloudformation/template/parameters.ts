/**
 * Parameter values for one stack operation: given > UsePreviousValue > Default, then each value
 * checked against its declaration with AWS's messages.
 */
import type { GivenParameter, ParameterDeclaration, ParameterValues, ParsedTemplate } from '../contracts.js';
import { bracketList, fail } from './errors.js';
import { isListType, isSsmValueType } from './parameter-declarations.js';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** How AWS prints a bound: `1`, not `1.0`. */
function bound(n: number): string {
  return String(n);
}

/** A whole-value match, as Java's String.matches does (AWS's AllowedPattern semantics). */
function matchesWhole(pattern: string, value: string, key: string): boolean {
  try {
    // No `u` flag: Java-style classes such as `[\w-_]` are common in templates and invalid with it.
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    // (unverified) wording.
    return fail(`Parameter '${key}' AllowedPattern must be a valid regular expression.`);
  }
}

/** The first constraint `value` breaks, in AWS's words, or undefined. */
function violation(key: string, p: ParameterDeclaration, value: string): string | undefined {
  const list = isListType(p.type);
  const members = list ? value.split(',').map((m) => m.trim()) : [value];
  const numeric = p.type === 'Number' || p.type === 'List<Number>';
  for (const member of members) {
    // "Parameter 'DesiredCount' must be a number." (cloudformation.md §C17); the list form is (unverified).
    if (numeric && !NUMBER.test(member)) return `Parameter '${key}' must be a number.`;
  }
  // ISS aws-ia/taskcat#627 and others: `Parameter 'X' must be one of AllowedValues`.
  if (p.allowedValues && members.some((m) => !p.allowedValues?.includes(m))) {
    return `Parameter '${key}' must be one of AllowedValues`;
  }
  if (!numeric) {
    // ISS aws-cloudformation/cloudformation-coverage-roadmap#930; "at most" is (unverified).
    if (p.minLength !== undefined && value.length < p.minLength) {
      return `Parameter '${key}' must contain at least ${bound(p.minLength)} characters`;
    }
    if (p.maxLength !== undefined && value.length > p.maxLength) {
      return `Parameter '${key}' must contain at most ${bound(p.maxLength)} characters`;
    }
    // ISS aws-quickstart/quickstart-pivotal-cloudfoundry#9.
    if (
      p.allowedPattern !== undefined &&
      members.some((m) => !matchesWhole(p.allowedPattern as string, m, key))
    ) {
      return `Parameter '${key}' must match pattern ${p.allowedPattern}`;
    }
  } else {
    for (const n of members.map(Number)) {
      // "must be a number not less than 1": a real answer quoted in openshift/rosa; "not greater" is (unverified).
      if (p.minValue !== undefined && n < p.minValue) {
        return `Parameter '${key}' must be a number not less than ${bound(p.minValue)}`;
      }
      if (p.maxValue !== undefined && n > p.maxValue) {
        return `Parameter '${key}' must be a number not greater than ${bound(p.maxValue)}`;
      }
    }
  }
  return undefined;
}

/** Throws when `value` breaks a constraint; ConstraintDescription replaces AWS's reason (taskcat#627). */
function check(key: string, p: ParameterDeclaration, value: string): void {
  const problem = violation(key, p, value);
  if (problem === undefined) return;
  fail(
    p.constraintDescription
      ? `Parameter ${key} failed to satisfy constraint: ${p.constraintDescription}`
      : problem,
  );
}

/** given > usePreviousValue (previous) > Default; list types resolve to string[] (members trimmed). */
export function resolveParameters(
  template: ParsedTemplate,
  given: GivenParameter[],
  previous: ParameterValues | undefined,
): ParameterValues {
  const declared = Object.keys(template.parameters);
  if (declared.length === 0 && given.length > 0) {
    // ISS ansible/ansible#24866.
    fail('Parameter values specified for a template which does not require them.');
  }
  const unknown = given.map((g) => g.key).filter((k) => !(k in template.parameters));
  if (unknown.length > 0) fail(`Parameters: ${bracketList(new Set(unknown))} do not exist in the template`);

  const byKey = new Map(given.map((g) => [g.key, g]));
  const raw = new Map<string, string>();
  const missing: string[] = [];
  for (const key of declared) {
    const g = byKey.get(key);
    if (g?.usePreviousValue && g.value !== undefined) {
      // (unverified) AWS's wording for both at once.
      fail(
        `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true and non empty value for a parameter key.`,
      );
    }
    const prior = previous?.[key];
    const value = g?.usePreviousValue
      ? Array.isArray(prior)
        ? prior.join(',')
        : prior
      : (g?.value ?? template.parameters[key]?.default);
    if (value === undefined) missing.push(key);
    else raw.set(key, value);
  }
  // A real transcript: "Parameters: [KeyName, DBPassword, DBUser, DBRootPassword] must have values" (template order).
  if (missing.length > 0) fail(`Parameters: ${bracketList(missing)} must have values`);

  const values: ParameterValues = {};
  for (const [key, value] of raw) {
    const declaration = template.parameters[key] as ParameterDeclaration;
    if (isSsmValueType(declaration.type)) {
      fail(
        `Parameter '${key}' is of type ${declaration.type}, which the Slipway sandbox does not resolve yet: ` +
          'declare it as String and pass the value itself.',
      );
    }
    check(key, declaration, value);
    values[key] = isListType(declaration.type) ? value.split(',').map((m) => m.trim()) : value;
  }
  return values;
}
