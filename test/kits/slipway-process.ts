/**
 * Slipway run as users run it, for fault tests: `slipway ...` as a child process from the source
 * (tsx), its output kept for failure messages, killed by its own pid. Every process started here
 * is SIGKILLed by `killStartedProcesses()` (call it in `after`), so a failed test leaves none.
 * Never spawnSync: a sandbox living in the test process would stall.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../src/cli/bin.ts');

/** How long a server may take to print its URL (tsx compiles the sources first; CI machines are slow). */
const START_WAIT_MS = 90_000;

/** A `slipway` child process. */
export interface SlipwayProcess {
  name: string;
  pid: number;
  /** Everything it wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Its output as a block for failure messages (stderr, then the tail of stdout). */
  output(): string;
  /** Whether it is still running. */
  running(): boolean;
  /** Resolves when it ended: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGKILL) unless it already ended, then waits until it has. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves once stderr matches `pattern` (with the match); rejects when it ends first or after `timeoutMs`. */
  stderrMatches(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** A `slipway server` child process, listening. */
export interface ServerProcess extends SlipwayProcess {
  url: string;
}

const started: SlipwayProcess[] = [];

/** Starts `slipway <args>` with exactly `env`. */
export function spawnSlipway(name: string, args: readonly string[], env: NodeJS.ProcessEnv): SlipwayProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { env, stdio: 'pipe' });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    err += c;
    for (const l of listeners) l();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('close', (code, signal) => done({ code, signal })),
  );
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const l of listeners) l();
  });
  const proc: SlipwayProcess = {
    name,
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    output: () =>
      `--- ${name} (pid ${child.pid}) stderr ---\n${err.slice(-20_000)}\n` +
      `--- ${name} stdout (tail) ---\n${out.slice(-4_000)}`,
    running: () => !ended,
    exited,
    async kill(signal = 'SIGKILL') {
      if (!ended) child.kill(signal);
      await exited;
    },
    stderrMatches(pattern, timeoutMs = START_WAIT_MS) {
      return new Promise((ok, fail) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          fail(
            new Error(
              `${name} wrote nothing matching ${String(pattern)} within ${timeoutMs} ms\n${proc.output()}`,
            ),
          );
        }, timeoutMs);
        const check = () => {
          const m = pattern.exec(err);
          if (m || ended) {
            clearTimeout(timer);
            listeners.delete(check);
            if (m) ok(m);
            else fail(new Error(`${name} ended before writing ${String(pattern)}\n${proc.output()}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
  started.push(proc);
  return proc;
}

/** Starts `slipway server <args>` and waits until it prints the URL it listens on. */
export async function startServerProcess(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ServerProcess> {
  const proc = spawnSlipway(name, ['server', ...args], env);
  try {
    const [, url] = await proc.stderrMatches(/listening on (http:\/\/\S+)/);
    return { ...proc, url: url! };
  } catch (e) {
    await proc.kill();
    throw e;
  }
}

/** SIGKILLs every process started through this kit that still runs, and waits until they are gone. */
export async function killStartedProcesses(): Promise<void> {
  await Promise.all(started.splice(0).map((p) => p.kill()));
}

/**
 * The environment for Slipway processes: this process's, without AWS settings and DATABASE_URL
 * (so the machine's own never leak in), plus `extra`.
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('AWS_') && !k.startsWith('SLIPWAY_') && k !== 'DATABASE_URL',
    ),
  );
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}
