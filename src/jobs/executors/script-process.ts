/**
 * Running one script as a process: a new private temporary directory, the variables in a file,
 * the helper functions preloaded, a clean environment, the OS identity script-isolation.ts chose,
 * its own process group (cancel reaches everything it started), and the line protocol on stdout
 * (script-messages.ts). One implementation for both places scripts run: the server's "Run a
 * script" executor and `slipway worker`; each gives a sink for what the script does.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { messageOf } from '../../core/errors.js';
import { createMasker } from '../../core/variables/mask.js';
import type { ScriptSyntax } from '../../core/workers/protocol.js';
import type { StepResult } from '../executor.js';
import { BASH_HELPERS, NODE_HELPERS, PYTHON_HELPERS } from './script-preambles.js';
import { encodeBase64, parseScriptMessage } from './script-messages.js';
import {
  handOver,
  isolatedCommand,
  nodeBinary,
  scriptDirPrefix,
  type ScriptIsolation,
} from './script-isolation.js';
import { awsEndpointWrapper, checkScriptTools } from './script-tools.js';

/** After SIGTERM on cancel, the process group gets SIGKILL this much later. */
export const KILL_GRACE_MS = 5000;
/** How many of the last output lines a failure message quotes. */
const TAIL_LINES = 10;
/** Variables of the host's own environment a script inherits (nothing else: no secrets of the host leak). */
const INHERITED_ENV = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'USER', 'LOGNAME', 'SHELL'];

/** What to run. */
export interface ScriptSpec {
  syntax: ScriptSyntax;
  script: string;
  /** The step's variables (name → value), readable through the helpers and SLIPWAY_VARIABLES_FILE. */
  variables: Record<string, string>;
  /** Values to mask in the failure message (the sink masks its own lines). */
  sensitive: readonly string[];
  /** Extra environment (the target's AWS credentials; a worker's name and pool). */
  env: Record<string, string>;
}

/** Where what the script does goes, in order. */
export interface ScriptSink {
  /** A line for the log: stdout is info, stderr a warning, Slipway's own notes verbose. */
  line(level: 'verbose' | 'info' | 'warning', text: string): void;
  /** An output variable the script set. */
  output(name: string, value: string, sensitive: boolean): void;
  /** A value to mask from now on. */
  mask(value: string): void;
}

/** How to run it. */
export interface ScriptProcessOptions {
  isolation: ScriptIsolation;
  /** Where the private directory is made. */
  root: string;
  /** Aborting stops the script (SIGTERM to its group, SIGKILL 5 s later); a string reason says why. */
  signal: AbortSignal;
  /** The flag that lets scripts run as this process's own user, for the log (e.g. `--scripts-as-server-user`). */
  ownUserFlag: string;
  /** Whose own user that is, for the log (e.g. `the server`). */
  host: string;
}

/** Why the script is being stopped, from the abort's reason (`Canceled` unless it says otherwise). */
function abortWhy(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'Canceled';
}

/** Runs `spec` and reports what it does to `sink`; never throws for the script's own failure. */
export async function runScriptProcess(
  spec: ScriptSpec,
  sink: ScriptSink,
  options: ScriptProcessOptions,
): Promise<StepResult> {
  const { isolation } = options;
  if (isolation.mode === 'refused') return { outcome: 'failed', error: isolation.reason };
  // Before anything starts: a missing interpreter or AWS CLI, with what to install.
  const runAs =
    isolation.mode === 'user' ? `the script user "${isolation.user}"` : `${options.host}'s own user`;
  const missing = checkScriptTools(spec, isolation.tools, { host: options.host, runAs });
  if (missing !== undefined) return { outcome: 'failed', error: missing };
  const dir = await mkdtemp(join(options.root, scriptDirPrefix()));
  try {
    const env: Record<string, string> = {};
    for (const k of INHERITED_ENV) {
      const v = process.env[k];
      if (v !== undefined) env[k] = v;
    }
    if (isolation.mode === 'user') env['USER'] = env['LOGNAME'] = isolation.user;
    // The PATH the tools were looked for on (less what the script user cannot enter, such as a
    // pyenv under /root), so the script finds what the check found.
    if (isolation.tools) env['PATH'] = isolation.tools.path;
    // A private home: the host's own ~/.aws and other files stay out of reach.
    env['HOME'] = dir;
    env['TMPDIR'] = dir;
    Object.assign(env, spec.env);
    // Every file the script may read, handed over to the script user with its directory.
    const files: string[] = [];
    const put = async (name: string, text: string) => {
      const path = join(dir, name);
      await writeFile(path, text, { mode: 0o600 });
      files.push(path);
      return path;
    };
    env['SLIPWAY_VARIABLES_FILE'] = await put('variables.json', JSON.stringify(spec.variables));
    const wrapper = awsEndpointWrapper(isolation.tools?.aws, env);
    if (wrapper !== undefined) {
      const bin = join(dir, 'bin');
      await mkdir(bin, { mode: 0o700 });
      files.push(bin);
      await chmod(await put('bin/aws', wrapper), 0o700);
      env['PATH'] = `${bin}:${env['PATH'] ?? ''}`;
    }

    let command: string;
    let args: string[];
    if (spec.syntax === 'bash') {
      const lines = Object.entries(spec.variables).map(([k, v]) => `${encodeBase64(k)} ${encodeBase64(v)}\n`);
      env['SLIPWAY_VARIABLES_B64_FILE'] = await put('variables.b64', lines.join(''));
      env['BASH_ENV'] = await put('helpers.sh', BASH_HELPERS);
      command = 'bash';
      args = [await put('script.sh', spec.script)];
    } else if (spec.syntax === 'python') {
      command = isolation.tools?.python3?.path ?? 'python3';
      env['PYTHONIOENCODING'] = 'utf-8';
      // Unbuffered: lines reach the log as they are printed, in order with stderr's.
      args = ['-u', await put('helpers.py', PYTHON_HELPERS), await put('script.py', spec.script)];
    } else {
      try {
        command = nodeBinary(isolation);
      } catch (e) {
        return { outcome: 'failed', error: messageOf(e) };
      }
      const helpers = await put('helpers.mjs', NODE_HELPERS);
      args = ['--import', pathToFileURL(helpers).href, await put('script.mjs', spec.script)];
    }
    await handOver(isolation, dir, files);
    const isolated = isolatedCommand(isolation, command, args);
    sink.line(
      'verbose',
      isolation.mode === 'user'
        ? `Running as the OS user ${isolation.user}${isolation.pidNamespace ? ' in its own PID namespace' : ''}`
        : `Running as ${options.host}'s own OS user (${options.ownUserFlag})`,
    );
    return await execute(spec, sink, options.signal, isolated.command, isolated.args, env, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function execute(
  spec: ScriptSpec,
  sink: ScriptSink,
  signal: AbortSignal,
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<StepResult> {
  if (signal.aborted) return { outcome: 'failed', error: `${abortWhy(signal)} before the script started.` };
  sink.line('verbose', `Running ${spec.syntax} script`);
  const secrets = [...spec.sensitive];
  // Its own process group, so that cancel reaches everything the script started.
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  let failMessage: string | undefined;
  let failedByMessage = false;

  const killGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // Already gone.
    }
  };
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    sink.line('warning', `${abortWhy(signal)}: stopping the script (SIGTERM, then SIGKILL after 5 s).`);
    killGroup('SIGTERM');
    killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    killTimer.unref();
  };
  signal.addEventListener('abort', onAbort, { once: true });

  const stdout = createInterface({ input: child.stdout, crlfDelay: Infinity });
  stdout.on('line', (line) => {
    const message = parseScriptMessage(line);
    if (!message) {
      sink.line('info', line);
      remember(line);
      return;
    }
    switch (message.kind) {
      case 'set-output':
        if (message.sensitive) {
          secrets.push(message.value);
          sink.mask(message.value);
        }
        sink.output(message.name, message.value, message.sensitive);
        sink.line('verbose', `Output variable ${message.name} set${message.sensitive ? ' (sensitive)' : ''}`);
        return;
      case 'mask':
        secrets.push(message.value);
        sink.mask(message.value);
        return;
      case 'fail':
        failMessage = message.message || failMessage;
        failedByMessage ||= message.fails;
        return;
      case 'invalid':
        sink.line('warning', `Ignored a malformed service message (${message.reason})`);
        return;
    }
  });
  // Tools write progress to stderr: a warning, not an error (the exit code decides the outcome).
  const stderr = createInterface({ input: child.stderr, crlfDelay: Infinity });
  stderr.on('line', (line) => {
    sink.line('warning', line);
    remember(line);
  });

  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('close', (code, sig) => resolve({ code, signal: sig }));
    },
  );
  // Processes the script left running in the background must not outlive the step (they hold its output open).
  child.once('exit', () => killGroup('SIGKILL'));
  const { code, signal: killedBy, error } = await closed;
  signal.removeEventListener('abort', onAbort);
  if (killTimer) clearTimeout(killTimer);

  if (error) return { outcome: 'failed', error: `Could not start ${command}: ${error.message}` };
  if (signal.aborted) return { outcome: 'failed', error: `${abortWhy(signal)}: the script was stopped.` };
  const masker = createMasker(secrets);
  if (failMessage !== undefined && (failedByMessage || code !== 0))
    return { outcome: 'failed', error: masker.mask(`The script failed: ${failMessage}`) };
  if (failedByMessage) return { outcome: 'failed', error: 'The script reported a failure.' };
  if (code === 0) return { outcome: 'success' };
  const how = killedBy ? `was killed by ${killedBy}` : `exited with code ${code ?? 'unknown'}`;
  const last = tail.length ? `. Last output:\n${tail.join('\n')}` : '';
  return { outcome: 'failed', error: masker.mask(`The script ${how}${last}`) };
}
