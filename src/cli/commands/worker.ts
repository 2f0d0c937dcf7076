/**
 * `slipway worker`: runs script steps for a Slipway server (docs/workers.md). The first start
 * registers with a registration token in a pool and saves the worker's own key in its data
 * directory; then it leases the pool's script tasks over the API until SIGINT/SIGTERM (the first
 * lets the running script finish, a second stops it).
 */
import { createRequire } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SlipwayError, isSlipwayError } from '../../core/errors.js';
import { POOL_NAME, POOL_NAME_RULE } from '../../core/workers/protocol.js';
import { DEFAULT_SERVER_URL } from '../api-client.js';
import { DEFAULT_WORKER_DATA_DIR, WORKER_FILE, defaultWorkerName } from '../worker/worker-identity.js';

interface WorkerOptions {
  server?: string;
  token?: string;
  pool?: string;
  name?: string;
  dataDir: string;
  scriptUser: string;
  scriptsAsWorkerUser: boolean;
}

function poolName(flag: string) {
  return (v: string): string => {
    if (!POOL_NAME.test(v)) throw new SlipwayError('USAGE', `${flag} must be ${POOL_NAME_RULE}, got "${v}".`);
    return v;
  };
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'Run script steps for a Slipway server, as a worker of a pool. The first start registers with a ' +
        'registration token (--token) and saves the worker key in --data-dir. Ctrl-C stops taking work and ' +
        'lets a running script finish; a second Ctrl-C stops the script.',
    )
    .option('--server <url>', `the server's URL (default: $SLIPWAY_SERVER, else ${DEFAULT_SERVER_URL})`)
    .option('--token <token>', 'registration token for the first start (default: $SLIPWAY_WORKER_TOKEN)')
    .option('--pool <name>', 'the worker pool to join (needed to register)', poolName('--pool'))
    .option('--name <name>', "the worker's name (default: the host name)", poolName('--name'))
    .option('--data-dir <dir>', 'where the worker keeps its key (worker.json)', DEFAULT_WORKER_DATA_DIR)
    .option(
      '--script-user <name>',
      'the unprivileged OS user scripts run as (the worker must be root)',
      'slipway-script',
    )
    .option(
      '--scripts-as-worker-user',
      "run scripts as the worker's own OS user: they can then read its key, and with it take other " +
        "steps' scripts and secrets (docs/workers.md)",
      false,
    )
    .action(async (opts: WorkerOptions) => work(opts));
}

async function work(opts: WorkerOptions): Promise<void> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const [
    isolationModule,
    { describeScriptTools },
    { readIdentity, writeIdentity },
    { registerWorker: register, WorkerClient },
    { runWorker },
  ] = await Promise.all([
    import('../../jobs/executors/script-isolation.js'),
    import('../../jobs/executors/script-tools.js'),
    import('../worker/worker-identity.js'),
    import('../worker/worker-client.js'),
    import('../worker/run-worker.js'),
  ]);
  const { resolveScriptIsolation, describeScriptIsolation, removeOrphanScriptDirs, WORKER_HOST } =
    isolationModule;
  const isolation = await resolveScriptIsolation({
    user: opts.scriptUser,
    asServerUser: opts.scriptsAsWorkerUser,
    host: WORKER_HOST,
  });
  if (isolation.mode === 'refused') throw new SlipwayError('SCRIPT_REFUSED', isolation.reason);
  say(describeScriptIsolation(isolation, WORKER_HOST));
  // A step whose script needs a tool missing here fails on this worker before it starts.
  if (isolation.tools) say(describeScriptTools(isolation.tools));
  const root = tmpdir();
  // A worker killed mid-script left the script's directory (its variables file) behind.
  await removeOrphanScriptDirs(root);

  const server = (opts.server ?? (process.env.SLIPWAY_SERVER || DEFAULT_SERVER_URL)).replace(/\/+$/, '');
  const file = join(resolve(opts.dataDir), WORKER_FILE);
  let identity = readIdentity(opts.dataDir);
  if (identity) {
    const mismatch = (
      [
        ['--server', identity.server, opts.server === undefined ? undefined : server],
        ['--pool', identity.pool, opts.pool],
        ['--name', identity.name, opts.name],
      ] as const
    ).find(([, saved, given]) => given !== undefined && given !== saved);
    if (mismatch) {
      throw new SlipwayError(
        'USAGE',
        `This worker is registered as "${identity.name}" in pool "${identity.pool}" at ${identity.server} ` +
          `(${file}), but ${mismatch[0]} says "${mismatch[2]}". To register anew, remove that file (and the old ` +
          `worker: DELETE /api/workers/${identity.id}), or give another --data-dir.`,
      );
    }
  } else {
    const token = opts.token ?? (process.env.SLIPWAY_WORKER_TOKEN || undefined);
    if (!token || !opts.pool) {
      throw new SlipwayError(
        'USAGE',
        `This worker is not registered yet (no ${file}): give --pool and a registration token (--token or ` +
          'SLIPWAY_WORKER_TOKEN; an administrator creates one with POST /api/worker-tokens).',
      );
    }
    const name = opts.name ?? defaultWorkerName();
    const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };
    const host = hostname().trim().slice(0, 255);
    const { id, key } = await register(server, token, {
      name,
      pool: opts.pool,
      version,
      ...(host ? { hostname: host } : {}),
    });
    identity = { server, id, name, pool: opts.pool, key };
    writeIdentity(opts.dataDir, identity);
    say(`Registered as worker "${name}" in pool "${opts.pool}" (${id}); its key is in ${file}.`);
  }

  const stop = new AbortController();
  const kill = new AbortController();
  const onSignal = () => {
    if (!stop.signal.aborted) {
      say('Stopping: taking no new task; a running script finishes (signal again to stop it).');
      stop.abort();
    } else if (!kill.signal.aborted) {
      say('Stopping the running script.');
      kill.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    say(
      `Worker "${identity.name}" of pool "${identity.pool}" is taking script tasks from ${identity.server}.`,
    );
    await runWorker({
      client: new WorkerClient(identity.server, identity.key),
      name: identity.name,
      pool: identity.pool,
      isolation,
      root,
      say,
      stop: stop.signal,
      kill: kill.signal,
    });
  } catch (e) {
    if (isSlipwayError(e) && e.code === 'UNAUTHENTICATED') {
      throw new SlipwayError(
        'UNAUTHENTICATED',
        `The server refused this worker's key: an administrator removed the worker. To add it again, remove ` +
          `${file} and start it with a new registration token (--token).`,
        { cause: e },
      );
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  say('Worker stopped.');
}
