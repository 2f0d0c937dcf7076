/**
 * "Run a script": bash or Node, once per deployment (with the target's AWS credentials when the
 * engine gives it a target), in a private temporary directory, with the variables in a file and
 * helper functions preloaded, as an unprivileged OS user of its own (script-isolation.ts): never
 * with the server's identity unless an administrator said so. Output lines go to the step log (masked); service messages on stdout
 * set outputs, mask values and report failure (script-messages.ts, docs/steps.md).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { describeAwsError } from '../../aws/clients.js';
import type { AwsClients } from '../../aws/clients.js';
import { messageOf } from '../../core/errors.js';
import { createMasker } from '../../core/variables/mask.js';
import type { StepContext, StepExecutor, StepResult } from '../executor.js';
import { BASH_HELPERS, NODE_HELPERS } from './script-preambles.js';
import { encodeBase64, parseScriptMessage } from './script-messages.js';
import {
  handOver,
  isolatedCommand,
  nodeBinary,
  removeOrphanScriptDirs,
  resolveScriptIsolation,
  scriptDirPrefix,
  type ScriptIsolation,
} from './script-isolation.js';

/** After SIGTERM on cancel, the process group gets SIGKILL this much later. */
export const KILL_GRACE_MS = 5000;
/** How many of the last output lines a failure message quotes. */
const TAIL_LINES = 10;
/** Variables of the server's own environment a script inherits (nothing else: no secrets of the server leak). */
const INHERITED_ENV = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'USER', 'LOGNAME', 'SHELL'];

/** How the "Run a script" executor runs scripts. */
export interface RunScriptOptions {
  /** Who scripts run as. Default: resolveScriptIsolation() (the `slipway-script` user; refused unless root). */
  isolation?: ScriptIsolation | Promise<ScriptIsolation>;
  /** Where scripts' private directories are made. Default the OS temporary directory. */
  root?: string;
}

/** The "Run a script" executor with `options`. */
export function createRunScriptExecutor(options: RunScriptOptions = {}): StepExecutor {
  const root = options.root ?? tmpdir();
  let isolation: Promise<ScriptIsolation> | undefined;
  const resolved = () => (isolation ??= Promise.resolve(options.isolation ?? resolveScriptIsolation()));
  return {
    type: 'run-script',
    // With roles, on behalf of each matching target (its account, region and role); else once.
    perTarget: 'with-roles',
    // A server killed mid-script left the script's directory (its variables file) behind.
    async start() {
      await removeOrphanScriptDirs(root);
      await resolved();
    },
    run: async (ctx) => runScript(ctx, await resolved(), root),
  };
}

/** The "Run a script" executor with the default isolation. */
export const runScriptExecutor: StepExecutor = createRunScriptExecutor();

interface ScriptAction {
  syntax: 'bash' | 'node';
  script: string;
}

/** The AWS variables for the target's credentials, region and (sandbox) endpoint. */
export async function awsEnvironment(clients: AwsClients): Promise<{
  env: Record<string, string>;
  secrets: string[];
}> {
  const config = clients.ecs.config;
  const creds = await config.credentials();
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_REGION: clients.region,
    AWS_DEFAULT_REGION: clients.region,
  };
  if (creds.sessionToken) env['AWS_SESSION_TOKEN'] = creds.sessionToken;
  if (config.endpoint) {
    const e = await config.endpoint();
    const port = e.port ? `:${e.port}` : '';
    env['AWS_ENDPOINT_URL'] = `${e.protocol}//${e.hostname}${port}${e.path === '/' ? '' : e.path}`;
  }
  return { env, secrets: [creds.secretAccessKey, ...(creds.sessionToken ? [creds.sessionToken] : [])] };
}

async function runScript(ctx: StepContext, isolation: ScriptIsolation, root: string): Promise<StepResult> {
  if (isolation.mode === 'refused') return { outcome: 'failed', error: isolation.reason };
  const action = ctx.action as unknown as ScriptAction;
  const dir = await mkdtemp(join(root, scriptDirPrefix()));
  try {
    const env: Record<string, string> = {};
    for (const k of INHERITED_ENV) {
      const v = process.env[k];
      if (v !== undefined) env[k] = v;
    }
    if (isolation.mode === 'user') env['USER'] = env['LOGNAME'] = isolation.user;
    // A private home: the server's own ~/.aws and other files stay out of reach.
    env['HOME'] = dir;
    env['TMPDIR'] = dir;
    const secrets = [...ctx.variables.sensitive];
    if (ctx.target) {
      try {
        const aws = await awsEnvironment(await ctx.aws());
        Object.assign(env, aws.env);
        secrets.push(...aws.secrets);
        ctx.log.addSensitive(aws.secrets);
      } catch (e) {
        return {
          outcome: 'failed',
          error: `Could not get AWS credentials for the script: ${describeAwsError(e)}`,
        };
      }
    }
    // Every file the script may read, handed over to the script user with its directory.
    const files: string[] = [];
    const put = async (name: string, text: string) => {
      const path = join(dir, name);
      await writeFile(path, text, { mode: 0o600 });
      files.push(path);
      return path;
    };
    env['SLIPWAY_VARIABLES_FILE'] = await put('variables.json', JSON.stringify(ctx.variables.values));

    let command: string;
    let args: string[];
    if (action.syntax === 'bash') {
      const lines = Object.entries(ctx.variables.values).map(
        ([k, v]) => `${encodeBase64(k)} ${encodeBase64(v)}\n`,
      );
      env['SLIPWAY_VARIABLES_B64_FILE'] = await put('variables.b64', lines.join(''));
      env['BASH_ENV'] = await put('helpers.sh', BASH_HELPERS);
      command = 'bash';
      args = [await put('script.sh', action.script)];
    } else {
      try {
        command = nodeBinary(isolation);
      } catch (e) {
        return { outcome: 'failed', error: messageOf(e) };
      }
      const helpers = await put('helpers.mjs', NODE_HELPERS);
      args = ['--import', pathToFileURL(helpers).href, await put('script.mjs', action.script)];
    }
    await handOver(isolation, dir, files);
    const isolated = isolatedCommand(isolation, command, args);
    ctx.log.verbose(
      isolation.mode === 'user'
        ? `Running as the OS user ${isolation.user}${isolation.pidNamespace ? ' in its own PID namespace' : ''}`
        : "Running as the server's own OS user (--scripts-as-server-user)",
    );
    return await execute(ctx, isolated.command, isolated.args, env, dir, secrets, action.syntax);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function execute(
  ctx: StepContext,
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  secrets: string[],
  syntax: ScriptAction['syntax'],
): Promise<StepResult> {
  if (ctx.signal.aborted) return { outcome: 'failed', error: 'Canceled before the script started.' };
  ctx.log.verbose(`Running ${syntax} script`);
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
    ctx.log.warning('Canceled: stopping the script (SIGTERM, then SIGKILL after 5 s).');
    killGroup('SIGTERM');
    killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    killTimer.unref();
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });

  const stdout = createInterface({ input: child.stdout, crlfDelay: Infinity });
  stdout.on('line', (line) => {
    const message = parseScriptMessage(line);
    if (!message) {
      ctx.log.info(line);
      remember(line);
      return;
    }
    switch (message.kind) {
      case 'set-output':
        if (message.sensitive) {
          secrets.push(message.value);
          ctx.log.addSensitive([message.value]);
        }
        ctx.setOutput(message.name, message.value, message.sensitive);
        ctx.log.verbose(`Output variable ${message.name} set${message.sensitive ? ' (sensitive)' : ''}`);
        return;
      case 'mask':
        secrets.push(message.value);
        ctx.log.addSensitive([message.value]);
        return;
      case 'fail':
        failMessage = message.message || failMessage;
        failedByMessage ||= message.fails;
        return;
      case 'invalid':
        ctx.log.warning(`Ignored a malformed service message (${message.reason})`);
        return;
    }
  });
  // Tools write progress to stderr: a warning, not an error (the exit code decides the outcome).
  const stderr = createInterface({ input: child.stderr, crlfDelay: Infinity });
  stderr.on('line', (line) => {
    ctx.log.warning(line);
    remember(line);
  });

  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('close', (code, signal) => resolve({ code, signal }));
    },
  );
  // Processes the script left running in the background must not outlive the step (they hold its output open).
  child.once('exit', () => killGroup('SIGKILL'));
  const { code, signal, error } = await closed;
  ctx.signal.removeEventListener('abort', onAbort);
  if (killTimer) clearTimeout(killTimer);

  if (error) return { outcome: 'failed', error: `Could not start ${command}: ${error.message}` };
  if (ctx.signal.aborted) return { outcome: 'failed', error: 'Canceled: the script was stopped.' };
  const masker = createMasker(secrets);
  if (failMessage !== undefined && (failedByMessage || code !== 0))
    return { outcome: 'failed', error: masker.mask(`The script failed: ${failMessage}`) };
  if (failedByMessage) return { outcome: 'failed', error: 'The script reported a failure.' };
  if (code === 0) return { outcome: 'success' };
  const how = signal ? `was killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
  const last = tail.length ? `. Last output:\n${tail.join('\n')}` : '';
  return { outcome: 'failed', error: masker.mask(`The script ${how}${last}`) };
}
