/**
 * `slipway export [--format yaml|json]`: writes everything in a space as a configuration file
 * (docs/config.md) on stdout: references as names, secrets as `{ env: SLIPWAY_SECRET_... }`
 * references, never their values. Applying the output (with those variables set) changes nothing.
 */
import type { Command } from 'commander';
import { Document, isScalar, visit } from 'yaml';
import { CONFIG_API_VERSION, SECTIONS } from '../../core/config/config-file.js';
import { exportEnvironment, exportResource } from '../../core/config/export-doc.js';
import { SecretNames } from '../../core/config/secrets.js';
import { exportTenantVariables, exportVariables } from '../../core/config/variables.js';
import { UserInputError } from '../../core/errors.js';
import { RESOURCE_KINDS } from '../../core/model/kinds/index.js';
import {
  addConnectionOptions,
  clientFromFlags,
  type ApiClient,
  type ConnectionFlags,
} from '../api-client.js';
import {
  readChannels,
  readProcess,
  readSpace,
  readTenantVariables,
  readVariables,
  type Item,
} from '../config/space-state.js';
import { EXIT, type RunState } from '../exit-codes.js';
import { processIo, type CommandIo } from './apply.js';
import { registerExportCloudFormation } from './export-cloudformation.js';

/** The flags of `slipway export`. */
export interface ExportFlags extends ConnectionFlags {
  format: 'yaml' | 'json';
}

/** A space as a configuration file, and the environment variables its secrets refer to. */
export interface ExportedSpace {
  doc: Record<string, unknown>;
  secrets: string[];
}

function format(v: string): 'yaml' | 'json' {
  if (v !== 'yaml' && v !== 'json') throw new UserInputError(`--format must be yaml or json, got "${v}".`);
  return v;
}

/** Reads the client's space and writes it down as a configuration file. */
export async function exportSpace(client: ApiClient): Promise<ExportedSpace> {
  const space = await readSpace(client);
  const { index } = space;
  const items = (k: keyof typeof RESOURCE_KINDS) => space.resources.get(k) ?? [];
  // Channels first: processes and variables name them, and the index must know their names.
  const channels = new Map<string, Item[]>();
  await Promise.all(
    items('project').map(async (p) => channels.set(p.id, await readChannels(client, p.id, index))),
  );
  const [processes, projectVars, libraryVars, tenantVars] = await Promise.all([
    Promise.all(items('project').map((p) => readProcess(client, p.id))),
    Promise.all(items('project').map((p) => readVariables(client, 'project', p.id))),
    Promise.all(items('library-set').map((s) => readVariables(client, 'library-set', s.id))),
    Promise.all(items('tenant').map((t) => readTenantVariables(client, t.id))),
  ]);

  const secrets = new SecretNames();
  const doc: Record<string, unknown> = { apiVersion: CONFIG_API_VERSION, space: client.space };
  for (const { key, kind } of SECTIONS) {
    if (kind === 'environment') {
      doc[key] = space.environments.map(exportEnvironment);
      continue;
    }
    doc[key] = items(kind).map((item, i) => {
      const entry = exportResource(RESOURCE_KINDS[kind], item, index, secrets, item.name);
      const nested: Record<string, unknown> = {};
      if (kind === 'project') {
        const own = (channels.get(item.id) ?? []).map((c) =>
          exportResource(RESOURCE_KINDS.channel, c, index, secrets, `${item.name} ${c.name}`),
        );
        if (own.length > 0) nested.channels = own;
        const process = processes[i];
        const steps = process && exportResource(RESOURCE_KINDS.process, process, index, secrets, item.name);
        if (steps && Object.keys(steps).length > 0) nested.process = steps;
      }
      const vars =
        kind === 'project'
          ? exportVariables(projectVars[i]?.items ?? [], index, secrets, { kind, name: item.name })
          : kind === 'library-set'
            ? exportVariables(libraryVars[i]?.items ?? [], index, secrets, { kind, name: item.name })
            : kind === 'tenant'
              ? exportTenantVariables(tenantVars[i]?.items ?? [], index, secrets, item.name)
              : [];
      if (vars.length > 0) nested.variables = vars;
      return { ...entry, ...nested };
    });
  }
  return { doc, secrets: secrets.names };
}

/** YAML as a person writes it: lists of plain values and `{ env: NAME }` on one line. */
function toYaml(doc: Record<string, unknown>): string {
  const yaml = new Document(doc);
  visit(yaml, {
    Seq(_, node) {
      if (node.items.length > 0 && node.items.every((i) => isScalar(i))) node.flow = true;
    },
    Map(_, node) {
      const [only] = node.items;
      if (node.items.length === 1 && isScalar(only?.key) && only.key.value === 'env') node.flow = true;
    },
  });
  return yaml.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Runs export: the file on stdout, a summary (and the secrets' variable names) on stderr. */
export async function runExport(flags: ExportFlags, io: CommandIo): Promise<number> {
  const client = clientFromFlags(flags, io.env);
  const { doc, secrets } = await exportSpace(client);
  if (flags.format === 'json') io.stdout(JSON.stringify(doc, null, 2) + '\n');
  else {
    io.stdout(
      `# Space "${client.space}" exported from ${client.server} by slipway export.\n` +
        '# Secrets are references to environment variables: set them before `slipway apply -f` this file.\n' +
        toYaml(doc),
    );
  }
  const counts = SECTIONS.map(({ key }) => [key, Array.isArray(doc[key]) ? doc[key].length : 0] as const)
    .filter(([, n]) => n > 0)
    .map(([key, n]) => `${n} ${key}`);
  io.stderr(`Exported space "${client.space}": ${counts.join(', ') || 'nothing'}.\n`);
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
