/** Text ↔ bytes (UTF-8, UTF-16LE) and base64, with globals only (core/ stays free of node: imports). */

/** The encodings the filters accept by name: utf8 (default) and unicode (.NET's name for UTF-16LE). */
export type TextEncodingName = 'utf8' | 'unicode';

/** Maps an option to an encoding name (case-insensitive; utf8, utf-8, unicode), or undefined. */
export function encodingOf(option: string | undefined): TextEncodingName | undefined {
  if (option === undefined) return 'utf8';
  const o = option.toLowerCase();
  if (o === 'utf8' || o === 'utf-8') return 'utf8';
  if (o === 'unicode') return 'unicode';
  return undefined;
}

const utf8Encoder = new TextEncoder();

/** Encodes text; lone surrogates become U+FFFD in UTF-8, as in .NET. */
export function encodeText(text: string, encoding: TextEncodingName): Uint8Array {
  if (encoding === 'utf8') return utf8Encoder.encode(text);
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >> 8;
  }
  return out;
}

/** Decodes bytes; invalid sequences become U+FFFD (and an odd trailing byte too), as .NET's decoders do. */
export function decodeText(bytes: Uint8Array, encoding: TextEncodingName): string {
  return new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'utf-16le').decode(bytes);
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunked so String.fromCharCode's argument list stays small for large values.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes base64 as .NET's Convert.FromBase64String: whitespace ignored, padding required; undefined if invalid. */
export function fromBase64(text: string): Uint8Array | undefined {
  const s = text.replace(/[ \t\r\n]/g, '');
  if (s.length % 4 !== 0 || !BASE64.test(s)) return undefined;
  let binary: string;
  try {
    binary = atob(s);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
