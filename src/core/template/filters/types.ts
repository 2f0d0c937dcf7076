/**
 * The filter contract of the `#{...}` engine: built-in filters (filters/*.ts) and custom ones
 * registered by users share it.
 */
import { SlipwayError, type ErrorCode } from '../../errors.js';

/**
 * Thrown by a filter whose options can never work here for a reason the user must hear (a regex
 * construct Slipway does not support): the evaluation ends with this error, instead of the reference
 * quietly counting as missing as it does for any other failure.
 */
export class FilterRefusal extends SlipwayError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly filter: string,
    data: Record<string, unknown> = {},
  ) {
    super(code, message, { data: { filter, ...data } });
    this.name = 'FilterRefusal';
  }
}

/** What a filter may ask of its surroundings. */
export interface FilterContext {
  /** The current time (NowDate, AddHours, ...); tests fix it. */
  now(): Date;
  /**
   * The evaluation's budget (docs/template.md, "Budgets"); absent when a filter is called on its own.
   * Filters whose work or output can grow far beyond their input charge it before doing the work.
   */
  budget?: FilterBudget;
}

/** What a filter may charge against the evaluation's budget; each throws TEMPLATE_TOO_EXPENSIVE past it. */
export interface FilterBudget {
  /** Charges regular-expression work: the compiled pattern's size times the characters searched. */
  regexWork(work: number): void;
  /** Throws when building `length` more characters of text would go over the text budget. */
  wouldBuild(length: number): void;
}

/**
 * A filter: returns the new value; `undefined` when it fails (wrong options, bad input), which makes
 * the whole reference "missing" (echoed); `null` for the Null filter (the whole evaluation returns null).
 * `value` is undefined when the name was missing (only `acceptsMissing` filters are then called).
 */
export type TemplateFilter = (
  value: string | undefined,
  options: string[],
  context: FilterContext,
) => string | null | undefined;

export interface FilterDefinition {
  apply: TemplateFilter;
  /** Called even when the name is missing (Append, Prepend, NowDate, NowDateUtc). Default false. */
  acceptsMissing?: boolean;
}
