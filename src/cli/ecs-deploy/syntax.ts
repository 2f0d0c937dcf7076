/**
 * Small text syntaxes that ecs-deploy flags take: the AWS CLI's shorthand for structures
 * (`--network-configuration`), and shell-like word splitting (`--command`). Errors are thrown as
 * plain messages; the caller wraps them in a SlipwayError naming the flag.
 */

export type ShorthandValue = string | ShorthandValue[] | { [key: string]: ShorthandValue };

/**
 * Parses the AWS CLI shorthand, e.g.
 * `awsvpcConfiguration={subnets=[subnet-1,subnet-2],securityGroups=[sg-1],assignPublicIp=ENABLED}`.
 * Values are strings, `[...]` lists and `{...}` structures; `"..."` or `'...'` quote a value with
 * separators in it. The top level is a structure without braces.
 */
export function parseShorthand(text: string): Record<string, ShorthandValue> {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${pos + 1} of "${text}"`);
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const scalar = (stops: string): string => {
    skipSpace();
    const quote = text[pos];
    if (quote === '"' || quote === "'") {
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) fail(`unclosed ${quote}`);
      const value = text.slice(pos + 1, end);
      pos = end + 1;
      skipSpace();
      return value;
    }
    const start = pos;
    while (pos < text.length && !stops.includes(text[pos]!)) pos++;
    return text.slice(start, pos).trim();
  };
  const value = (stops: string): ShorthandValue => {
    skipSpace();
    if (text[pos] === '{') {
      pos++;
      const obj = structure('}');
      if (text[pos] !== '}') fail('expected "}"');
      pos++;
      skipSpace();
      return obj;
    }
    if (text[pos] === '[') {
      pos++;
      const items: ShorthandValue[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return items;
      }
      for (;;) {
        items.push(value(',]'));
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          skipSpace();
          return items;
        }
        fail('expected "," or "]"');
      }
    }
    return scalar(stops);
  };
  const structure = (close: string): Record<string, ShorthandValue> => {
    const obj: Record<string, ShorthandValue> = {};
    skipSpace();
    if (text[pos] === close) return obj;
    for (;;) {
      const key = scalar(`=,${close}`);
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) fail(`expected a key name, got "${key}"`);
      if (text[pos] !== '=') fail(`expected "=" after "${key}"`);
      pos++;
      obj[key] = value(`,${close}`);
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      return obj;
    }
  };
  const result = structure('');
  if (pos < text.length) fail('unexpected text');
  return result;
}

/** Splits a command line into words as a POSIX shell would (quotes and backslashes; no expansion). */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in ${text}`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      let closed = false;
      for (i++; i < text.length; i++) {
        const d = text[i]!;
        if (d === '"') {
          closed = true;
          break;
        }
        // Inside double quotes a backslash escapes only these, as in sh.
        if (d === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) {
          word += text[++i]!;
        } else {
          word += d;
        }
      }
      if (!closed) throw new Error(`unclosed " in ${text}`);
    } else if (c === '\\') {
      if (i + 1 < text.length) word += text[++i]!;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
