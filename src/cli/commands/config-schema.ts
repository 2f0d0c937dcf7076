/**
 * `slipway config schema`: prints the JSON Schema of configuration files (the file schema of
 * core/config, as an author writes it). docs/slipway.schema.json is this output; a test keeps it current.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { configFileSchema } from '../../core/config/config-file.js';

/** The JSON Schema (draft 2020-12) of a configuration file, as text with a final newline. */
export function configSchemaText(): string {
  // io 'input': what a file may say (defaults optional), not what parsing produces.
  const schema = z.toJSONSchema(configFileSchema, { io: 'input', unrepresentable: 'any', reused: 'ref' });
  return JSON.stringify(schema, null, 2) + '\n';
}

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('Configuration files for slipway apply and slipway export (see docs/config.md).');
  config
    .command('schema')
    .description('Print the JSON Schema of configuration files (for editors and CI checks).')
    .action(() => {
      process.stdout.write(configSchemaText());
    });
}
