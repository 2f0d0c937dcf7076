/**
 * Starts moto_server (a third-party AWS emulator written in Python) on a free loopback port, for the
 * conformance tests. The product never needs Python: when moto_server is not on the machine,
 * startMoto() resolves to undefined and `motoUnavailableReason()` says why, so tests can skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface MotoHandle {
  /** e.g. http://127.0.0.1:40123 — use as the SDK's `endpoint`. */
  endpoint: string;
  /** Any credentials work with moto. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  /** moto's default account. */
  accountId: string;
  /** Stops the process (SIGTERM, then SIGKILL). Safe to call twice. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
let lastReason = '';

/** Why the last startMoto() returned undefined. */
export function motoUnavailableReason(): string {
  return lastReason;
}

/** The absolute path of an executable on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A TCP port that was free a moment ago (listen on 0, read the port, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts moto_server on 127.0.0.1 and waits (at most ~20 s) until `GET /moto-api/` answers.
 * Resolves to undefined when moto_server is missing or does not come up; see motoUnavailableReason().
 */
export async function startMoto(): Promise<MotoHandle | undefined> {
  const executable = findOnPath('moto_server');
  if (!executable) {
    lastReason = 'moto_server is not on PATH (install moto[server] to run the conformance tests)';
    return undefined;
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // AWS managed policies (AmazonECSTaskExecutionRolePolicy, ...) exist in AWS; moto loads them only when asked.
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 8_000) stderr += chunk.toString('utf8');
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  // Never leave moto behind, even when the test process dies on a failure.
  const onExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', onExit);

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError || child.exitCode !== null) break;
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status < 500) {
        let closed = false;
        return {
          endpoint,
          credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
          region: 'us-east-1',
          accountId: '123456789012',
          async close() {
            if (closed) return;
            closed = true;
            process.removeListener('exit', onExit);
            await stop(child);
          },
        };
      }
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  process.removeListener('exit', onExit);
  await stop(child);
  lastReason = spawnError
    ? `moto_server could not be started: ${spawnError.message}`
    : `moto_server did not answer on ${endpoint} within ${START_TIMEOUT_MS / 1000} s${
        stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''
      }`;
  return undefined;
}
