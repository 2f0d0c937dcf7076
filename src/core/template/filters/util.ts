/** Small helpers shared by the built-in filters. */
import type { FilterDefinition, TemplateFilter } from './types.js';

/** A filter that takes no options and fails (undefined) when given any. */
export function noOptions(transform: (value: string) => string | undefined): FilterDefinition {
  return {
    apply: (value, options) => (value === undefined || options.length > 0 ? undefined : transform(value)),
  };
}

/** A filter that needs a value (not called on missing names by the engine, but guarded anyway). */
export function withValue(
  apply: (value: string, options: string[], context: Parameters<TemplateFilter>[2]) => string | undefined,
): FilterDefinition {
  return {
    apply: (value, options, context) => (value === undefined ? undefined : apply(value, options, context)),
  };
}

const INT = /^\s*([+-]?)(\d+)\s*$/;

/** Parses an integer as .NET's int.TryParse does (whitespace, sign, Int32 range); undefined otherwise. */
export function parseInt32(text: string): number | undefined {
  const m = INT.exec(text);
  if (!m) return undefined;
  const n = Number(`${m[1]}${m[2]}`);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** A non-negative Int32 option, or undefined. */
export function parseCount(text: string): number | undefined {
  const n = parseInt32(text);
  return n === undefined || n < 0 ? undefined : n;
}
