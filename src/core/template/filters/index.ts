/** The built-in filters, by lower-case name (Octostache's set; see docs/template.md). */
import { CASE_FILTERS } from './case.js';
import { DATE_FILTERS } from './dates.js';
import { ENCODING_FILTERS } from './encoding.js';
import { FORMAT_FILTERS } from './format.js';
import { HASH_FILTERS } from './hashes.js';
import { MARKDOWN_FILTERS } from './markdown.js';
import { STRING_FILTERS } from './strings.js';
import type { FilterDefinition } from './types.js';
import { URI_FILTERS } from './uri.js';
import { VERSION_FILTERS } from './versions.js';

export const BUILTIN_FILTERS: Readonly<Record<string, FilterDefinition>> = Object.freeze({
  ...CASE_FILTERS,
  ...ENCODING_FILTERS,
  ...MARKDOWN_FILTERS,
  ...DATE_FILTERS,
  ...FORMAT_FILTERS,
  ...STRING_FILTERS,
  ...URI_FILTERS,
  ...VERSION_FILTERS,
  ...HASH_FILTERS,
});
