/**
 * `slipway export` without the shell: reads everything in a space through the API (a ConfigApi) and
 * writes it down as a configuration file (docs/config.md): references as names, secrets as
 * `{ env: SLIPWAY_SECRET_... }` references, never their values. Shared by the CLI and the server's
 * configuration route (the web UI's export).
 */
import { Document, isScalar, visit } from 'yaml';
import type { ConfigApi } from './api-port.js';
import { CONFIG_API_VERSION, SECTIONS } from './config-file.js';
import { exportEnvironment, exportResource } from './export-doc.js';
import { SecretNames } from './secrets.js';
import {
  readChannels,
  readProcess,
  readSpace,
  readTenantVariables,
  readVariables,
  type Item,
} from './space-state.js';
import { exportTenantVariables, exportVariables } from './variables.js';
import { RESOURCE_KINDS } from '../model/kinds/index.js';

/** A space as a configuration file, and the environment variables its secrets refer to. */
export interface ExportedSpace {
  doc: Record<string, unknown>;
  secrets: string[];
}

/** Reads the client's space and writes it down as a configuration file. */
export async function exportSpace(client: ConfigApi): Promise<ExportedSpace> {
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
export function configYaml(doc: Record<string, unknown>): string {
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

/** The export as `slipway export` prints it: a comment saying where it came from, then the YAML. */
export function exportedYaml(doc: Record<string, unknown>, space: string, server: string): string {
  return (
    `# Space "${space}" exported from ${server} by slipway export.\n` +
    '# Secrets are references to environment variables: set them before `slipway apply -f` this file.\n' +
    configYaml(doc)
  );
}

/** `3 environments, 2 projects` for the sections that have entries; `nothing` for none. */
export function exportCounts(doc: Record<string, unknown>): string {
  const counts = SECTIONS.map(({ key }) => [key, Array.isArray(doc[key]) ? doc[key].length : 0] as const)
    .filter(([, n]) => n > 0)
    .map(([key, n]) => `${n} ${key}`);
  return counts.join(', ') || 'nothing';
}
