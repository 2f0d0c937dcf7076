/**
 * Which values of an evaluation were computed from sensitive variables (docs/variables.md, "Masking").
 * A stack of frames, one per value being computed (a substitution, a calc, a variable's own value):
 * reading a sensitive variable, or a variable whose value was computed from one, marks the innermost
 * frame, and a marked frame marks the frame around it when it ends. Frames whose marks must not
 * spread (a condition, a loop's collection) are discarded instead of ended.
 */
import type { VarEntry } from './vars.js';

export class Taint {
  private readonly frames: boolean[] = [];
  /** Lower-cased key → the variable is sensitive, or its value was computed from one. */
  private readonly known = new Map<string, boolean>();
  /** The raw values of the sensitive variables read (already secrets: substituting one derives nothing new). */
  readonly rawSecrets = new Set<string>();

  /** `isSensitive` undefined: no variable is sensitive and nothing is tracked. */
  constructor(private readonly isSensitive?: (name: string, value: string) => boolean) {}

  /** Opens a frame; returns its handle (-1 when nothing is tracked). */
  begin(): number {
    if (!this.isSensitive) return -1;
    this.frames.push(false);
    return this.frames.length - 1;
  }

  /** Closes a frame, passing its mark to the frame around it; true when it was marked. */
  end(frame: number): boolean {
    if (frame < 0) return false;
    const marked = this.frames[frame] === true;
    this.frames.length = frame;
    if (marked) this.read();
    return marked;
  }

  /** Closes a frame without passing its mark on; true when it was marked. */
  discard(frame: number): boolean {
    if (frame < 0) return false;
    const marked = this.frames[frame] === true;
    this.frames.length = frame;
    return marked;
  }

  /** Marks the innermost frame: something sensitive was read. */
  read(): void {
    if (this.frames.length > 0) this.frames[this.frames.length - 1] = true;
  }

  /** A variable was read: marks the frame when it is sensitive or known to be computed from a secret. */
  readVariable(key: string, entry: VarEntry): void {
    if (!this.isSensitive || this.frames.length === 0) return;
    let secret = this.known.get(key);
    if (secret === undefined) {
      secret = this.isSensitive(entry.name, entry.value);
      this.known.set(key, secret);
      if (secret) this.rawSecrets.add(entry.value);
    }
    if (secret) this.read();
  }

  /** Records that a variable's value was computed from a secret (later reads of it are marked). */
  derivedVariable(key: string): void {
    this.known.set(key, true);
  }
}
