/**
 * `slipway export cloudformation --project P --step S [--environment E] [--tenant T] [--format yaml|json]`:
 * writes a Deploy Amazon ECS Service step's stack as a CloudFormation template on stdout, as the
 * server renders it (GET .../process/steps/{step}/cloudformation). Images are
 * `#{Octopus.Action.Package[<ref>].Image}`; sensitive values stay `#{...}` expressions.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { formatServiceStack, type CfnTemplate } from '../../core/cfn/index.js';
import { UserInputError } from '../../core/errors.js';
import { addConnectionOptions, clientFromFlags, type ConnectionFlags } from '../api-client.js';
import { EXIT, type RunState } from '../exit-codes.js';
import { processIo, type CommandIo } from './apply.js';

/** The flags of `slipway export cloudformation`. */
export interface ExportCloudFormationFlags extends ConnectionFlags {
  project: string;
  step: string;
  environment?: string;
  tenant?: string;
  format: 'yaml' | 'json';
}

const templateSchema = z.custom<CfnTemplate>(
  (v) =>
    v !== null &&
    typeof v === 'object' &&
    (v as Record<string, unknown>).AWSTemplateFormatVersion === '2010-09-09' &&
    typeof (v as Record<string, unknown>).Resources === 'object',
  { error: 'not a CloudFormation template' },
);

function format(v: string): 'yaml' | 'json' {
  if (v !== 'yaml' && v !== 'json') throw new UserInputError(`--format must be yaml or json, got "${v}".`);
  return v;
}

/** Asks the server for the template and writes it on stdout (JSON indented, YAML as served). */
export async function runExportCloudFormation(
  flags: ExportCloudFormationFlags,
  io: CommandIo,
): Promise<number> {
  if (flags.tenant !== undefined && flags.environment === undefined) {
    throw new UserInputError('--tenant needs --environment: a tenant is evaluated in one environment.');
  }
  const client = clientFromFlags(flags, io.env);
  const path = `${client.spacePath('projects', flags.project, 'process', 'steps', flags.step)}/cloudformation`;
  // The client reads JSON: ask for the document as JSON and write YAML with the server's own formatter.
  const template = await client.get(path, templateSchema, {
    query: { environment: flags.environment, tenant: flags.tenant, format: 'json' },
  });
  io.stdout(formatServiceStack(template, flags.format));
  return EXIT.OK;
}

/**
 * Adds `cloudformation` under `slipway export`. It takes --format and the connection options
 * itself (the program's options are positional, so those after `cloudformation` are its own) and
 * falls back to export's when given before it (optsWithGlobals).
 */
export function registerExportCloudFormation(exportCommand: Command, state: RunState): void {
  const command = exportCommand
    .command('cloudformation')
    .description(
      "Write a Deploy Amazon ECS Service step's stack as a CloudFormation template on stdout " +
        '(images as #{Octopus.Action.Package[<ref>].Image}; values evaluated for --environment/--tenant, secrets never).',
    )
    .requiredOption('--project <project>', 'the project, by name or id')
    .requiredOption('--step <step>', "the step's name")
    .option('--environment <environment>', "evaluate the step's #{...} values for this environment")
    .option('--tenant <tenant>', 'and for this tenant (needs --environment)')
    .option('--format <format>', 'yaml or json (default yaml)');
  addConnectionOptions(command)
    .configureHelp({ showGlobalOptions: true })
    .action(async (_opts: unknown, self: Command) => {
      const flags = self.optsWithGlobals<ExportCloudFormationFlags>();
      state.exitCode = await runExportCloudFormation(
        { ...flags, format: format(flags.format ?? 'yaml') },
        processIo(),
      );
    });
}
