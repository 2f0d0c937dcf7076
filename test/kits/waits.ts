/**
 * Waiting in fault tests. A bound a promise states ("resumed within 60 s") is a generous wait limit
 * with a message that says what did not happen, never a timing assertion; the figure observed is
 * printed as `figure: <name> <value>` for docs/reliability.md.
 */

/** What to wait for and how long at most. */
export interface WaitOptions {
  /** Fail after this long (ms). Default 60 s. */
  timeoutMs?: number;
  /** Between probes (ms). Default 200. */
  intervalMs?: number;
  /** More text for the failure message (e.g. the servers' output). */
  context?: () => string;
}

/**
 * Probes until `probe` answers something other than undefined and answers it; throws
 * `Gave up waiting for <what> after N s` otherwise. A probe that throws is retried until the limit
 * (its last error is in the message).
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const got = await probe();
      if (got !== undefined) return got;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError === undefined ? '' : `\nLast probe error: ${String(lastError)}`;
      throw new Error(
        `Gave up waiting for ${what} after ${timeoutMs / 1000} s.${why}\n${options.context?.() ?? ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
}

/** Awaits `promise`, failing with `Gave up waiting for <what>` when it takes longer than `timeoutMs`. */
export async function within<T>(
  what: string,
  promise: Promise<T>,
  timeoutMs: number,
  context: () => string = () => '',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, fail) => {
    timer = setTimeout(
      () => fail(new Error(`Gave up waiting for ${what} after ${timeoutMs / 1000} s.\n${context()}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Prints `figure: <name> <value>` for docs/reliability.md. */
export function figure(name: string, value: string | number): void {
  console.log(`figure: ${name} ${value}`);
}

/** Milliseconds as seconds with one decimal, e.g. "12.3 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
