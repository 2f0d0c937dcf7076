/**
 * The `#{...}` template language (Octostache-compatible; see docs/template.md). CONTRACT STUB:
 * signatures fixed, bodies being written (issue 4).
 */
import { SlipwayError } from '../errors.js';
import type { TemplateFilter } from './filters/types.js';

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

/** Renders a template against variables (names case-insensitive). Throws TemplateError only for cycles. */
export function renderTemplate(
  _template: string,
  _variables: Record<string, string>,
  _options: RenderOptions = {},
): RenderResult {
  throw new SlipwayError('NOT_IMPLEMENTED', 'renderTemplate is being written');
}
