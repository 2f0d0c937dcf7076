/**
 * Masking sensitive values in any text: the only path by which text reaches a log, an event, an API
 * response or an error message. CONTRACT STUB: signatures fixed, bodies being written (issue 4).
 */
import { SlipwayError } from '../errors.js';

/** What replaces a secret. */
export const MASK = '********';
/** Values this short or shorter are not masked (they would mask half the log). */
export const MIN_MASKED_LENGTH = 3;

export interface Masker {
  /** Masks every secret (and its JSON-escaped, URL-encoded and base64 forms) in a whole text. */
  mask(text: string): string;
  /** A stream masker: feed chunks in order; secrets split across chunks are still masked. */
  stream(): StreamMasker;
}

export interface StreamMasker {
  /** Takes the next chunk; returns the text that is safe to emit now (it may hold back a tail). */
  push(chunk: string): string;
  /** Ends the stream; returns what was held back, masked. */
  end(): string;
}

/** Builds a masker for these secrets (values of MIN_MASKED_LENGTH characters or fewer are ignored). */
export function createMasker(_secrets: readonly string[]): Masker {
  throw new SlipwayError('NOT_IMPLEMENTED', 'createMasker is being written');
}
