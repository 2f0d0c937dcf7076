/**
 * "Run a script": bash or Node, once per deployment (with the target's AWS credentials when the
 * engine gives it a target), in a private temporary directory, with the variables in a file and
 * helper functions preloaded. Output lines go to the step log (masked); service messages on stdout
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
import { createMasker } from '../../core/variables/mask.js';
import type { StepContext, StepExecutor, StepResult } from '../executor.js';
import { BASH_HELPERS, NODE_HELPERS } from './script-preambles.js';
import { encodeBase64, parseScriptMessage } from './script-messages.js';

/** After SIGTERM on cancel, the process group gets SIGKILL this much later. */
export const KILL_GRACE_MS = 5000;
/** How many of the last output lines a failure message quotes. */
const TAIL_LINES = 10;
/** Variables of the server's own environment a script inherits (nothing else: no secrets of the server leak). */
const INHERITED_ENV = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'USER', 'LOGNAME', 'SHELL'];

/** The "Run a script" executor. */
export const runScriptExecutor: StepExecutor = {
  type: 'run-script',
  // Once per deployment; a step with roles still runs once, with the target the engine gives it.
  // With roles, on behalf of each matching target (its account, region and role); else once.
  perTarget: 'with-roles',
  run: runScript,
};

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

async function runScript(ctx: StepContext): Promise<StepResult> {
  const action = ctx.action as unknown as ScriptAction;
  const dir = await mkdtemp(join(tmpdir(), 'slipway-script-'));
  try {
    const env: Record<string, string> = {};
    for (const k of INHERITED_ENV) {
      const v = process.env[k];
      if (v !== undefined) env[k] = v;
    }
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
    const varsFile = join(dir, 'variables.json');
    await writeFile(varsFile, JSON.stringify(ctx.variables.values), { mode: 0o600 });
    env['SLIPWAY_VARIABLES_FILE'] = varsFile;

    let command: string;
    let args: string[];
    if (action.syntax === 'bash') {
      const b64File = join(dir, 'variables.b64');
      const lines = Object.entries(ctx.variables.values).map(
        ([k, v]) => `${encodeBase64(k)} ${encodeBase64(v)}\n`,
      );
      await writeFile(b64File, lines.join(''), { mode: 0o600 });
      await writeFile(join(dir, 'helpers.sh'), BASH_HELPERS, { mode: 0o600 });
      await writeFile(join(dir, 'script.sh'), action.script, { mode: 0o600 });
      env['SLIPWAY_VARIABLES_B64_FILE'] = b64File;
      env['BASH_ENV'] = join(dir, 'helpers.sh');
      command = 'bash';
      args = [join(dir, 'script.sh')];
    } else {
      await writeFile(join(dir, 'helpers.mjs'), NODE_HELPERS, { mode: 0o600 });
      await writeFile(join(dir, 'script.mjs'), action.script, { mode: 0o600 });
      command = process.execPath;
      args = ['--import', pathToFileURL(join(dir, 'helpers.mjs')).href, join(dir, 'script.mjs')];
    }
    return await execute(ctx, command, args, env, dir, secrets);
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
): Promise<StepResult> {
  if (ctx.signal.aborted) return { outcome: 'failed', error: 'Canceled before the script started.' };
  ctx.log.verbose(`Running ${command === 'bash' ? 'bash' : 'node'} script`);
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
