/**
 * `slipway release create|deploy|promote|list`: the CI client's release commands (docs/ci.md).
 * Exit 0 when everything asked for succeeded, 1 when a watched deployment failed, was canceled or
 * timed out, 3 when the request was refused (bad usage, validation, lifecycle, unknown names).
 */
import type { Command } from 'commander';
import { SlipwayError } from '../../core/errors.js';
import {
  addCiOptions,
  collect,
  connect,
  promptedValues,
  runCi,
  type OutputFormat,
} from '../ci/connection.js';
import { createDeployments, finishDeployments, type DeployFlags } from '../ci/deploy.js';
import { Names } from '../ci/resolve.js';
import {
  deploymentsCreatedSchema,
  deploymentSchema,
  releaseListSchema,
  releaseSchema,
  type DeploymentView,
  type ReleaseView,
} from '../ci/schemas.js';
import { describeDeployment, type WatchOptions } from '../ci/watch.js';
import type { ConnectionFlags } from '../api-client.js';
import { EXIT, type RunState } from '../exit-codes.js';
import { processIo, type CommandIo } from './apply.js';

/** Flags of `release create`. */
export interface ReleaseCreateFlags extends ConnectionFlags, DeployFlags {
  project: string;
  version?: string;
  channel?: string;
  package?: string[];
  packageVersion?: string;
  notes?: string;
  deployTo?: string[];
}

/** Flags of `release deploy`. */
export interface ReleaseDeployFlags extends ConnectionFlags, DeployFlags {
  project: string;
  version: string;
  to: string[];
}

/** Flags of `release promote`. */
export interface ReleasePromoteFlags extends ConnectionFlags, DeployFlags {
  project: string;
  from: string;
  to: string[];
}

/** Flags of `release list`. */
export interface ReleaseListFlags extends ConnectionFlags {
  project: string;
  output: OutputFormat;
}

/** Creates a release, deploys it where --deploy-to says and (with --wait) watches; answers the exit code. */
export async function runReleaseCreate(
  flags: ReleaseCreateFlags,
  io: CommandIo,
  watch?: WatchOptions,
): Promise<number> {
  const conn = connect(flags, io.env);
  const names = new Names(conn.client);
  const release = await conn.client.post(
    conn.client.spacePath('releases'),
    {
      project: flags.project,
      ...(flags.version !== undefined ? { version: flags.version } : {}),
      ...(flags.channel !== undefined ? { channel: flags.channel } : {}),
      packages: flags.package ?? [],
      ...(flags.packageVersion !== undefined ? { packageVersion: flags.packageVersion } : {}),
      ...(flags.notes !== undefined ? { notes: flags.notes } : {}),
    },
    releaseSchema,
  );
  const packages = release.packages.map((p) => `${p.package}:${p.version}`).join(', ');
  io.stderr(
    `Created release ${release.version} of ${flags.project} (${release.id})${packages ? `: ${packages}` : ''}\n`,
  );
  if (flags.output === 'text') io.stdout(`${release.id} ${release.version}\n`);
  // The lifecycle may have deployed the new release already (its first phase's automatic
  // environments): those are reported and watched, and --deploy-to does not deploy there twice.
  const automatic = await conn.client.list(conn.client.spacePath('deployments'), deploymentSchema, {
    release: release.id,
  });
  for (const d of automatic) {
    io.stderr(`Deployed automatically by the lifecycle: ${d.id} (${await describeDeployment(names, d)})\n`);
  }
  const covered = new Set(automatic.map((d) => d.environmentId));
  const remaining: string[] = [];
  for (const environment of flags.deployTo ?? []) {
    if (!covered.has((await names.environment(environment)).id)) remaining.push(environment);
  }
  const deployments = [
    ...automatic,
    ...(await createDeployments(conn, names, release, remaining, flags, io)),
  ];
  return finishDeployments(conn, names, release, deployments, flags, io, watch);
}

/** The release of `project` with `version` (ignoring case), asked of the server's lookup by version. */
export async function findRelease(
  conn: ReturnType<typeof connect>,
  project: string,
  version: string,
): Promise<ReleaseView> {
  try {
    const { items } = await conn.client.get(conn.client.spacePath('releases'), releaseListSchema, {
      query: { project, version },
    });
    const [found] = items;
    if (found) return found;
  } catch (e) {
    // An unknown project keeps the server's message; an unknown version gets the CLI's advice.
    if (!(e instanceof SlipwayError && e.code === 'NOT_FOUND' && notFoundEntity(e) === 'release')) throw e;
  }
  throw new SlipwayError(
    'NOT_FOUND',
    `Project ${project} has no release ${version}; \`slipway release list --project ${project}\` lists them.`,
  );
}

/** The entity a NOT_FOUND answer of the server names (`details.entity`), if any. */
function notFoundEntity(e: SlipwayError): unknown {
  const details = (e.data as { details?: { entity?: unknown } } | undefined)?.details;
  return details?.entity;
}

/** Deploys an existing release; answers the exit code. */
export async function runReleaseDeploy(
  flags: ReleaseDeployFlags,
  io: CommandIo,
  watch?: WatchOptions,
): Promise<number> {
  const conn = connect(flags, io.env);
  const names = new Names(conn.client);
  const release = await findRelease(conn, flags.project, flags.version);
  const deployments = await createDeployments(conn, names, release, flags.to, flags, io);
  return finishDeployments(conn, names, release, deployments, flags, io, watch);
}

/**
 * Deploys to each --to what the server's promotion rules take from --from (POST /deployments/promote:
 * the release the untenanted deployments, or each tenant named, last ran successfully there);
 * answers the exit code.
 */
export async function runReleasePromote(
  flags: ReleasePromoteFlags,
  io: CommandIo,
  watch?: WatchOptions,
): Promise<number> {
  const conn = connect(flags, io.env);
  const names = new Names(conn.client);
  const prompted = promptedValues(flags.prompt ?? []);
  const deployments: DeploymentView[] = [];
  const announced = new Set<string>();
  for (const to of flags.to) {
    const { items } = await conn.client.post(
      conn.client.spacePath('deployments', 'promote'),
      {
        project: flags.project,
        from: flags.from,
        to,
        ...(flags.tenant?.length ? { tenants: flags.tenant } : {}),
        ...(flags.tenantTag?.length ? { tenantTags: flags.tenantTag } : {}),
        ...(Object.keys(prompted).length > 0 ? { prompted } : {}),
        ...(flags.comments !== undefined ? { comments: flags.comments } : {}),
      },
      deploymentsCreatedSchema,
    );
    for (const d of items) {
      if (!announced.has(d.releaseId)) {
        announced.add(d.releaseId);
        const [project, release] = await Promise.all([
          names.project(flags.project),
          names.release(d.releaseId),
        ]);
        io.stderr(
          `Promoting ${project.name} ${release.version} from ${(await names.environment(flags.from)).name}\n`,
        );
      }
      io.stderr(`Queued ${d.id}: ${await describeDeployment(names, d)}\n`);
      deployments.push(d);
    }
  }
  // One release promoted (the usual case) is reported with the deployments, as `release deploy` does.
  const [only, ...more] = announced;
  const release = only !== undefined && more.length === 0 ? await names.release(only) : undefined;
  return finishDeployments(conn, names, release, deployments, flags, io, watch);
}

/** Lists a project's releases, newest first. */
export async function runReleaseList(flags: ReleaseListFlags, io: CommandIo): Promise<number> {
  const conn = connect(flags, io.env);
  const releases = await conn.client.list(conn.client.spacePath('releases'), releaseSchema, {
    project: flags.project,
  });
  if (flags.output === 'json') {
    io.stdout(JSON.stringify({ ok: true, releases }, null, 2) + '\n');
    return EXIT.OK;
  }
  if (releases.length === 0) {
    io.stderr(`Project ${flags.project} has no releases yet.\n`);
    return EXIT.OK;
  }
  const rows = releases.map((r) => [
    r.version,
    r.id,
    r.createdAt ?? '',
    r.packages.map((p) => `${p.package}:${p.version}`).join(', '),
  ]);
  const widths = [0, 1, 2].map((i) =>
    Math.max(...[['VERSION', 'ID', 'CREATED'][i] ?? '', ...rows.map((r) => r[i] ?? '')].map((s) => s.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c))
      .join('  ')
      .trimEnd() + '\n';
  io.stdout(line(['VERSION', 'ID', 'CREATED', 'PACKAGES']));
  for (const r of rows) io.stdout(line(r));
  return EXIT.OK;
}

function deployOptions(command: Command): Command {
  return addCiOptions(
    command
      .option('--tenant <name>', 'deploy for this tenant (repeatable; "*" = every connected tenant)', collect)
      .option('--tenant-tag <Set/Tag>', 'deploy for the tenants with this tag (repeatable)', collect)
      .option('--prompt <Name=Value>', "a prompted variable's value (repeatable)", collect)
      .option('--comments <text>', 'comments stored with the deployments')
      .option('--wait', 'watch the deployments to the end; exit 1 if any did not succeed'),
  );
}

export function registerRelease(program: Command, state: RunState): void {
  const release = program
    .command('release')
    .description('Create, deploy, promote and list releases on a Slipway server (see docs/ci.md).');

  deployOptions(
    release
      .command('create')
      .description(
        'Create a release (package versions from --package, else the newest in the feeds), optionally deploy it.',
      )
      .requiredOption('--project <name>', 'the project, by name or id')
      .option(
        '--version <version>',
        "the release's version (default: the project's release version template)",
      )
      .option('--channel <name>', "the channel (default: the project's default channel)")
      .option('--package <[step/]package:version>', 'a package version (repeatable)', collect)
      .option('--package-version <version>', 'the version of every package not given with --package')
      .option('--notes <text>', 'release notes')
      .option(
        '--deploy-to <environment>',
        'deploy the new release to this environment (repeatable)',
        collect,
      ),
  ).action(async (flags: ReleaseCreateFlags) => {
    await runCi(state, processIo(), flags.output, () => runReleaseCreate(flags, processIo()));
  });

  deployOptions(
    release
      .command('deploy')
      .description('Deploy an existing release to one or more environments.')
      .requiredOption('--project <name>', 'the project, by name or id')
      .requiredOption('--version <version>', 'the release to deploy')
      .requiredOption('--to <environment>', 'the environment (repeatable)', collect),
  ).action(async (flags: ReleaseDeployFlags) => {
    await runCi(state, processIo(), flags.output, () => runReleaseDeploy(flags, processIo()));
  });

  deployOptions(
    release
      .command('promote')
      .description('Deploy the release that last succeeded in one environment to the next.')
      .requiredOption('--project <name>', 'the project, by name or id')
      .requiredOption('--from <environment>', 'where the release succeeded')
      .requiredOption('--to <environment>', 'where to deploy it (repeatable)', collect),
  ).action(async (flags: ReleasePromoteFlags) => {
    await runCi(state, processIo(), flags.output, () => runReleasePromote(flags, processIo()));
  });

  addCiOptions(
    release
      .command('list')
      .description("List a project's releases, newest first.")
      .requiredOption('--project <name>', 'the project, by name or id'),
  ).action(async (flags: ReleaseListFlags) => {
    await runCi(state, processIo(), flags.output, () => runReleaseList(flags, processIo()));
  });
}
