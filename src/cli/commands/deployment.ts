/**
 * `slipway deployment watch ID...` and `slipway deployment cancel ID`: follow deployments to the
 * end (exit 1 when any did not succeed) and ask one to stop.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { ConnectionFlags } from '../api-client.js';
import { addCiOptions, connect, runCi, type OutputFormat } from '../ci/connection.js';
import { Names } from '../ci/resolve.js';
import { deploymentSchema } from '../ci/schemas.js';
import { exitCodeForStates, watchDeployments, type WatchOptions } from '../ci/watch.js';
import { EXIT, type RunState } from '../exit-codes.js';
import { processIo, type CommandIo } from './apply.js';

/** Flags of the deployment commands. */
export interface DeploymentFlags extends ConnectionFlags {
  output: OutputFormat;
}

/** Watches `ids` to the end; answers 0 when all succeeded, else 1. */
export async function runDeploymentWatch(
  ids: readonly string[],
  flags: DeploymentFlags,
  io: CommandIo,
  watch?: WatchOptions,
): Promise<number> {
  const conn = connect(flags, io.env);
  const json = flags.output === 'json';
  const final = await watchDeployments(conn, new Names(conn.client), ids, io, { ...watch, summaries: !json });
  const code = exitCodeForStates(final.map((d) => d.state));
  if (json) io.stdout(JSON.stringify({ ok: code === EXIT.OK, deployments: final }, null, 2) + '\n');
  return code;
}

/** Asks deployment `id` to stop (it ends `canceled` once its steps reach a safe point). */
export async function runDeploymentCancel(
  id: string,
  flags: DeploymentFlags,
  io: CommandIo,
): Promise<number> {
  const conn = connect(flags, io.env);
  const path = conn.client.spacePath('deployments', id);
  await conn.client.post(`${path}/cancel`, {}, z.unknown());
  const now = await conn.client.get(path, deploymentSchema);
  if (flags.output === 'json') io.stdout(JSON.stringify({ ok: true, deployment: now }, null, 2) + '\n');
  else io.stdout(`${id}: ${now.state}\n`);
  return EXIT.OK;
}

export function registerDeployment(program: Command, state: RunState): void {
  const deployment = program
    .command('deployment')
    .description('Watch or cancel deployments on a Slipway server (see docs/ci.md).');
  addCiOptions(
    deployment
      .command('watch')
      .description(
        'Follow deployments to the end, printing their logs; exit 1 if any failed, was canceled or timed out.',
      )
      .argument('<id...>', 'deployment ids'),
  ).action(async (ids: string[], flags: DeploymentFlags) => {
    await runCi(state, processIo(), flags.output, () => runDeploymentWatch(ids, flags, processIo()));
  });
  addCiOptions(
    deployment
      .command('cancel')
      .description('Ask a deployment to stop (it ends "canceled" once running AWS calls stop).')
      .argument('<id>', 'the deployment id'),
  ).action(async (id: string, flags: DeploymentFlags) => {
    await runCi(state, processIo(), flags.output, () => runDeploymentCancel(id, flags, processIo()));
  });
}
