/**
 * The forms in which a secret can reach a log besides itself: JSON-escaped, URL-encoded and
 * base64-encoded, each as the common producers write it. Every form becomes one more pattern of the
 * masker's automaton, so adding a form costs build time and memory, not scan time.
 */

/**
 * Shortest base64 "alignment core" we mask. A secret inside a longer base64 stream is encoded
 * differently depending on its byte offset mod 3; only the characters whose 6 bits all come from
 * the secret are stable. Cores of 6 characters (36 bits) are as specific as a 4–5 character secret;
 * shorter ones would match ordinary base64 by chance. Every secret of 5+ UTF-8 bytes has cores of
 * at least 6 at all three offsets; a 4-byte secret is masked only as its own base64 string.
 */
export const MIN_BASE64_CORE = 6;

/** Every distinct form of `secret` to mask, the secret itself first. */
export function derivedForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  for (const f of jsonForms(secret)) forms.add(f);
  for (const f of urlForms(secret)) forms.add(f);
  for (const f of base64Forms(secret)) forms.add(f);
  return [...forms];
}

// ---------------------------------------------------------------------------------------------
// JSON

const hex4 = (c: number, upper: boolean): string => {
  const h = c.toString(16).padStart(4, '0');
  return `\\u${upper ? h.toUpperCase() : h}`;
};
const escapeMatches = (s: string, re: RegExp, upper = false): string =>
  s.replace(re, (ch) => hex4(ch.charCodeAt(0), upper));

/**
 * JSON string bodies (without the quotes). JSON.stringify's form is the base; the others are the
 * defaults of widespread encoders whose output would otherwise slip through:
 * `\/` (PHP, some Java), non-ASCII as `\uxxxx` (Python's ensure_ascii, PHP), HTML-safe `\u003c`
 * (Go's encoding/json), System.Text.Json's default encoder (.NET: upper-case hex, also `"'+\``), and
 * JSON.stringify's form escaped once more (a JSON document logged inside a JSON string field).
 */
export function jsonForms(s: string): string[] {
  const js = JSON.stringify(s).slice(1, -1);
  const ascii = escapeMatches(js, /[\u007f-\uffff]/g);
  return [
    js,
    js.replaceAll('/', '\\/'),
    ascii,
    ascii.replaceAll('/', '\\/'),
    escapeMatches(js, /[<>&\u2028\u2029]/g),
    dotnetJson(s),
    JSON.stringify(js).slice(1, -1),
  ];
}

const SHORT_ESCAPES: Record<string, string> = {
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\\': '\\\\',
};

function dotnetJson(s: string): string {
  let out = '';
  for (const ch of s.split('')) {
    const c = ch.charCodeAt(0);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (c < 0x20 || c >= 0x7f || `"<>&'+\``.includes(ch)) out += hex4(c, true);
    else out += ch;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// URL encoding (percent-encoding of the UTF-8 bytes, upper-case hex as every common encoder writes)

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Characters left as they are by encodeURIComponent. */
const KEEP_URI_COMPONENT = `${ALNUM}-_.!~*'()`;
/** RFC 3986 unreserved: Python's quote(safe=''), AWS SigV4, most HTTP clients' strict mode. */
const KEEP_RFC3986 = `${ALNUM}-_.~`;
/** application/x-www-form-urlencoded as URLSearchParams and Java's URLEncoder write it. */
const KEEP_FORM = `${ALNUM}*-._`;

function percentEncode(s: string, keep: string, spaceAsPlus: boolean): string {
  let out = '';
  for (const b of utf8(s)) {
    const ch = String.fromCharCode(b);
    if (b < 0x80 && keep.includes(ch)) out += ch;
    else if (b === 0x20 && spaceAsPlus) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** encodeURIComponent (which this equals on well-formed strings), its `+`-for-space form, RFC 3986 and the form encoding. */
export function urlForms(s: string): string[] {
  return [
    percentEncode(s, KEEP_URI_COMPONENT, false),
    percentEncode(s, KEEP_URI_COMPONENT, true),
    percentEncode(s, KEEP_RFC3986, false),
    percentEncode(s, KEEP_RFC3986, true),
    percentEncode(s, KEEP_FORM, true),
  ];
}

// ---------------------------------------------------------------------------------------------
// base64

const B64 = `${ALNUM.slice(0, 52)}0123456789+/`;
const B64URL = `${ALNUM.slice(0, 52)}0123456789-_`;

/** UTF-8 bytes, with lone surrogates as U+FFFD (what TextEncoder and Buffer write). */
export function utf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    let c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/** Standard base64 with padding (alphabet as given). */
export function base64(bytes: readonly number[], alphabet: string = B64): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = bytes.length - i;
    const v = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet[(v >> 18) & 63]! + alphabet[(v >> 12) & 63]!;
    out += n > 1 ? alphabet[(v >> 6) & 63]! : '=';
    out += n > 2 ? alphabet[v & 63]! : '=';
  }
  return out;
}

/**
 * The characters of base64(prefix of `offset` bytes + secret + anything) that depend only on the
 * secret: character i covers bits [6i, 6i+6) and the secret occupies bits [8·offset, 8·(offset+n)).
 */
export function base64Core(bytes: readonly number[], offset: 0 | 1 | 2, alphabet: string = B64): string {
  const padded = [...new Array<number>(offset).fill(0), ...bytes, 0, 0];
  const all = base64(padded, alphabet);
  return all.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
}

/** The secret's own base64 (padded and not) and its alignment cores, in both alphabets. */
export function base64Forms(s: string): string[] {
  const bytes = utf8(s);
  const out: string[] = [];
  for (const alphabet of [B64, B64URL]) {
    const own = base64(bytes, alphabet);
    out.push(own, own.replace(/=+$/, ''));
    for (const offset of [0, 1, 2] as const) {
      const core = base64Core(bytes, offset, alphabet);
      if (core.length >= MIN_BASE64_CORE) out.push(core);
    }
  }
  return out;
}
