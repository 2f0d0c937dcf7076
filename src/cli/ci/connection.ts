/**
 * What every CI command shares: the connection (a typed client plus what a raw stream needs),
 * option parsers, errors turned into the CI exit codes, and the one JSON document of `--output json`.
 */
import type { Command } from 'commander';
import { isSlipwayError, toSlipwayError, UserInputError, type SlipwayError } from '../../core/errors.js';
import {
  addConnectionOptions,
  clientFromFlags,
  type ApiClient,
  type ConnectionFlags,
} from '../api-client.js';
import type { CommandIo } from '../commands/apply.js';
import { EXIT, exitCodeFor, type RunState } from '../exit-codes.js';

/** A client plus the key, for the log stream the client cannot read (the key is never printed). */
export interface CiConnection {
  client: ApiClient;
  apiKey?: string;
}

/** The connection from the flags, else SLIPWAY_SERVER / SLIPWAY_API_KEY in `env`. */
export function connect(flags: ConnectionFlags, env: CommandIo['env']): CiConnection {
  const apiKey = flags.apiKey ?? (env.SLIPWAY_API_KEY || undefined);
  return { client: clientFromFlags(flags, env), ...(apiKey !== undefined ? { apiKey } : {}) };
}

/** `--output`: text (default) or json. */
export type OutputFormat = 'text' | 'json';

/** Parses --output. */
export function outputFormat(v: string): OutputFormat {
  if (v !== 'text' && v !== 'json') throw new UserInputError(`--output must be text or json, got "${v}".`);
  return v;
}

/** A repeatable option's collector: `--package a --package b` → ['a', 'b']. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--prompt Name=Value` pairs as a record; a pair without `=` is a usage error. */
export function promptedValues(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UserInputError(`--prompt takes Name=Value, got "${p}".`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** Adds the connection options and `--output text|json`. */
export function addCiOptions(command: Command): Command {
  return addConnectionOptions(command).option(
    '--output <format>',
    'text, or json: one JSON document on stdout (progress stays on stderr)',
    outputFormat,
    'text',
  );
}

// A request the server refused for what it asked (lifecycle, validation, unknown names, permissions)
// is the caller's to fix: exit 3, like bad usage, so CI tells it apart from a failed deployment.
const REFUSED = new Set<string>([
  'LIFECYCLE_REFUSED',
  'INVALID_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CONFLICT',
  'ALREADY_EXISTS',
  'PRECONDITION_FAILED',
]);

/** The exit code of a CI command that stopped on an error. */
export function ciExitCodeFor(err: SlipwayError): number {
  return REFUSED.has(err.code) ? EXIT.USAGE : exitCodeFor(err);
}

/**
 * Runs a CI command's body: errors are printed as `error [CODE]: message` (and, with --output json,
 * as `{ ok: false, error }` on stdout) and become the exit code in `state`.
 */
export async function runCi(
  state: RunState,
  io: CommandIo,
  output: OutputFormat,
  body: () => Promise<number>,
): Promise<void> {
  try {
    state.exitCode = await body();
  } catch (e) {
    const err = isSlipwayError(e) ? e : toSlipwayError(e);
    // A bug keeps main.ts's report, with its stack trace.
    if (err.code === 'INTERNAL') throw err;
    io.stderr(`error [${err.code}]: ${err.message}\n`);
    if (output === 'json') {
      io.stdout(
        JSON.stringify({ ok: false, error: { code: err.code, message: err.message } }, null, 2) + '\n',
      );
    }
    state.exitCode = ciExitCodeFor(err);
  }
}
