/**
 * The Conditions section: every condition evaluated once, in dependency order, with
 * `{"Condition": "Other"}` references between them.
 */
import type { EvaluationScope, ParsedTemplate } from '../contracts.js';
import { bracketList, fail, isObject } from './errors.js';
import { evaluate } from './intrinsics.js';

/** Replaces `{"Condition": X}` with X's value, evaluating X first (and catching cycles). */
function inline(value: unknown, resolve: (name: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => inline(v, resolve));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Condition' && typeof value.Condition === 'string') {
    return resolve(value.Condition);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inline(v, resolve)]));
}

/** Condition name → value; throws AWS's arity errors and on circular conditions. */
export function evaluateConditions(
  template: ParsedTemplate,
  scope: Omit<EvaluationScope, 'conditions'>,
): Record<string, boolean> {
  const results: Record<string, boolean> = {};
  const active: string[] = [];
  const resolve = (name: string): boolean => {
    const known = results[name];
    if (known !== undefined) return known;
    if (!(name in template.conditions)) {
      // (unverified) wording; parse() already refuses undeclared conditions.
      return fail(
        `Template format error: Unresolved condition dependencies [${name}] in the Conditions block of the template`,
      );
    }
    if (active.includes(name)) {
      // (unverified) wording.
      fail(
        `Template error: Found circular condition dependency: ${bracketList(active.slice(active.indexOf(name)).sort())}`,
      );
    }
    active.push(name);
    const expression = inline(template.conditions[name], resolve);
    const value = evaluate(expression, { ...scope, conditions: {}, template });
    active.pop();
    if (value !== true && value !== false && value !== 'true' && value !== 'false') {
      // (unverified) wording.
      fail(`Template error: condition ${name} must be a Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition`);
    }
    results[name] = value === true || value === 'true';
    return results[name];
  };
  for (const name of Object.keys(template.conditions)) resolve(name);
  return results;
}
