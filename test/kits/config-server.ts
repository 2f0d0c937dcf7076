/**
 * A Slipway server for the config tests: a real store in a temp data directory, listening on a free
 * loopback port, with the first administrator's key; and the commands run in-process with their
 * output captured.
 */
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runApply, type ApplyFlags, type CommandIo } from '../../src/cli/commands/apply.js';
import { runExport, type ExportFlags } from '../../src/cli/commands/export.js';
import { buildServer } from '../../src/server/app.js';
import { ensureAdministrator } from '../../src/store/api-keys.js';
import { openStore } from '../../src/store/database.js';
import { testSecrets } from './secrets.js';
import { tempDataDir } from '../helpers/postgres.js';

/** The example configuration file (the hello-color project). */
export const EXAMPLE = resolve(import.meta.dirname, '../../examples/slipway.yaml');

/** The secrets the example file refers to. */
export const EXAMPLE_SECRETS = {
  HELLO_COLOR_FEED_PASSWORD: 'feed-password-7f3a9',
  HELLO_COLOR_AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz91',
  HELLO_COLOR_API_TOKEN: 'api-token-5c2e81',
  HELLO_COLOR_ACME_API_TOKEN: 'acme-token-d41b07',
};

/**
 * A copy of the example file with each [from, to] replaced (each must occur), written to a temp
 * file; answers its path.
 */
export function variant(...edits: [string, string][]): string {
  let text = readFileSync(EXAMPLE, 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`the example has no "${from}"`);
    text = text.replace(from, to);
  }
  const file = join(tempDataDir(), 'slipway.yaml');
  writeFileSync(file, text);
  return file;
}

/** A running server. */
export interface TestServer {
  url: string;
  key: string;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, port 0. */
export async function startTestServer(): Promise<TestServer> {
  const dataDir = tempDataDir();
  const store = await openStore({ dataDir });
  const { key } = await ensureAdministrator(store, { dataDir });
  if (key === undefined) throw new Error('no administrator key on a fresh store');
  const app = buildServer({ store, secrets: testSecrets() });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** What a command printed, and its exit code (or the error it threw). */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  error?: Error & { code?: string };
}

function io(env: Record<string, string | undefined>): CommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env };
}

async function capture(
  env: Record<string, string | undefined>,
  fn: (io: CommandIo) => Promise<number>,
): Promise<CommandResult> {
  const streams = io(env);
  try {
    const code = await fn(streams);
    return { code, stdout: streams.out.join(''), stderr: streams.err.join('') };
  } catch (e) {
    return { code: -1, stdout: streams.out.join(''), stderr: streams.err.join(''), error: e as Error };
  }
}

/** `slipway apply` in-process against `server`; `env` is the whole environment the command sees. */
export function apply(
  server: TestServer,
  file: string,
  options: Partial<ApplyFlags> & { env?: Record<string, string | undefined> } = {},
): Promise<CommandResult> {
  const { env = {}, ...flags } = options;
  return capture(env, (streams) =>
    runApply({ server: server.url, apiKey: server.key, output: 'text', ...flags, file }, streams),
  );
}

/** `slipway export` in-process against `server`. */
export function exportSpace(server: TestServer, flags: Partial<ExportFlags> = {}): Promise<CommandResult> {
  return capture({}, (streams) =>
    runExport({ server: server.url, apiKey: server.key, format: 'yaml', ...flags }, streams),
  );
}
