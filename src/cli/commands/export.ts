/**
 * `slipway export [--format yaml|json]`: writes everything in a space as a configuration file
 * (docs/config.md) on stdout: references as names, secrets as `{ env: SLIPWAY_SECRET_... }`
 * references, never their values. Applying the output (with those variables set) changes nothing.
 */
import type { Command } from 'commander';
import {
  exportCounts,
  exportedYaml,
  exportSpace,
  type ExportedSpace,
} from '../../core/config/export-space.js';
import { UserInputError } from '../../core/errors.js';
import { addConnectionOptions, clientFromFlags, type ConnectionFlags } from '../api-client.js';
import { EXIT, type RunState } from '../exit-codes.js';
import { processIo, type CommandIo } from './apply.js';
import { registerExportCloudFormation } from './export-cloudformation.js';

/** The flags of `slipway export`. */
export interface ExportFlags extends ConnectionFlags {
  format: 'yaml' | 'json';
}

export { exportSpace, type ExportedSpace };

function format(v: string): 'yaml' | 'json' {
  if (v !== 'yaml' && v !== 'json') throw new UserInputError(`--format must be yaml or json, got "${v}".`);
  return v;
}

/** Runs export: the file on stdout, a summary (and the secrets' variable names) on stderr. */
export async function runExport(flags: ExportFlags, io: CommandIo): Promise<number> {
  const client = clientFromFlags(flags, io.env);
  const { doc, secrets } = await exportSpace(client);
  if (flags.format === 'json') io.stdout(JSON.stringify(doc, null, 2) + '\n');
  else io.stdout(exportedYaml(doc, client.space, client.server));
  io.stderr(`Exported space "${client.space}": ${exportCounts(doc)}.\n`);
  if (secrets.length > 0) {
    io.stderr(
      `The file refers to ${secrets.length} secret(s) by environment variable; set them before applying it:\n` +
        secrets.map((s) => `  ${s}\n`).join(''),
    );
  }
  return EXIT.OK;
}

export function registerExport(program: Command, state: RunState): void {
  const command = program
    .command('export')
    .description(
      'Write everything in a space as a configuration file (YAML, or --format json) on stdout: ' +
        'references as names, secrets as { env: NAME } references, never their values.',
    )
    .option('--format <format>', 'yaml or json', format, 'yaml');
  addConnectionOptions(command).action(async (flags: ExportFlags) => {
    state.exitCode = await runExport(flags, processIo());
  });
  registerExportCloudFormation(command, state);
}
