/**
 * The `#{...}` template language (Octostache-compatible; see docs/template.md): renderTemplate and
 * its types. Parsing is in parser.ts, evaluation in evaluate.ts, the built-in filters in filters/.
 */
import { SlipwayError } from '../errors.js';
import { Evaluator, CycleFound } from './evaluate.js';
import { BUILTIN_FILTERS } from './filters/index.js';
import type { FilterDefinition, TemplateFilter } from './filters/types.js';
import { parseTemplate } from './parser.js';
import { VariableIndex } from './vars.js';

export type { FilterContext, TemplateFilter } from './filters/types.js';

/** Options of renderTemplate. */
export interface RenderOptions {
  /** Keep unparseable fragments as text and evaluate the rest (default false: return the template unchanged with an error). */
  lenient?: boolean;
  /** Custom filters by name (case-insensitive); they beat built-ins of the same name and work in nested evaluation. */
  filters?: Record<string, TemplateFilter>;
  /** The clock for NowDate and friends (default: the real time). */
  now?: () => Date;
}

export interface RenderResult {
  /** The output, or null when the Null filter was applied. */
  output: string | null;
  /** Normalised text of every reference that could not be resolved, in order of appearance, without duplicates. */
  missing: string[];
  /** Set when the template did not parse (strict mode: output is the template unchanged). */
  error?: string;
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
 * does not parse comes back unchanged with `error`. Throws TemplateError only for cycles.
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
  const evaluator = new Evaluator(new VariableIndex(variables), filterLookup(options.filters), { now });
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
    // Never throw into the caller for anything else (e.g. a stack exhausted by pathological nesting).
    const message = e instanceof Error ? e.message : String(e);
    return { output: template, missing: [], error: `The template could not be evaluated: ${message}` };
  }
  const result: RenderResult = { output: evaluator.nulled ? null : output, missing: [...evaluator.missing] };
  if (parsed.error !== undefined) result.error = parsed.error;
  return result;
}
