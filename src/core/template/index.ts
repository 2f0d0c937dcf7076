/**
 * The `#{...}` template language (Octostache-compatible; see docs/template.md): renderTemplate and
 * its types. Parsing is in parser.ts, evaluation in evaluate.ts, the built-in filters in filters/.
 */
import { SlipwayError } from '../errors.js';
import { BudgetMeter, TemplateTooExpensiveError, type TemplateBudget } from './budget.js';
import { Evaluator, CycleFound } from './evaluate.js';
import { BUILTIN_FILTERS } from './filters/index.js';
import { FilterRefusal, type FilterDefinition, type TemplateFilter } from './filters/types.js';
import { parseTemplate } from './parser.js';
import { VariableIndex } from './vars.js';

export type { FilterBudget, FilterContext, TemplateFilter } from './filters/types.js';
export { FilterRefusal } from './filters/types.js';
export {
  DEFAULT_TEMPLATE_BUDGET,
  TemplateTooExpensiveError,
  type TemplateBudget,
  type TemplateBudgetName,
} from './budget.js';
export { TemplateRegexError } from './filters/regex.js';

/** Options of renderTemplate. */
export interface RenderOptions {
  /** Keep unparseable fragments as text and evaluate the rest (default false: return the template unchanged with an error). */
  lenient?: boolean;
  /** Custom filters by name (case-insensitive); they beat built-ins of the same name and work in nested evaluation. */
  filters?: Record<string, TemplateFilter>;
  /** The clock for NowDate and friends (default: the real time). */
  now?: () => Date;
  /** Limits on steps, text built, regex work and time (defaults: DEFAULT_TEMPLATE_BUDGET, clock Date.now). */
  budget?: TemplateBudget;
  /**
   * Whether a variable (its name as written in the set, its raw value) is sensitive (default: none
   * is). When given, the result lists in `sensitiveValues` every value computed from one.
   */
  sensitive?: (name: string, value: string) => boolean;
}

export interface RenderResult {
  /** The output, or null when the Null filter was applied. */
  output: string | null;
  /** Normalised text of every reference that could not be resolved, in order of appearance, without duplicates. */
  missing: string[];
  /** Set when the template did not parse (strict mode: output is the template unchanged). */
  error?: string;
  /**
   * Only with the `sensitive` option: each value substituted into the output (by a reference or a
   * calc, at any depth) that was computed from a sensitive variable, through filters, options,
   * indexes, JSON paths, loop items or other variables; the raw secrets themselves included. Mask
   * each of them like a secret. No duplicates.
   */
  sensitiveValues?: string[];
}

/** Thrown for a reference cycle; `code` is TEMPLATE_CYCLE and the message names the cycle (A → B → A). */
export class TemplateError extends SlipwayError {
  constructor(
    message: string,
    readonly cycle: string[],
  ) {
    super('TEMPLATE_CYCLE', message, { data: { cycle } });
    this.name = 'TemplateError';
  }
}

function filterLookup(custom: Record<string, TemplateFilter> | undefined) {
  const own = new Map<string, FilterDefinition>();
  for (const [name, apply] of Object.entries(custom ?? {})) {
    if (typeof apply === 'function') own.set(name.toLowerCase(), { apply });
  }
  return (name: string): FilterDefinition | undefined => {
    const lower = name.toLowerCase();
    const mine = own.get(lower);
    if (mine) return mine;
    // own properties only: a filter named "constructor" must not find Object.prototype's
    return Object.prototype.hasOwnProperty.call(BUILTIN_FILTERS, lower) ? BUILTIN_FILTERS[lower] : undefined;
  };
}

/**
 * Renders a template against variables (names case-insensitive). Strict by default: a template that
 * does not parse comes back unchanged with `error`. Throws TemplateError for cycles,
 * TemplateTooExpensiveError (TEMPLATE_TOO_EXPENSIVE) past a budget, and a FilterRefusal such as
 * TemplateRegexError when a filter's options can never work (a regex construct not supported).
 */
export function renderTemplate(
  template: string,
  variables: Record<string, string>,
  options: RenderOptions = {},
): RenderResult {
  const lenient = options.lenient === true;
  const parsed = parseTemplate(template, lenient);
  if (parsed.error !== undefined && (!lenient || parsed.nodes.length === 0)) {
    return { output: template, missing: [], error: parsed.error };
  }
  const now = options.now ?? (() => new Date());
  const meter = new BudgetMeter(options.budget);
  const evaluator = new Evaluator(
    new VariableIndex(variables),
    filterLookup(options.filters),
    { now, budget: meter },
    meter,
    options.sensitive,
  );
  let output: string;
  try {
    output = evaluator.render(parsed.nodes);
  } catch (e) {
    if (e instanceof CycleFound) {
      throw new TemplateError(
        `Variables refer to each other in a cycle: ${e.cycle.join(' → ')}. Change one of them so the chain ends.`,
        e.cycle,
      );
    }
    if (e instanceof TemplateTooExpensiveError || e instanceof FilterRefusal) throw e;
    // The stack exhausted by pathological nesting (or a string grown past what the runtime can hold):
    // the template is too expensive, which is not the same as not parsing.
    if (e instanceof RangeError) {
      throw /call stack/i.test(e.message)
        ? new TemplateTooExpensiveError('depth', undefined)
        : new TemplateTooExpensiveError('maxTextLength', meter.textLimit);
    }
    throw e;
  }
  const result: RenderResult = { output: evaluator.nulled ? null : output, missing: [...evaluator.missing] };
  if (parsed.error !== undefined) result.error = parsed.error;
  if (options.sensitive) result.sensitiveValues = [...evaluator.derived];
  return result;
}
