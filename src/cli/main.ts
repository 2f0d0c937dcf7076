/**
 * The `slipway` command. This file is the CLI's only error boundary: every command throws, and
 * here errors become a message on stderr and an exit code (see exit-codes.ts).
 */
import { Command, CommanderError } from 'commander';
import { isSlipwayError, toSlipwayError, type SlipwayError } from '../core/errors.js';
import { registerApply } from './commands/apply.js';
import { registerConfig } from './commands/config-schema.js';
import { registerDemo } from './commands/demo.js';
import { registerDeployment } from './commands/deployment.js';
import { registerEcsDeploy } from './commands/ecs-deploy.js';
import { registerExport } from './commands/export.js';
import { registerFeed } from './commands/feed.js';
import { registerMasterKey } from './commands/master-key.js';
import { registerRelease } from './commands/release.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerServer } from './commands/server.js';
import { registerTemplate } from './commands/template.js';
import { registerWorker } from './commands/worker.js';
import { normaliseSlipwayArgv } from './ecs-deploy/argv.js';
import { EXIT, exitCodeFor, type RunState } from './exit-codes.js';

const VERSION = '0.1.0';

/** Builds the program; a command that ends with its own exit code sets `state.exitCode`. */
export function buildProgram(state: RunState = { exitCode: EXIT.OK }): Command {
  const program = new Command('slipway')
    .description('Deployment automation for Amazon ECS, with a local AWS sandbox.')
    .version(VERSION)
    // Root options only before a command: `release create --version 1.4.2` is the release's version.
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError();
  registerSandbox(program);
  registerDemo(program);
  registerEcsDeploy(program, state, VERSION);
  registerTemplate(program, state);
  registerFeed(program);
  registerServer(program);
  registerMasterKey(program);
  registerApply(program, state);
  registerExport(program, state);
  registerConfig(program);
  registerRelease(program, state);
  registerDeployment(program, state);
  registerWorker(program);
  return program;
}

function report(err: SlipwayError): void {
  process.stderr.write(`error [${err.code}]: ${err.message}\n`);
  if (err.code === 'INTERNAL' && err.cause instanceof Error && err.cause.stack) {
    process.stderr.write(err.cause.stack + '\n');
  }
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  try {
    const state: RunState = { exitCode: EXIT.OK };
    // The ecs-deploy script's `-to` is rewritten before commander reads the arguments.
    await buildProgram(state).parseAsync(normaliseSlipwayArgv(argv), { from: 'user' });
    return state.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT.OK;
      // An option parser may throw our own error through commander.
      if (isSlipwayError(e.cause)) {
        report(e.cause);
        return exitCodeFor(e.cause);
      }
      return EXIT.USAGE;
    }
    const err = toSlipwayError(e);
    report(err);
    return exitCodeFor(err);
  }
}
