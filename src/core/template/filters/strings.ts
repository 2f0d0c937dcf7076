/** Text filters: Match, StartsWith, EndsWith, Contains, Replace, Substring, Truncate, Trim, Indent, Append, Prepend, Null. */
import { dotNetMatch, dotNetReplace } from './regex.js';
import type { FilterContext, FilterDefinition } from './types.js';
import { parseCount, withValue } from './util.js';

function test(predicate: (value: string, option: string) => boolean | undefined): FilterDefinition {
  return withValue((value, options) => {
    if (options.length !== 1) return undefined;
    const result = predicate(value, options[0]!);
    return result === undefined ? undefined : String(result);
  });
}

function substring(value: string, options: string[]): string | undefined {
  if (options.length === 0 || options.length > 2) return undefined;
  const numbers = options.map(parseCount);
  if (numbers.some((n) => n === undefined)) return undefined;
  const [start, length] = numbers.length === 1 ? [0, numbers[0]!] : [numbers[0]!, numbers[1]!];
  // As Octostache: a start past the end fails; a length past the end takes what remains.
  if (start > value.length) return undefined;
  return value.substring(start, Math.min(value.length, start + length));
}

function truncate(value: string, options: string[]): string | undefined {
  if (options.length === 0 || options.length > 2) return undefined;
  const length = parseCount(options[0]!);
  if (length === undefined) return undefined;
  return length < value.length ? value.substring(0, length) + (options[1] ?? '...') : value;
}

function trim(value: string, options: string[]): string | undefined {
  if (options.length === 0) return value.trim();
  if (options.length > 1) return undefined;
  const side = options[0]!.toLowerCase();
  return side === 'start' ? value.trimStart() : side === 'end' ? value.trimEnd() : undefined;
}

const SIZES = /^(?:(\d{1,3})?(\/))?(\d{1,3})$/;

/** The initial and subsequent indents from Indent's options (Octostache's rules), or undefined. */
export function indentOf(options: string[]): [string, string] | undefined {
  if (options.length === 0) return ['    ', '    '];
  if (options.length === 2) return [options[0]!, options[1]!];
  if (options.length > 2) return undefined;
  const option = options[0]!;
  const m = SIZES.exec(option);
  // Sizes are .NET bytes (≤ 255); anything else is a literal indent string.
  const spaces = (text: string | undefined) =>
    text === undefined || Number(text) > 255 ? undefined : ' '.repeat(Number(text));
  if (m) {
    const subsequent = spaces(m[3]);
    const initial = m[2] === undefined ? subsequent : m[1] === undefined ? '' : spaces(m[1]);
    if (initial !== undefined && subsequent !== undefined) return [initial, subsequent];
  }
  return [option, option];
}

function indent(value: string, options: string[], context: FilterContext): string | undefined {
  if (value === '') return '';
  const indents = indentOf(options);
  if (!indents) return undefined;
  // A long literal indent on many lines multiplies the text: check before building it.
  let lines = 1;
  for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) lines++;
  context.budget?.wouldBuild(value.length + indents[0].length + (lines - 1) * indents[1].length);
  return indents[0] + value.split('\n').join(`\n${indents[1]}`);
}

function affix(where: 'append' | 'prepend'): FilterDefinition {
  return {
    acceptsMissing: true,
    apply: (value, options) => {
      if (options.length === 0) return undefined;
      const text = options.join('');
      return value === undefined ? text : where === 'append' ? value + text : text + value;
    },
  };
}

export const STRING_FILTERS: Record<string, FilterDefinition> = {
  match: withValue((value, options, context) => {
    if (options.length !== 1) return undefined;
    const result = dotNetMatch(value, options[0]!, context.budget);
    return result === undefined ? undefined : String(result);
  }),
  startswith: test((value, prefix) => value.startsWith(prefix)),
  endswith: test((value, suffix) => value.endsWith(suffix)),
  contains: test((value, part) => value.includes(part)),
  replace: withValue((value, options, context) =>
    options.length === 0 || options.length > 2
      ? undefined
      : dotNetReplace(value, options[0]!, options[1] ?? '', context.budget),
  ),
  substring: withValue(substring),
  truncate: withValue(truncate),
  trim: withValue(trim),
  indent: withValue(indent),
  append: affix('append'),
  prepend: affix('prepend'),
  null: { apply: (_value, options) => (options.length === 0 ? null : undefined) },
};
