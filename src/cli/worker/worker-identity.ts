/**
 * A worker's identity on its machine: `<data dir>/worker.json` (mode 0600 in a 0700 directory)
 * holds the server's URL, the worker's id, name and pool, and its own key, written once when it
 * registers. Later starts use it and need no registration token.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { SlipwayError } from '../../core/errors.js';
import { POOL_NAME } from '../../core/workers/protocol.js';

/** The file in the data directory. */
export const WORKER_FILE = 'worker.json';
/** The worker's data directory unless --data-dir says otherwise. */
export const DEFAULT_WORKER_DATA_DIR = './.slipway-worker';

const identitySchema = z.object({
  server: z.string(),
  id: z.string(),
  name: z.string(),
  pool: z.string(),
  key: z.string(),
});
/** Who the worker is, and its key. */
export type WorkerIdentity = z.output<typeof identitySchema>;

/** The identity saved in `dataDir`, or undefined when the worker has not registered there yet. */
export function readIdentity(dataDir: string): WorkerIdentity | undefined {
  const path = join(resolve(dataDir), WORKER_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SlipwayError('CONFIG', `Cannot read ${path}: ${(e as Error).message}.`, {
      cause: e,
      data: { path },
    });
  }
  try {
    return identitySchema.parse(JSON.parse(text));
  } catch (e) {
    throw new SlipwayError(
      'CONFIG',
      `${path} is not a worker identity this Slipway wrote. Remove it (the worker then registers again with ` +
        '--token), or point --data-dir elsewhere.',
      { cause: e, data: { path } },
    );
  }
}

/** Saves the identity (mode 0600, written whole or not at all). */
export function writeIdentity(dataDir: string, identity: WorkerIdentity): string {
  const dir = resolve(dataDir);
  const path = join(dir, WORKER_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
  return path;
}

/** A default worker name from the host name: its characters a pool name allows, at most 64. */
export function defaultWorkerName(host = hostname()): string {
  const name = host
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return POOL_NAME.test(name) ? name : 'worker';
}
