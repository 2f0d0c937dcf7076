/**
 * The output protocol of "Run a script": service messages a script prints on stdout, one per line
 * (docs/steps.md, "Script output protocol"). Two spellings are understood:
 *
 * - Octopus-compatible, every attribute base64 (UTF-8):
 *   `##octopus[setVariable name='<b64>' value='<b64>' sensitive='<b64 of True|False>']`,
 *   `##octopus[resultMessage message='<b64>']` (the failure message; the exit code decides),
 *   `##octopus[stepFailed message='<b64>']` (fails the step whatever the exit code).
 *   A value that is not valid base64 is taken as written, as Octopus does.
 * - Slipway's plain form, attributes in double quotes with `\"`, `\\`, `\n`, `\r`, `\t` escapes:
 *   `##slipway[set-output name="N" value="V" sensitive]`, `##slipway[mask value="V"]`,
 *   `##slipway[fail message="M"]`.
 */

/** One understood message. */
export type ScriptMessage =
  | { kind: 'set-output'; name: string; value: string; sensitive: boolean }
  | { kind: 'mask'; value: string }
  /** `fails`: the step fails even if the script exits 0 (stepFailed / fail); else only the message is kept. */
  | { kind: 'fail'; message: string; fails: boolean }
  /** A line that starts like a message but cannot be read: the reason is logged as a warning. */
  | { kind: 'invalid'; reason: string };

const MESSAGE = /^##(octopus|slipway)\[([A-Za-z-]+)(.*)\]\s*$/s;

/** The message on a stdout line, or undefined for an ordinary line. */
export function parseScriptMessage(line: string): ScriptMessage | undefined {
  const m = MESSAGE.exec(line);
  if (!m) return undefined;
  const [, dialect, verb, rest] = m as unknown as [string, 'octopus' | 'slipway', string, string];
  const attrs = parseAttributes(rest, dialect === 'slipway');
  if (typeof attrs === 'string') return { kind: 'invalid', reason: `${verb}: ${attrs}` };
  return dialect === 'octopus' ? octopusMessage(verb, attrs) : slipwayMessage(verb, attrs);
}

function octopusMessage(verb: string, attrs: Map<string, string | true>): ScriptMessage | undefined {
  const get = (k: string) => {
    const v = attrs.get(k);
    return typeof v === 'string' ? decodeBase64(v) : undefined;
  };
  switch (verb) {
    case 'setVariable': {
      const name = get('name');
      if (!name) return { kind: 'invalid', reason: 'setVariable needs a name' };
      const raw = attrs.get('sensitive');
      const sensitive = raw === true || (raw !== undefined && get('sensitive')?.toLowerCase() === 'true');
      return { kind: 'set-output', name, value: get('value') ?? '', sensitive };
    }
    case 'resultMessage':
      return { kind: 'fail', message: get('message') ?? '', fails: false };
    case 'stepFailed':
      return { kind: 'fail', message: get('message') ?? 'the script reported a failure', fails: true };
    default:
      // Other Octopus messages (artifacts, progress) are not supported: the line is logged as is.
      return undefined;
  }
}

function slipwayMessage(verb: string, attrs: Map<string, string | true>): ScriptMessage {
  const get = (k: string) => {
    const v = attrs.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  switch (verb) {
    case 'set-output': {
      const name = get('name');
      if (!name) return { kind: 'invalid', reason: 'set-output needs name="..."' };
      const s = attrs.get('sensitive');
      return {
        kind: 'set-output',
        name,
        value: get('value') ?? '',
        sensitive: s === true || s === 'true' || s === 'True',
      };
    }
    case 'mask': {
      const value = get('value');
      if (value === undefined) return { kind: 'invalid', reason: 'mask needs value="..."' };
      return { kind: 'mask', value };
    }
    case 'fail':
      return { kind: 'fail', message: get('message') ?? 'the script reported a failure', fails: true };
    default:
      return { kind: 'invalid', reason: `unknown message (use set-output, mask or fail)` };
  }
}

/** `key='v' key="v" flag` → map; a string is the reason it cannot be read. */
function parseAttributes(text: string, escapes: boolean): Map<string, string | true> | string {
  const out = new Map<string, string | true>();
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) return out;
    const key = /^[A-Za-z][A-Za-z0-9_-]*/.exec(text.slice(i))?.[0];
    if (!key) return `unexpected "${text.slice(i, i + 10)}"`;
    i += key.length;
    if (text[i] !== '=') {
      out.set(key, true);
      continue;
    }
    i++;
    const quote = text[i];
    if (quote !== "'" && quote !== '"') return `the value of ${key} must be quoted`;
    i++;
    let value = '';
    for (;;) {
      if (i >= text.length) return `the value of ${key} has no closing quote`;
      const ch = text[i]!;
      if (ch === quote) break;
      if (escapes && ch === '\\' && i + 1 < text.length) {
        const next = text[i + 1]!;
        value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    i++;
    out.set(key, value);
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Base64 (UTF-8) decoded; a value that is not base64 is returned as written. */
export function decodeBase64(value: string): string {
  if (!BASE64.test(value)) return value;
  const bytes = Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return value;
  }
}

/** Base64 (UTF-8) of a string, as the helpers write it. */
export function encodeBase64(value: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(value)) binary += String.fromCharCode(b);
  return btoa(binary);
}
