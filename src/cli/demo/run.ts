/**
 * `slipway demo`: the whole pipeline on a laptop. Starts the AWS sandbox and a Slipway server
 * (embedded store, deployment engine) in this process, seeds AWS (tenant accounts, clusters,
 * services, an ECR repository with three tags), applies the hello-color configuration through the
 * API, creates a release of the newest tag and deploys it Dev → Test → Prod, untenanted and for
 * both tenants, with live progress. Then checks in the sandbox that every service runs the new
 * image with its environment's colour, and keeps the server running (or, with `exit`, stops).
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SlipwayError } from '../../core/errors.js';
import { ApiClient } from '../api-client.js';
import type { CiConnection } from '../ci/connection.js';
import { createDeployments } from '../ci/deploy.js';
import { Names } from '../ci/resolve.js';
import { releaseSchema } from '../ci/schemas.js';
import { watchDeployments } from '../ci/watch.js';
import type { CommandIo } from '../commands/apply.js';
import { freshDemoDataDir } from './data-dir.js';
import { applyDemoConfig } from './apply-config.js';
import { DEMO_ENVIRONMENTS, DEMO_PROJECT, DEMO_STACK_PROJECT, DEMO_TAGS } from './hello-color.js';
import { checkServices, seedSandbox, type ServiceCheck } from './sandbox-world.js';

/** Options of the demo. */
export interface DemoOptions {
  /** Data directory (emptied first); default ./.slipway-demo. */
  dataDir: string;
  /** Sandbox seconds per real second; default 60. */
  timeScale: number;
  /** The server's port (0 = any free port); default 0. */
  port: number;
  /** Stop once done instead of serving until Ctrl-C; default false. */
  exit: boolean;
  /** How long the deployments to one environment may take, in real ms; default 180 000. */
  stageTimeoutMs: number;
}

const TENANTS = ['Acme', 'Globex'];

function table(checks: readonly ServiceCheck[]): string {
  const rows = checks.map((c) => [
    c.ok ? 'ok' : 'FAIL',
    c.project,
    c.tenant ?? '(untenanted)',
    c.environment,
    c.service,
    c.image.split('/').pop() ?? c.image,
    `COLOUR=${c.colour}`,
    `${c.running}/${c.desired} running${c.stack ? `, stack ${c.stack}` : ''}${c.problem ? ` — ${c.problem}` : ''}`,
  ]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) => '  ' + r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i] ?? 0) : c)).join('  '))
    .join('\n');
}

/** Runs the demo; answers when done (with `exit`) or after Ctrl-C. Throws DEMO_FAILED when a check fails. */
export async function runDemo(options: DemoOptions, io: CommandIo): Promise<void> {
  const say = (line: string) => io.stderr(`${line}\n`);
  const dataDir = await freshDemoDataDir(options.dataDir);
  // Loaded on use, so other commands start without the sandbox's, server's and database's code.
  const [
    { startSandbox },
    { openStore },
    { ensureAdministrator, ADMIN_KEY_FILE, ADMIN_PASSWORD_FILE },
    { openMasterKey },
    { startSlipwayNode },
  ] = await Promise.all([
    import('../../sandbox/index.js'),
    import('../../store/database.js'),
    import('../../store/api-keys.js'),
    import('../../store/master-key.js'),
    import('../slipway-node.js'),
  ]);

  let stop = () => {};
  const stopped = new Promise<void>((done) => (stop = done));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const cleanups: (() => Promise<void>)[] = [];
  try {
    say(
      `1. Starting the AWS sandbox (time scale ${options.timeScale}: a minute of ECS takes ${(60 / options.timeScale).toFixed(1)} s)`,
    );
    const sb = await startSandbox({ port: 0, timeScale: options.timeScale });
    cleanups.push(() => sb.close());
    say(`  sandbox on ${sb.endpoint}`);
    const accounts = await seedSandbox(sb, TENANTS, say);

    say(`2. Starting the Slipway server (data in ${dataDir})`);
    const store = await openStore({ dataDir });
    cleanups.push(() => store.close());
    // The master key first, as the server opens it: a new one only where nothing was encrypted yet.
    const { box: secrets } = await openMasterKey(store, { dataDir, env: {} });
    const { key, password } = await ensureAdministrator(store, { dataDir });
    if (key === undefined)
      throw new SlipwayError('INTERNAL', `The fresh data directory ${dataDir} already had users.`);
    const { accessKeyId, secretAccessKey } = sb.credentials;
    const aws = {
      endpoint: sb.endpoint,
      credentials: { kind: 'static' as const, accessKeyId, secretAccessKey },
    };
    const node = await startSlipwayNode({ store, secrets, aws });
    cleanups.push(() => node.close(10_000));
    const { app } = node;
    await app.listen({ port: options.port, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    say(`  server on ${url}`);
    // Printed before anything deploys, so that the dashboard can be watched as it happens.
    say(`  Web UI: ${url}/  (sign in as admin, password ${password ?? '(not created)'})`);
    const client = new ApiClient({ server: url, apiKey: key });
    const conn: CiConnection = { client, apiKey: key };
    const names = new Names(client);

    say('3. Applying the hello-color configuration through the API');
    const applied = await applyDemoConfig(client, accounts);
    say(
      `  applied ${applied} changes: environments Dev, Test, Prod; tenants ${TENANTS.join(', ')}; projects ${DEMO_PROJECT}, ${DEMO_STACK_PROJECT}`,
    );

    const newest = DEMO_TAGS[DEMO_TAGS.length - 1] ?? '';
    say(`4. Creating a release of each project: the newest image in the feed is ${newest}`);
    const releases = [];
    for (const project of [DEMO_PROJECT, DEMO_STACK_PROJECT]) {
      const release = await client.post(
        client.spacePath('releases'),
        { project, version: newest },
        releaseSchema,
      );
      const picked = release.packages.map((p) => `${p.package}:${p.version}`).join(', ');
      say(`  ${project} ${release.version} (${release.id}) with ${picked}`);
      if (!release.packages.every((p) => p.version === newest)) {
        throw new SlipwayError('DEMO_FAILED', `The release took ${picked}, not the newest tag ${newest}.`);
      }
      releases.push(release);
    }

    let step = 5;
    for (const environment of DEMO_ENVIRONMENTS) {
      say(
        `${step++}. Deploying ${newest} of both projects to ${environment}: untenanted, and for every tenant (${TENANTS.join(', ')})`,
      );
      const base = { output: 'text' as const };
      const deployments = [];
      for (const release of releases) {
        deployments.push(
          ...(await createDeployments(conn, names, release, [environment], base, io)),
          ...(await createDeployments(conn, names, release, [environment], { ...base, tenant: ['*'] }, io)),
        );
      }
      // A deployment that never ends (no engine taking work, a stuck rollout) fails the demo, not hangs it.
      const deadline = AbortSignal.timeout(options.stageTimeoutMs);
      const final = await watchDeployments(
        conn,
        names,
        deployments.map((d) => d.id),
        io,
        { summaries: false, signal: deadline },
      ).catch((e: unknown) => {
        if (!deadline.aborted) throw e;
        throw new SlipwayError(
          'DEMO_FAILED',
          `The deployments to ${environment} did not finish within ${options.stageTimeoutMs / 1000} s (see their logs above).`,
        );
      });
      const bad = final.filter((d) => d.state !== 'success');
      if (bad.length > 0) {
        throw new SlipwayError(
          'DEMO_FAILED',
          `${bad.length} deployment(s) to ${environment} did not succeed: ${bad.map((d) => `${d.id} ${d.state}${d.error ? ` (${d.error})` : ''}`).join(', ')}.`,
        );
      }
    }

    say(`${step}. Checking in the sandbox what every service runs`);
    const checks = [
      ...(await checkServices(sb, accounts, newest)),
      ...(await checkServices(sb, accounts, newest, DEMO_STACK_PROJECT, true)),
    ];
    say(table(checks));
    if (checks.some((c) => !c.ok))
      throw new SlipwayError('DEMO_FAILED', 'A service does not run what the release deployed (see above).');
    io.stdout(
      `demo: ${DEMO_PROJECT} and ${DEMO_STACK_PROJECT} ${newest} deployed Dev → Test → Prod, untenanted and for ${TENANTS.join(' and ')}: ` +
        `${checks.length} ECS services run ${newest} with their environment's colour, ` +
        `${checks.filter((c) => c.stack).length} of them in CloudFormation stacks\n`,
    );
    if (options.exit) return;
    say('');
    say(`The Slipway server is running at ${url}`);
    say(`  Web UI: ${url}/`);
    // A local demo: the password may be shown (a real server prints it once, at first start).
    say(
      `  Sign in as admin with the password in ${join(dataDir, ADMIN_PASSWORD_FILE)}: ${password ?? '(not created)'}`,
    );
    say(`  API key (administrator): ${join(dataDir, ADMIN_KEY_FILE)}`);
    say(`  Try:  export SLIPWAY_SERVER=${url} SLIPWAY_API_KEY=$(cat ${join(dataDir, ADMIN_KEY_FILE)})`);
    say(`        npx slipway release list --project ${DEMO_PROJECT}`);
    say(
      `        npx slipway release create --project ${DEMO_PROJECT} --version 1.2.1 --package hello-color:1.1.0 --deploy-to Dev --wait`,
    );
    say('Ctrl-C stops it.');
    await stopped;
    say('Stopping.');
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // Reverse order: the node (API, then engine) before the store, the sandbox last.
    for (const c of cleanups.reverse()) {
      await c().catch((e: unknown) => say(`warning: while stopping: ${(e as Error).message}`));
    }
  }
}
