/**
 * "Run a script": bash, Node or Python, once per deployment (with the target's AWS credentials when the
 * engine gives it a target), in a private temporary directory, with the variables in a file and
 * helper functions preloaded, as an unprivileged OS user of its own (script-isolation.ts): never
 * with the server's identity unless an administrator said so. Output lines go to the step log
 * (masked); service messages on stdout set outputs, mask values and report failure
 * (script-messages.ts, docs/steps.md). A step that names a worker pool runs on a worker of that
 * pool instead (worker-pool.ts, docs/workers.md), with the same process code there.
 */
import { tmpdir } from 'node:os';
import type { ScriptSyntax } from '../../core/workers/protocol.js';
import type { StepContext, StepExecutor, StepResult } from '../executor.js';
import { scriptStart } from './script-aws.js';
import { removeOrphanScriptDirs, resolveScriptIsolation, type ScriptIsolation } from './script-isolation.js';
import { runScriptProcess, type ScriptSink } from './script-process.js';
import { runOnWorkerPool, sweepScriptTasks, type WorkerPoolOptions } from './worker-pool.js';

export { awsEnvironment } from './script-aws.js';
export { KILL_GRACE_MS } from './script-process.js';

/** How the "Run a script" executor runs scripts. */
export interface RunScriptOptions {
  /** Who scripts run as. Default: resolveScriptIsolation() (the `slipway-script` user; refused unless root). */
  isolation?: ScriptIsolation | Promise<ScriptIsolation>;
  /** Where scripts' private directories are made. Default the OS temporary directory. */
  root?: string;
  /** Where steps that name a worker pool queue their scripts. Default none: such steps fail, saying so. */
  workerPools?: WorkerPoolOptions;
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
      if (options.workerPools) await sweepScriptTasks(options.workerPools);
    },
    run: async (ctx) => {
      const action = ctx.action as unknown as ScriptAction;
      if (action.workerPool !== undefined) {
        if (!options.workerPools) {
          return {
            outcome: 'failed',
            error:
              `This step names the worker pool "${action.workerPool}", but this engine was started without a ` +
              'worker queue. Run it on a Slipway server (slipway server), or remove workerPool.',
          };
        }
        return runOnWorkerPool(ctx, { ...action, workerPool: action.workerPool }, options.workerPools);
      }
      return runScript(ctx, await resolved(), root);
    },
  };
}

interface ScriptAction {
  syntax: ScriptSyntax;
  script: string;
  workerPool?: string;
}

/** What the script does, into the step's log and outputs. */
function stepSink(ctx: StepContext): ScriptSink {
  return {
    line: (level, text) => ctx.log[level](text),
    output: (name, value, sensitive) => ctx.setOutput(name, value, sensitive),
    mask: (value) => ctx.log.addSensitive([value]),
  };
}

async function runScript(ctx: StepContext, isolation: ScriptIsolation, root: string): Promise<StepResult> {
  if (isolation.mode === 'refused') return { outcome: 'failed', error: isolation.reason };
  const action = ctx.action as unknown as ScriptAction;
  const start = await scriptStart(ctx);
  if ('outcome' in start) return start;
  const { env, sensitive } = start;
  return runScriptProcess(
    { syntax: action.syntax, script: action.script, variables: ctx.variables.values, sensitive, env },
    stepSink(ctx),
    { isolation, root, signal: ctx.signal, host: 'the server', ownUserFlag: '--scripts-as-server-user' },
  );
}
