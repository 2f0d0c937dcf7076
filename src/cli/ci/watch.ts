/**
 * Watches deployments to the end: follows each one's log at once, prints its lines prefixed with
 * the deployment (when several), step and target on stderr, then one summary line per deployment.
 */
import type { DeploymentState } from '../../core/model/release.js';
import type { CommandIo } from '../commands/apply.js';
import { EXIT } from '../exit-codes.js';
import type { CiConnection } from './connection.js';
import { followLog, type FollowOptions } from './log-stream.js';
import type { Names } from './resolve.js';
import { deploymentSchema, type DeploymentView, type LogLineView } from './schemas.js';

/** Options of watchDeployments. */
export interface WatchOptions extends FollowOptions {
  /** Print progress and summaries (false with --output json: only stderr progress). Default true. */
  summaries?: boolean;
}

/** "hello-color 1.2.0 to Dev for Acme", from a deployment's ids. */
export async function describeDeployment(names: Names, d: DeploymentView): Promise<string> {
  const [release, env, tenant] = await Promise.all([
    names.release(d.releaseId).catch(() => undefined),
    names.nameOf('environments', d.environmentId),
    d.tenantId ? names.nameOf('tenants', d.tenantId) : Promise.resolve(undefined),
  ]);
  const project = release ? await names.nameOf('projects', release.projectId) : undefined;
  const what = release ? `${project ?? release.projectId} ${release.version}` : d.releaseId;
  return `${what} to ${env}${tenant ? ` for ${tenant}` : ''}`;
}

const LEVEL_PREFIX: Record<string, string> = { warning: 'warning: ', error: 'error: ' };

/** One log line as printed: `[label] step / target: message`. */
export function formatLogLine(label: string | undefined, line: LogLineView): string {
  const where = line.path.length > 0 ? `${line.path.join(' / ')}: ` : '';
  const prefix = label ? `[${label}] ` : '';
  return `${prefix}${where}${LEVEL_PREFIX[line.level] ?? ''}${line.message}`;
}

/** The summary line of a finished deployment. */
export function summaryLine(d: DeploymentView, description: string): string {
  const tail = d.state === 'success' ? '' : d.error ? `: ${d.error}` : '';
  return `${d.id} (${description}): ${d.state}${tail}`;
}

/** The exit code of deployments that ended in these states: 0 only when every one succeeded. */
export function exitCodeForStates(states: readonly DeploymentState[]): number {
  return states.every((s) => s === 'success') ? EXIT.OK : EXIT.FAILED;
}

/** Follows `ids` until all are final; answers their final views (in the order given). */
export async function watchDeployments(
  conn: CiConnection,
  names: Names,
  ids: readonly string[],
  io: CommandIo,
  options: WatchOptions = {},
): Promise<DeploymentView[]> {
  const several = ids.length > 1;
  return Promise.all(
    ids.map(async (id) => {
      const first = await conn.client.get(conn.client.spacePath('deployments', id), deploymentSchema);
      const description = await describeDeployment(names, first);
      const label = several ? await shortLabel(names, first) : undefined;
      io.stderr(`Watching ${id}: ${description}\n`);
      let last: DeploymentState = first.state;
      await followLog(
        conn,
        id,
        {
          line: (l) => io.stderr(formatLogLine(label, l) + '\n'),
          state: (s) => {
            if (s !== last) io.stderr(`${label ? `[${label}] ` : ''}${id} is ${s}\n`);
            last = s;
          },
        },
        options,
      );
      const final = await conn.client.get(conn.client.spacePath('deployments', id), deploymentSchema);
      if (options.summaries !== false) io.stdout(summaryLine(final, description) + '\n');
      else io.stderr(summaryLine(final, description) + '\n');
      return final;
    }),
  );
}

async function shortLabel(names: Names, d: DeploymentView): Promise<string> {
  const env = await names.nameOf('environments', d.environmentId);
  return d.tenantId ? `${env} ${await names.nameOf('tenants', d.tenantId)}` : env;
}
