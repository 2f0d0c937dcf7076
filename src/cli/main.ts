/**
 * The `slipway` command. This file is the CLI's only error boundary: every command throws, and
 * here errors become a message on stderr and an exit code (see exit-codes.ts).
 */
import { Command, CommanderError } from 'commander';
import { isSlipwayError, SlipwayError, toSlipwayError } from '../core/errors.js';
import { registerDemo } from './commands/demo.js';
import { registerSandbox } from './commands/sandbox.js';
import { EXIT, exitCodeFor } from './exit-codes.js';

export function buildProgram(): Command {
  const program = new Command('slipway')
    .description('Deployment automation for Amazon ECS, with a local AWS sandbox.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  registerSandbox(program);
  registerDemo(program);
  program
    .command('ecs-deploy', { hidden: false })
    .description(
      'Deploy a new image to an ECS service (flag-compatible with the ecs-deploy script). Not built yet.',
    )
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new SlipwayError(
        'NOT_IMPLEMENTED',
        'slipway ecs-deploy is not built yet (planned: issue 3). Until then, use the sandbox with the AWS CLI or SDK.',
      );
    });
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
    await buildProgram().parseAsync(argv, { from: 'user' });
    return EXIT.OK;
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
