/**
 * The sandbox's clock. Sandbox time runs `scale` times faster than the wall clock and can be
 * moved forward on demand, so a 10-minute rollout can be watched in seconds and a 1-hour
 * credential can expire in a test. Every timestamp the sandbox returns is sandbox time, and every
 * duration it simulates is measured on this clock.
 */

/** The latest time the sandbox clock may be moved to: the last moment of the year 9999. */
export const MAX_SANDBOX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A handle to cancel a scheduled callback. */
export interface TimerHandle {
  cancel(): void;
}

export class SandboxClock {
  private baseSandbox: number;
  private baseReal: number;
  private scale: number;
  private heap: Timer[] = [];
  private seq = 0;
  private realTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Called after timers ran (the sandbox uses it to persist state). */
  onTick: () => void = () => {};

  /** `scale` defaults to 1 (real time); `start` to the wall clock. */
  constructor(scale = 1, start: number = Date.now()) {
    if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`time scale must be > 0, got ${scale}`);
    this.scale = scale;
    this.baseSandbox = start;
    this.baseReal = performance.now();
  }

  /** Sandbox time in epoch milliseconds. */
  now(): number {
    return this.baseSandbox + (performance.now() - this.baseReal) * this.scale;
  }

  /** Sandbox seconds per wall-clock second. */
  get timeScale(): number {
    return this.scale;
  }

  /** Changes the speed from now on, keeping the current sandbox time. */
  setTimeScale(scale: number): void {
    if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`time scale must be > 0, got ${scale}`);
    this.rebase();
    this.scale = scale;
    this.arm();
  }

  /** Jumps sandbox time forward by `ms`, running every timer that falls due. */
  advance(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) {
      throw new RangeError(`can only advance by a finite, non-negative amount, got ${ms}`);
    }
    this.rebase();
    this.baseSandbox += ms;
    this.runDue();
  }

  /** Runs `fn` when sandbox time reaches `at` (epoch ms). */
  at(at: number, fn: () => void): TimerHandle {
    const t: Timer = { at, seq: this.seq++, fn, cancelled: false };
    this.push(t);
    if (this.heap[0] === t) this.arm();
    return {
      cancel: () => {
        t.cancelled = true;
      },
    };
  }

  /** Runs `fn` after `ms` of sandbox time. */
  after(ms: number, fn: () => void): TimerHandle {
    return this.at(this.now() + ms, fn);
  }

  /** Stops all timers; the clock still tells the time. */
  stop(): void {
    this.stopped = true;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    this.heap = [];
  }

  private rebase(): void {
    this.baseSandbox = this.now();
    this.baseReal = performance.now();
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    const next = this.heap[0];
    if (!next) return;
    const delay = Math.max(0, (next.at - this.now()) / this.scale);
    // Timers are capped so a huge delay never overflows setTimeout's 32-bit range.
    this.realTimer = setTimeout(() => this.runDue(), Math.min(Math.ceil(delay), 2 ** 30));
    this.realTimer.unref();
  }

  private runDue(): void {
    if (this.stopped) return;
    const now = this.now();
    let ran = false;
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const t = this.pop()!;
      if (t.cancelled) continue;
      ran = true;
      t.fn();
    }
    if (ran) this.onTick();
    this.arm();
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
