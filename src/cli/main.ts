/**
 * The `slipway` command. This file is the CLI's only error boundary: every command throws, and
 * here errors become a message on stderr and an exit code (see exit-codes.ts). Commands are loaded
 * lazily (command-table.ts), so `slipway --version` and `--help` start without the AWS SDK, the
 * server or the database.
 */
import { Command, CommanderError, Help } from 'commander';
import { isSlipwayError, SlipwayError, toSlipwayError } from '../core/errors.js';
import { COMMANDS } from './command-table.js';
import { normaliseSlipwayArgv } from './ecs-deploy/argv.js';
import { EXIT, exitCodeFor, type RunState } from './exit-codes.js';

const VERSION = '0.1.0';

/** The command `argv` runs (also for `help <command>`), if it names one. */
function commandIn(argv: readonly string[]): string | undefined {
  // The root takes only -V/--version and -h/--help, none with a value, and only before the command.
  const at = argv.findIndex((arg) => !arg.startsWith('-'));
  return argv[at] === 'help' ? argv[at + 1] : argv[at];
}

/**
 * Builds the program for `argv` (without node and script). Only the command `argv` runs is loaded
 * and registered in full (`load: 'all'`: every command); the others are listed by name and
 * description for the root help, from command-table.ts. A command that ends with its own exit code
 * sets `state.exitCode`.
 */
export async function buildProgram(
  argv: readonly string[],
  state: RunState = { exitCode: EXIT.OK },
  load: 'argv' | 'all' = 'argv',
): Promise<Command> {
  const program = new Command('slipway')
    .description('Deployment automation for Amazon ECS, with a local AWS sandbox.')
    .version(VERSION)
    // Root options only before a command: `release create --version 1.4.2` is the release's version.
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError();
  const listed = new Map<Command, string>();
  program.configureHelp({
    // A listed command has no options of its own here: name them as its module would.
    subcommandTerm(this: Help, cmd: Command) {
      return listed.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
    },
  });
  const wanted = commandIn(argv);
  for (const entry of COMMANDS) {
    if (load === 'all' || entry.name === wanted) {
      await entry.register(program, state, VERSION);
      continue;
    }
    const listedOnly = program
      .command(entry.name)
      .description(entry.description)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new SlipwayError('INTERNAL', `The command "${entry.name}" ran without being loaded.`);
      });
    listed.set(listedOnly, entry.hasOptions ? `${entry.name} [options]` : entry.name);
  }
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
    const args = normaliseSlipwayArgv(argv);
    await (await buildProgram(args, state)).parseAsync(args, { from: 'user' });
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
