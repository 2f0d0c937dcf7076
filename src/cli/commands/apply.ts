/**
 * `slipway apply -f slipway.yaml [--dry-run]`: makes a space match a configuration file
 * (docs/config.md). Validates the file (nothing is sent when it is invalid), prints the plan, then
 * applies it in order and stops at the first failure (what was applied before stays applied).
 * Never deletes anything the file does not list. Exit 0 ok, 1 a change failed, 3 a bad file or usage.
 */
import type { Command } from 'commander';
import { summarise } from '../../core/config/plan.js';
import { renderApplyResult, renderOutcome, renderPlan } from '../../core/config/render-plan.js';
import { executePlan } from '../../core/config/run-plan.js';
import { UserInputError } from '../../core/errors.js';
import { addConnectionOptions, clientFromFlags, type ConnectionFlags } from '../api-client.js';
import { planApply } from '../../core/config/planner.js';
import { readConfigFile } from '../config/read-file.js';
import { EXIT, type RunState } from '../exit-codes.js';

/** The flags of `slipway apply`. */
export interface ApplyFlags extends ConnectionFlags {
  file: string;
  dryRun?: boolean;
  output: 'text' | 'json';
}

/** Where apply writes and what environment its `{ env }` secrets come from (tests pass their own). */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

/** The process's streams and environment. */
export function processIo(): CommandIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
  };
}

function outputFormat(v: string): 'text' | 'json' {
  if (v !== 'text' && v !== 'json') throw new UserInputError(`--output must be text or json, got "${v}".`);
  return v;
}

/** Runs apply and answers the exit code; errors before anything is written are thrown (exit 3 for bad files). */
export async function runApply(flags: ApplyFlags, io: CommandIo): Promise<number> {
  const desired = readConfigFile(flags.file);
  const client = clientFromFlags(flags, io.env, desired.space);
  const plan = await planApply(client, desired, io.env);
  for (const w of plan.warnings) io.stderr(`warning: ${w}\n`);
  const entries = plan.steps.map((s) => s.entry);
  const json = flags.output === 'json';
  const where = { space: client.space, server: client.server };
  if (!json) io.stdout(renderPlan(entries, where));

  const finish = (failed: boolean) => {
    if (json) {
      io.stdout(
        JSON.stringify(
          {
            ...where,
            dryRun: flags.dryRun === true,
            ok: !failed,
            summary: summarise(entries),
            // Names, paths, field names and counts only: never a value, so never a secret.
            entries,
            warnings: plan.warnings,
          },
          null,
          2,
        ) + '\n',
      );
    }
    return failed ? EXIT.FAILED : EXIT.OK;
  };

  if (flags.dryRun) {
    if (!json) io.stdout('Dry run: nothing was changed.\n');
    return finish(false);
  }
  if (!json && entries.every((e) => e.action === 'unchanged')) {
    io.stdout('Nothing to change.\n');
    for (const e of entries) e.outcome = 'unchanged';
    return finish(false);
  }
  const failed = await executePlan(plan.steps, (e) => {
    if (!json) io.stdout(`  ${renderOutcome(e)}\n`);
  });
  const result = renderApplyResult(entries);
  if (failed) io.stderr(`error: ${result}`);
  else if (!json) io.stdout(result);
  return finish(failed);
}

export function registerApply(program: Command, state: RunState): void {
  const command = program
    .command('apply')
    .description(
      'Make a space match a configuration file (YAML or JSON; see docs/config.md): creates and updates ' +
        'what the file lists, in dependency order. Never deletes anything the file does not list.',
    )
    .requiredOption('-f, --file <path>', 'the configuration file (- for stdin)')
    .option('--dry-run', 'print the plan and stop: change nothing')
    .option(
      '--output <format>',
      'text or json (the plan and result as one JSON document)',
      outputFormat,
      'text',
    );
  addConnectionOptions(command).action(async (flags: ApplyFlags) => {
    state.exitCode = await runApply(flags, processIo());
  });
}
