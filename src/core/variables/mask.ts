/**
 * Masking sensitive values in any text: the only path by which text reaches a log, an event, an API
 * response or an error message (docs/variables.md, "Masking").
 *
 * Every secret longer than MIN_MASKED_LENGTH characters and each of its derived forms (mask-forms.ts:
 * JSON-escaped, URL-encoded, base64 including its alignment cores) is a pattern of one Aho–Corasick
 * automaton (mask-automaton.ts), so masking is one linear pass whatever the number of secrets.
 * Every character of every occurrence is masked; overlapping occurrences merge into one `********`,
 * so the longest match wins and no secret leaks in part.
 */
import { Automaton, newScanState, type ScanState } from './mask-automaton.js';
import { derivedForms } from './mask-forms.js';

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

/** Every pattern to mask for these secrets (deduplicated); exported for tests and the benchmark. */
export function maskPatterns(secrets: readonly string[]): string[] {
  const patterns = new Set<string>();
  for (const secret of new Set(secrets)) {
    // "Characters" as a reader counts them: code points, not UTF-16 units.
    let chars = 0;
    for (const _ of secret) if (++chars > MIN_MASKED_LENGTH) break;
    if (chars <= MIN_MASKED_LENGTH) continue;
    for (const form of derivedForms(secret)) patterns.add(form);
  }
  return [...patterns];
}

const IDENTITY: Masker = {
  mask: (text) => text,
  stream: () => ({ push: (chunk) => chunk, end: () => '' }),
};

/** Builds a masker for these secrets (values of MIN_MASKED_LENGTH characters or fewer are ignored). */
export function createMasker(secrets: readonly string[]): Masker {
  const patterns = maskPatterns(secrets);
  if (patterns.length === 0) return IDENTITY;
  const automaton = new Automaton(patterns);
  return {
    mask: (text) => maskWhole(automaton, text),
    stream: () => new Stream(automaton),
  };
}

function maskWhole(automaton: Automaton, text: string): string {
  const scan = newScanState();
  automaton.scan(scan, text, 0);
  if (scan.top === 0) return text;
  let out = '';
  let cursor = 0;
  for (let r = 0; r < scan.top; r++) {
    out += text.slice(cursor, scan.starts[r]) + MASK;
    cursor = scan.ends[r]!;
  }
  return out + text.slice(cursor);
}

/**
 * The stream runs the same scan as maskWhole over the chunks in turn, so it finds the same runs and
 * its output equals mask() of the whole input. It releases text up to the boundary before which no
 * future occurrence can start (the current position minus the automaton state's depth, which is
 * below the longest pattern's length), and writes a run's `********` as soon as the run's start is
 * settled, so a long run of secrets is never held back.
 */
class Stream implements StreamMasker {
  private readonly scan: ScanState = newScanState();
  /** Absolute position after the last code unit pushed. */
  private pos = 0;
  /** Input not yet accounted for in the output, from absolute position heldStart. */
  private held = '';
  private heldStart = 0;
  /** Output covers the input before this position (up to the first run's start if headMasked). */
  private emitted = 0;
  /** The first run's `********` is already out; it may still grow. */
  private headMasked = false;

  constructor(private readonly automaton: Automaton) {}

  push(chunk: string): string {
    if (chunk.length === 0) return '';
    const chunkStart = this.pos;
    this.automaton.scan(this.scan, chunk, chunkStart);
    this.pos += chunk.length;
    return this.release(chunk, chunkStart, Math.max(0, this.pos - this.automaton.pending(this.scan)));
  }

  end(): string {
    const out = this.release('', this.pos, this.pos);
    // Ready for reuse as a fresh stream.
    Object.assign(this.scan, newScanState());
    this.pos = this.heldStart = this.emitted = 0;
    this.held = '';
    return out;
  }

  /** Emits what lies before `boundary` (no occurrence can start before it any more). */
  private release(chunk: string, chunkStart: number, boundary: number): string {
    const { starts, ends } = this.scan;
    const { held, heldStart } = this;
    // The input between absolute positions a and b, read from the held text and the new chunk.
    const input = (a: number, b: number): string => {
      if (a >= b) return '';
      if (b <= chunkStart) return held.slice(a - heldStart, b - heldStart);
      if (a >= chunkStart) return chunk.slice(a - chunkStart, b - chunkStart);
      return held.slice(a - heldStart) + chunk.slice(0, b - chunkStart);
    };
    let out = '';
    let cursor = this.emitted;
    let r = 0;
    let open = false;
    for (; r < this.scan.top; r++) {
      const start = starts[r]!;
      const end = ends[r]!;
      // A run starting after the boundary may still be extended backwards by a longer occurrence.
      if (start > boundary) break;
      if (!(r === 0 && this.headMasked)) out += input(cursor, start) + MASK;
      if (end > boundary) {
        // Its start is settled but a later occurrence may still extend its end.
        cursor = start;
        open = true;
        break;
      }
      cursor = end;
      this.headMasked = false;
    }
    if (!open) {
      out += input(cursor, boundary);
      cursor = boundary;
    }
    this.headMasked = open;
    // Drop the runs released in full.
    if (r > 0) {
      const top = this.scan.top;
      for (let i = r; i < top; i++) {
        starts[i - r] = starts[i]!;
        ends[i - r] = ends[i]!;
      }
      this.scan.top = top - r;
    }
    this.emitted = cursor;
    // Keep only the input still needed: after the open run's current end, or from the cursor.
    const keep = open ? ends[0]! : cursor;
    this.held = input(keep, this.pos);
    this.heldStart = keep;
    return out;
  }
}
