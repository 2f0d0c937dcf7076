/**
 * The filter contract of the `#{...}` engine: built-in filters (filters/*.ts) and custom ones
 * registered by users share it.
 */

/** What a filter may ask of its surroundings. */
export interface FilterContext {
  /** The current time (NowDate, AddHours, ...); tests fix it. */
  now(): Date;
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
