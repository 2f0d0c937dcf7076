/** The built-in filters, by lower-case name. CONTRACT STUB: being written (issue 4). */
import type { FilterDefinition } from './types.js';

export const BUILTIN_FILTERS: Readonly<Record<string, FilterDefinition>> = {};
