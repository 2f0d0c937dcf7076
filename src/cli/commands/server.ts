/** `slipway server`: serves the HTTP API until SIGINT/SIGTERM, creating the first administrator. */
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { AmbientAws } from '../../aws/account-credentials.js';
import { SlipwayError, UserInputError } from '../../core/errors.js';
import type { SlipwayNode } from '../slipway-node.js';

/** Default TCP port of the API. */
export const DEFAULT_SERVER_PORT = 4600;
/** Loopback by default: exposing the API is a decision, not an accident. */
export const DEFAULT_SERVER_HOST = '127.0.0.1';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new UserInputError(`--port must be an integer from 0 to 65535 (0 = any free port), got "${v}".`);
  }
  return n;
}

interface ServerOptions {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  sandbox: boolean;
  sandboxPort: number;
  concurrency: number;
  nodeTimeout: number;
  scriptUser: string;
  scriptsAsServerUser: boolean;
  workerWait: number;
  stallAfter: number;
  trustProxy: boolean;
}

/** Default number of deployments one server runs at once. */
export const DEFAULT_CONCURRENCY = 50;

function concurrency(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) {
    throw new UserInputError(`--concurrency must be a whole number from 1 to 10000, got "${v}".`);
  }
  return n;
}

/** Seconds without a heartbeat after which another node resumes a node's deployments. */
export const DEFAULT_NODE_TIMEOUT_SECONDS = 30;

function nodeTimeout(v: string): number {
  const n = Number(v);
  // Heartbeats come every 5 s: a shorter timeout would take deployments from live nodes.
  if (!Number.isFinite(n) || n < 10 || n > 3600) {
    throw new UserInputError(`--node-timeout must be a number of seconds from 10 to 3600, got "${v}".`);
  }
  return n;
}

/** How long a script step waits for a worker of its pool to come online, by default (seconds). */
export const DEFAULT_WORKER_WAIT_SECONDS = 600;

function workerWait(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 1 || n > 86_400) {
    throw new UserInputError(`--worker-wait must be a number of seconds from 1 to 86400, got "${v}".`);
  }
  return n;
}

/** Minutes without progress after which a running deployment is flagged stalled. */
export const DEFAULT_STALL_AFTER_MINUTES = 30;

function stallAfter(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 10_080) {
    throw new UserInputError(
      `--stall-after must be a number of minutes greater than 0, at most 10080 (a week), got "${v}".`,
    );
  }
  return n;
}

export function registerServer(program: Command): void {
  program
    .command('server')
    .description(
      'Serve the Slipway API (loopback by default). On first start, creates the administrator and prints ' +
        'its API key once. Ctrl-C stops it.',
    )
    .option('--port <n>', 'TCP port (0 = any free port)', port, DEFAULT_SERVER_PORT)
    .option('--host <address>', 'address to listen on', DEFAULT_SERVER_HOST)
    .option('--data-dir <dir>', 'data directory (embedded database, keys)', './.slipway')
    .option(
      '--database-url <url>',
      'PostgreSQL URL instead of the embedded database (default: $DATABASE_URL)',
    )
    .option(
      '--sandbox',
      'start the embedded AWS sandbox and use it wherever an AWS account or target says "ambient"',
      false,
    )
    .option('--sandbox-port <n>', 'TCP port of the embedded sandbox (0 = any free port)', port, 4599)
    .option('--concurrency <n>', 'deployments this server runs at once', concurrency, DEFAULT_CONCURRENCY)
    .option(
      '--node-timeout <seconds>',
      'a node whose heartbeat is older than this is presumed dead; another node resumes its deployments',
      nodeTimeout,
      DEFAULT_NODE_TIMEOUT_SECONDS,
    )
    .option(
      '--stall-after <minutes>',
      'flag a running deployment that has logged and saved nothing for this long (a warning in its log, ' +
        'stalledSince in the API)',
      stallAfter,
      DEFAULT_STALL_AFTER_MINUTES,
    )
    .option(
      '--script-user <name>',
      'the unprivileged OS user script steps run as (the server must be root)',
      'slipway-script',
    )
    .option(
      '--scripts-as-server-user',
      "run script steps as the server's own OS user: they can then read its data directory, master key and " +
        'environment (docs/security.md)',
      false,
    )
    .option(
      '--worker-wait <seconds>',
      'a script step that names a worker pool fails when no worker of that pool has been online this long',
      workerWait,
      DEFAULT_WORKER_WAIT_SECONDS,
    )
    .option(
      '--trust-proxy',
      'behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto and X-Forwarded-For (the ' +
        'session cookie then gets Secure over https); never without such a proxy in front',
      false,
    )
    .action(async (opts: ServerOptions) => serve(opts));
}

/** The sandbox's address (startSandbox's default host). */
const SANDBOX_HOST = '127.0.0.1';

async function serve(opts: ServerOptions): Promise<void> {
  // Plain lines: the server's progress has no event codes of its own (yet); its log is pino's, on stdout.
  const say = (line: string) => process.stderr.write(`${line}\n`);
  // A server that cannot listen must change nothing: the ports are checked before the data
  // directory is touched (and a port taken in between still fails below, with the same message).
  await checkPortFree(opts.host, opts.port, '--port');
  if (opts.sandbox) await checkPortFree(SANDBOX_HOST, opts.sandboxPort, '--sandbox-port');
  // Loaded on use, so other commands start without the server's and the database's code.
  const [
    { openStore },
    { ensureAdministrator, ADMIN_KEY_FILE, ADMIN_PASSWORD_FILE },
    { openMasterKey },
    { startSlipwayNode },
  ] = await Promise.all([
    import('../../store/database.js'),
    import('../../store/api-keys.js'),
    import('../../store/master-key.js'),
    import('../slipway-node.js'),
  ]);
  const databaseUrl = opts.databaseUrl ?? (process.env.DATABASE_URL || undefined);
  const store = await openStore({ dataDir: opts.dataDir, databaseUrl });
  let node: SlipwayNode | undefined;
  let sandbox: { endpoint: string; close(): Promise<void> } | undefined;
  // Listening for signals before the URL is printed: a client (or test) that stops us as soon as it
  // reads the URL must get a graceful stop, not the default kill.
  let stop = () => {};
  const stopped = new Promise<void>((done) => (stop = done));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    // Before the administrator and before listening: a missing, wrong or half-rotated master key
    // stops the start, not the first write.
    const masterKey = await openMasterKey(store, { dataDir: opts.dataDir });
    for (const notice of masterKey.notices) say(notice);
    const { key, password } = await ensureAdministrator(store, { dataDir: opts.dataDir });
    if (key) {
      // The one time this key is shown; it is on stderr so it stays out of piped output.
      process.stderr.write(
        `Created the administrator "admin". Its API key (shown once; also in ` +
          `${join(resolve(opts.dataDir), ADMIN_KEY_FILE)}, mode 0600 — store it safely, then delete the file):\n` +
          `  ${key}\n`,
      );
    }
    if (password) {
      process.stderr.write(
        `To sign in to the web UI as "admin", use the password (shown once; also in ` +
          `${join(resolve(opts.dataDir), ADMIN_PASSWORD_FILE)}, mode 0600 — change it after signing in, then delete the file):\n` +
          `  ${password}\n`,
      );
    }
    const secrets = masterKey.box;
    let aws: AmbientAws | undefined;
    if (opts.sandbox) {
      const { startSandbox } = await import('../../sandbox/index.js');
      const sb = await startSandbox({ port: opts.sandboxPort, host: SANDBOX_HOST }).catch((e: unknown) => {
        throw portInUse(e) ? portTaken(SANDBOX_HOST, opts.sandboxPort, '--sandbox-port', e) : e;
      });
      sandbox = sb;
      const { accessKeyId, secretAccessKey } = sb.credentials;
      aws = { endpoint: sb.endpoint, credentials: { kind: 'static', accessKeyId, secretAccessKey } };
      say(`AWS sandbox listening on ${sb.endpoint}: "ambient" AWS accounts and targets use it.`);
    }
    const [{ resolveScriptIsolation, describeScriptIsolation }, { describeScriptTools }] = await Promise.all([
      import('../../jobs/executors/script-isolation.js'),
      import('../../jobs/executors/script-tools.js'),
    ]);
    const scripts = await resolveScriptIsolation({
      user: opts.scriptUser,
      asServerUser: opts.scriptsAsServerUser,
    });
    say(describeScriptIsolation(scripts));
    if (scripts.mode !== 'refused' && scripts.tools) say(describeScriptTools(scripts.tools));
    node = await startSlipwayNode({
      store,
      secrets,
      scripts,
      logger: true,
      concurrency: opts.concurrency,
      engine: { leaseStaleMs: opts.nodeTimeout * 1000 },
      workers: { waitMs: opts.workerWait * 1000 },
      stallAfterMs: opts.stallAfter * 60_000,
      trustProxy: opts.trustProxy,
      ...(aws ? { aws } : {}),
    });
    const app = node.app;
    try {
      await app.listen({ port: opts.port, host: opts.host });
    } catch (cause) {
      throw listenError(opts.host, opts.port, '--port', cause);
    }
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    say(`Slipway server listening on ${url} (Ctrl-C stops it).`);
    await stopped;
    say('Stopping: finishing requests in flight.');
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // Requests in flight finish, and running steps reach a safe point (or are picked up again at the
    // next start), before the store they use closes.
    await node?.close();
    await store.close();
    await sandbox?.close();
  }
  say('Slipway server stopped.');
}

/** Binds `host:port` for a moment (port 0 is always free); SERVER_START_FAILED naming `flag` when it cannot. */
async function checkPortFree(host: string, port: number, flag: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((done, fail) => {
      probe.once('error', fail);
      probe.listen({ port, host, exclusive: true }, done);
    });
  } catch (cause) {
    throw listenError(host, port, flag, cause);
  }
  await new Promise<void>((done) => probe.close(() => done()));
}

function portInUse(e: unknown): boolean {
  const cause = e instanceof Error ? e.cause : undefined;
  return (cause as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

function portTaken(host: string, port: number, flag: string, cause: unknown): SlipwayError {
  return new SlipwayError(
    'SERVER_START_FAILED',
    `Port ${port} on ${host} is in use. Pick another with ${flag}, or stop the program using it.`,
    { cause, data: { host, port, option: flag } },
  );
}

function listenError(host: string, port: number, flag: string, cause: unknown): SlipwayError {
  if ((cause as NodeJS.ErrnoException).code === 'EADDRINUSE') return portTaken(host, port, flag, cause);
  const hostFlag = flag === '--port' ? '--host and --port' : flag;
  return new SlipwayError(
    'SERVER_START_FAILED',
    `The server could not listen on ${host}:${port}: ${(cause as Error).message}. Check ${hostFlag}.`,
    { cause, data: { host, port, option: flag } },
  );
}
