/**
 * Creating deployments and reporting them, shared by `release create --deploy-to`, `release deploy`
 * and `release promote`: one POST per environment, then (with --wait) the watch, then the result
 * as text or one JSON document.
 */
import type { CommandIo } from '../commands/apply.js';
import { EXIT } from '../exit-codes.js';
import { promptedValues, type CiConnection, type OutputFormat } from './connection.js';
import type { Names } from './resolve.js';
import { deploymentsCreatedSchema, type DeploymentView, type ReleaseView } from './schemas.js';
import { describeDeployment, exitCodeForStates, watchDeployments, type WatchOptions } from './watch.js';

/** The deployment flags every deploying command takes. */
export interface DeployFlags {
  tenant?: string[];
  tenantTag?: string[];
  prompt?: string[];
  comments?: string;
  wait?: boolean;
  output: OutputFormat;
}

/** Deploys `release` to each environment; answers the deployments created (in order). */
export async function createDeployments(
  conn: CiConnection,
  names: Names,
  release: ReleaseView,
  environments: readonly string[],
  flags: DeployFlags,
  io: CommandIo,
): Promise<DeploymentView[]> {
  const prompted = promptedValues(flags.prompt ?? []);
  const created: DeploymentView[] = [];
  for (const environment of environments) {
    const { items } = await conn.client.post(
      conn.client.spacePath('deployments'),
      {
        release: release.id,
        environment,
        tenants: flags.tenant ?? [],
        tenantTags: flags.tenantTag ?? [],
        prompted,
        ...(flags.comments !== undefined ? { comments: flags.comments } : {}),
      },
      deploymentsCreatedSchema,
    );
    for (const d of items) {
      io.stderr(`Queued ${d.id}: ${await describeDeployment(names, d)}\n`);
      created.push(d);
    }
  }
  return created;
}

/** Waits (with --wait) and reports; answers the exit code. */
export async function finishDeployments(
  conn: CiConnection,
  names: Names,
  release: ReleaseView | undefined,
  deployments: DeploymentView[],
  flags: DeployFlags,
  io: CommandIo,
  watch: WatchOptions = {},
): Promise<number> {
  const json = flags.output === 'json';
  let final = deployments;
  let code: number = EXIT.OK;
  if (flags.wait && deployments.length > 0) {
    final = await watchDeployments(
      conn,
      names,
      deployments.map((d) => d.id),
      io,
      { ...watch, summaries: !json },
    );
    code = exitCodeForStates(final.map((d) => d.state));
  } else if (!json) {
    for (const d of deployments) io.stdout(`${d.id} (${await describeDeployment(names, d)}): ${d.state}\n`);
  }
  if (json) {
    io.stdout(
      JSON.stringify({ ok: code === EXIT.OK, ...(release ? { release } : {}), deployments: final }, null, 2) +
        '\n',
    );
  }
  return code;
}
