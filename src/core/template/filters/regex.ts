/**
 * User regexes (.NET syntax) for Match and Replace: translated to JavaScript where the two differ, and
 * refused when obviously catastrophic, since a template must not hang the server.
 */

/** Why a pattern is refused, or undefined: a group repeated without bound whose body ends in an unbounded repeat. */
export function catastrophic(pattern: string): string | undefined {
  const starts: number[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') starts.push(i);
    else if (ch === ')') {
      const start = starts.pop();
      if (start === undefined) continue;
      if (!/^(?:[*+]|\{\d+,\})/.test(pattern.slice(i + 1))) continue;
      // Drop optional trailing atoms (x?, \s?), which can match empty and so don't separate the repeats.
      const body = pattern
        .slice(start + 1, i)
        .replace(/^\?(?::|<[A-Za-z_]\w*>|'[A-Za-z_]\w*')/, '')
        .replace(/(?:\\.|[^\\])\?$/, '');
      const endsUnbounded =
        /(?:[*+]|\{\d+,\})\??$/.test(body) && !/\\$/.test(body.replace(/(?:[*+]|\{\d+,\})\??$/, ''));
      // A body that starts with a plain literal ("-[a-z]+") separates its repeats: the common, safe shape.
      const startsWithLiteral =
        !body.includes('|') && /^(?:[^\\[(.|*+?{]|\\[^dDwWsSbB\d])(?![*+?{])/.test(body);
      if (endsUnbounded && !startsWithLiteral) return `nested unbounded repetition at ${start}`;
    }
  }
  return undefined;
}

const FLAG_GROUP = /^\(\?([imnsx]+)\)/;

/** Compiles a .NET pattern as a JavaScript RegExp (adding `extraFlags`), or undefined when invalid or refused. */
export function compileDotNetRegex(pattern: string, extraFlags = ''): RegExp | undefined {
  if (catastrophic(pattern) !== undefined) return undefined;
  let source = pattern;
  let flags = extraFlags;
  const inline = FLAG_GROUP.exec(source);
  if (inline) {
    const f = inline[1]!;
    if (f.includes('x') || f.includes('n')) return undefined;
    for (const c of f) if (!flags.includes(c)) flags += c;
    source = source.slice(inline[0].length);
  }
  // .NET anchors JavaScript lacks: \A start, \z end, \Z end or before a final newline.
  source = source.replace(/\\\\|\\A|\\z|\\Z/g, (m) =>
    m === '\\A' ? '(?<![\\s\\S])' : m === '\\z' ? '(?![\\s\\S])' : m === '\\Z' ? '(?=\\n?(?![\\s\\S]))' : m,
  );
  // .NET's (?'name'...) named groups.
  source = source.replace(/\(\?'([A-Za-z_]\w*)'/g, '(?<$1>');
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

type Part = string | { group: number | string } | { special: '&' | '`' | "'" | '+' | '_' };

/** Parses a .NET replacement string: $1, ${name}, $$, $&, $`, $', $+, $_. */
function parseReplacement(replacement: string, groupCount: number, names: Set<string>): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i]!;
    if (ch !== '$' || i + 1 >= replacement.length) {
      text += ch;
      continue;
    }
    const rest = replacement.slice(i + 1);
    let part: Part | undefined;
    let used = 0;
    const braced = /^\{(\w+)\}/.exec(rest);
    const digits = /^\d+/.exec(rest);
    if (braced) {
      const name = braced[1]!;
      const n = /^\d+$/.test(name) ? Number(name) : undefined;
      if ((n !== undefined && n <= groupCount) || names.has(name)) {
        part = { group: n ?? name };
        used = braced[0].length;
      }
    } else if (digits) {
      // The longest prefix of the digits that names an existing group, as .NET does.
      for (let len = digits[0].length; len > 0 && part === undefined; len--) {
        const n = Number(digits[0].slice(0, len));
        if (n <= groupCount) {
          part = { group: n };
          used = len;
        }
      }
    } else if (rest[0] === '$') {
      text += '$';
      i++;
      continue;
    } else if (rest[0] === '&' || rest[0] === '`' || rest[0] === "'" || rest[0] === '+' || rest[0] === '_') {
      part = { special: rest[0] };
      used = 1;
    }
    if (part === undefined) {
      text += ch;
      continue;
    }
    if (text) parts.push(text);
    text = '';
    parts.push(part);
    i += used;
  }
  if (text) parts.push(text);
  return parts;
}

/** Regex.Replace with .NET replacement syntax; undefined when the pattern is invalid or refused. */
export function dotNetReplace(input: string, pattern: string, replacement: string): string | undefined {
  const regex = compileDotNetRegex(pattern, 'g');
  if (!regex) return undefined;
  const groupCount = new RegExp(`${regex.source}|`).exec('')!.length - 1;
  const names = new Set(Object.keys(new RegExp(`${regex.source}|`).exec('')?.groups ?? {}));
  const parts = parseReplacement(replacement, groupCount, names);
  return input.replace(regex, (...args: unknown[]) => {
    const match = args[0] as string;
    const groups = args.slice(1, groupCount + 1) as (string | undefined)[];
    const offset = args[groupCount + 1] as number;
    const named = (args[groupCount + 3] ?? {}) as Record<string, string | undefined>;
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else if ('group' in part) {
        out +=
          typeof part.group === 'number'
            ? part.group === 0
              ? match
              : (groups[part.group - 1] ?? '')
            : (named[part.group] ?? '');
      } else if (part.special === '&') out += match;
      else if (part.special === '`') out += input.slice(0, offset);
      else if (part.special === "'") out += input.slice(offset + match.length);
      else if (part.special === '_') out += input;
      else out += groupCount > 0 ? (groups[groupCount - 1] ?? '') : match;
    }
    return out;
  });
}
