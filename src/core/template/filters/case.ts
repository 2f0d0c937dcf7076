/** ToLower / ToUpper. */
import type { FilterDefinition } from './types.js';
import { noOptions } from './util.js';

export const CASE_FILTERS: Record<string, FilterDefinition> = {
  tolower: noOptions((v) => v.toLowerCase()),
  toupper: noOptions((v) => v.toUpperCase()),
};
