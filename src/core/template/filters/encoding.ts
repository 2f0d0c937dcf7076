/** Base64 and the escaping filters (HTML, XML, JSON, URI, YAML, Java properties), as Octostache escapes. */
import { decodeText, encodeText, encodingOf, fromBase64, toBase64 } from './bytes.js';
import type { FilterDefinition } from './types.js';
import { noOptions, withValue } from './util.js';

function mapChars(value: string, map: (ch: string, index: number) => string | undefined): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    out += map(ch, i) ?? ch;
  }
  return out;
}

const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '/': '&#x2F;',
};
const XML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// Octostache escapes only these for JSON; we also escape the other control characters so the result is valid JSON.
const JSON_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function u4(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Escapes text for use inside a JSON string literal (without the quotes). */
export function jsonEscape(value: string): string {
  return mapChars(value, (ch) => JSON_ESCAPES[ch] ?? (ch < ' ' ? u4(ch) : undefined));
}

/** Escapes for a YAML single-quoted scalar: quotes doubled; each run of line breaks gets one more, since YAML folds one. */
export function yamlSingleQuoteEscape(value: string): string {
  return value
    .replace(/(?:\r?\n)+/g, (run) => (run.startsWith('\r') ? '\r\n' : '\n') + run)
    .replace(/'/g, "''");
}

const YAML_DOUBLE: Record<string, string> = {
  '\r': '\\r',
  '\n': '\\n',
  '\t': '\\t',
  '\\': '\\\\',
  '"': '\\"',
};

/** Escapes for a YAML double-quoted scalar; anything outside printable ASCII becomes \uXXXX. */
export function yamlDoubleQuoteEscape(value: string): string {
  return mapChars(value, (ch) => YAML_DOUBLE[ch] ?? (ch >= ' ' && ch <= '~' ? ch : u4(ch)));
}

const PROPERTIES: Record<string, string> = { '\\': '\\\\', '\r': '\\r', '\n': '\\n', '\t': '\\t' };

function propertiesChar(ch: string): string {
  // Java reads .properties as ISO-8859-1: anything beyond it is written as \uXXXX.
  return PROPERTIES[ch] ?? (ch.charCodeAt(0) < 0xff ? ch : u4(ch));
}

/** Escapes a Java .properties key: also space, ':' and '='. */
export function propertiesKeyEscape(value: string): string {
  return mapChars(value, (ch) => (ch === ' ' || ch === ':' || ch === '=' ? `\\${ch}` : propertiesChar(ch)));
}

/** Escapes a Java .properties value: a leading space is escaped so it is kept. */
export function propertiesValueEscape(value: string): string {
  return mapChars(value, (ch, i) => (ch === ' ' && i === 0 ? '\\ ' : propertiesChar(ch)));
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const RESERVED = /[:/?#[\]@!$&'()*+,;=]/;

function percentEncode(value: string, keep: (ch: string) => boolean): string {
  let out = '';
  for (const ch of value) {
    if (keep(ch)) {
      out += ch;
      continue;
    }
    for (const b of encodeText(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** .NET's Uri.EscapeUriString: keeps RFC 3986 reserved and unreserved characters. */
export function uriEscape(value: string): string {
  return percentEncode(value, (ch) => UNRESERVED.test(ch) || RESERVED.test(ch));
}

/** .NET's Uri.EscapeDataString: keeps only unreserved characters. */
export function uriDataEscape(value: string): string {
  return percentEncode(value, (ch) => UNRESERVED.test(ch));
}

export const ENCODING_FILTERS: Record<string, FilterDefinition> = {
  tobase64: withValue((value, options) => {
    const encoding = options.length > 1 ? undefined : encodingOf(options[0]);
    return encoding && toBase64(encodeText(value, encoding));
  }),
  frombase64: withValue((value, options) => {
    const encoding = options.length > 1 ? undefined : encodingOf(options[0]);
    const bytes = encoding && fromBase64(value);
    return encoding && bytes && decodeText(bytes, encoding);
  }),
  htmlescape: noOptions((v) => mapChars(v, (ch) => HTML[ch])),
  xmlescape: noOptions((v) => mapChars(v, (ch) => XML[ch])),
  jsonescape: noOptions(jsonEscape),
  uriescape: noOptions(uriEscape),
  uridataescape: noOptions(uriDataEscape),
  yamlsinglequoteescape: noOptions(yamlSingleQuoteEscape),
  yamldoublequoteescape: noOptions(yamlDoubleQuoteEscape),
  propertieskeyescape: noOptions(propertiesKeyEscape),
  propertiesvalueescape: noOptions(propertiesValueEscape),
};
