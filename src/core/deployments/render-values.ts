/**
 * What each variable's value renders to, as a step sees it: a value holding `#{...}` rendered with
 * the step's variables (recursively, as a step property `#{Name}` would be). For the variable
 * preview: each value answers on its own (a missing reference, a syntax error or a cycle in one
 * leaves the others rendered), within one time budget for all.
 */
import { isSlipwayError, messageOf } from '../errors.js';
import { DEFAULT_TEMPLATE_BUDGET, renderTemplate } from '../template/index.js';
import type { StepVariables } from './types.js';

/** One value's rendering: the output, or why there is none. */
export interface RenderedValue {
  /** The rendered text; undefined when it could not be rendered. */
  output?: string;
  /** References with no value (`#{Unknown}`): rendered as they stand, as a step would refuse them. */
  missing: string[];
  /** Why it could not be rendered: a syntax error, a reference cycle, the budget. */
  problem?: string;
}

/**
 * The renderings of `names` (only those whose value holds `#{`), by name. Values computed from a
 * sensitive variable are added to `variables.sensitive`, as evaluateAction adds them, so that the
 * caller masks them.
 */
export function renderValues(
  names: readonly string[],
  variables: StepVariables,
): Record<string, RenderedValue> {
  const secrets = new Set(variables.sensitive);
  const deadline = Date.now() + DEFAULT_TEMPLATE_BUDGET.maxMilliseconds;
  const out = new Map<string, RenderedValue>();
  const byKey = new Map(Object.entries(variables.values).map(([k, v]) => [k.toLowerCase(), v]));
  for (const name of names) {
    const value = byKey.get(name.toLowerCase());
    if (value === undefined || !value.includes('#{')) continue;
    try {
      const result = renderTemplate(value, variables.values, {
        sensitive: (_n, raw) => secrets.has(raw),
        budget: { deadline },
      });
      for (const derived of result.sensitiveValues ?? [])
        if (derived !== '' && !secrets.has(derived)) variables.sensitive.push(derived);
      out.set(
        name,
        result.error === undefined
          ? { output: result.output ?? '', missing: result.missing }
          : { missing: [], problem: `not a valid #{...} template: ${result.error}` },
      );
    } catch (e) {
      // A cycle (TEMPLATE_CYCLE) or the budget (TEMPLATE_TOO_EXPENSIVE): this value only.
      out.set(name, { missing: [], problem: isSlipwayError(e) ? e.message : messageOf(e) });
    }
  }
  // fromEntries defines own properties: a name such as __proto__ stays a name.
  return Object.fromEntries(out);
}
