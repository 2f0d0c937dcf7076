/**
 * `slipway demo`: the README's first command. Runs the whole pipeline in this process — the AWS
 * sandbox, a Slipway server with its engine, the hello-color project released and deployed
 * Dev → Test → Prod for two tenants — then serves until Ctrl-C (`--exit`: stops, exit 0 only if
 * everything succeeded). `--rollouts` rehearses the three raw ECS rollouts instead.
 */
import type { Command } from 'commander';
import { UserInputError } from '../../core/errors.js';
import { DEFAULT_DEMO_DATA_DIR } from '../demo/data-dir.js';
import { processIo } from './apply.js';

function number(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new UserInputError(`${name} must be a number from ${min} to ${max}, got "${v}".`);
    }
    return n;
  };
}

interface DemoFlags {
  timeScale?: number;
  output: string;
  rollouts?: boolean;
  exit?: boolean;
  dataDir: string;
  port: number;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the whole pipeline locally: an AWS sandbox and a Slipway server in this process, the hello-color ' +
        'project released and deployed Dev → Test → Prod for two tenants in their own AWS accounts, checked, ' +
        'then served until Ctrl-C. --rollouts rehearses three raw ECS rollouts instead.',
    )
    .option(
      '--time-scale <x>',
      'sandbox seconds per real second (default 60; 30 with --rollouts)',
      number('--time-scale', 0.1, 10_000),
    )
    .option('--data-dir <dir>', 'data directory of the demo server (emptied first)', DEFAULT_DEMO_DATA_DIR)
    .option('--port <n>', "the demo server's TCP port (0 = any free port)", number('--port', 0, 65_535), 0)
    .option('--exit', 'stop when done instead of serving (exit 0 only if everything succeeded)')
    .option('--rollouts', 'rehearse three ECS rollouts (create, upgrade, broken image rolled back) instead')
    .option('--output <format>', 'with --rollouts: text or json (events as NDJSON on stderr)', 'text')
    .action(async (flags: DemoFlags) => {
      if (flags.rollouts) {
        const { runRollouts } = await import('../demo/rollouts.js');
        await runRollouts({ timeScale: flags.timeScale ?? 30, output: flags.output });
        return;
      }
      const { runDemo } = await import('../demo/run.js');
      await runDemo(
        {
          dataDir: flags.dataDir,
          timeScale: flags.timeScale ?? 60,
          port: flags.port,
          exit: flags.exit === true,
          stageTimeoutMs: 180_000,
        },
        processIo(),
      );
    });
}
