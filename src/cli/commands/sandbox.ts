/** `slipway sandbox`: runs the local AWS control plane until interrupted. */
import type { Command } from 'commander';
import { UserInputError } from '../../core/errors.js';
import { makeEvent } from '../../core/events.js';
import { DEFAULT_SANDBOX_PORT } from '../../sandbox/defaults.js';
import { stderrSink } from '../render.js';

function number(name: string, min: number, integer: boolean) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      throw new UserInputError(
        `--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got "${v}".`,
      );
    }
    return n;
  };
}

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description(
      'Run the local AWS sandbox (ECS, ECR + registry, STS, IAM, CloudWatch Logs) on loopback. ' +
        'Prints `export` lines for the default account on stdout: eval "$(slipway sandbox &)" or copy them.',
    )
    .option('--port <n>', `TCP port (0 = any free port)`, number('port', 0, true), DEFAULT_SANDBOX_PORT)
    .option(
      '--time-scale <x>',
      'sandbox seconds per real second (e.g. 60 runs a minute each second)',
      number('time-scale', 0.001, false),
      1,
    )
    .option('--state <file>', 'keep the world in this JSON file across restarts')
    .option('--no-throttling', 'do not enforce the AWS API rate limits')
    .action(async (opts: { port: number; timeScale: number; state?: string; throttling: boolean }) => {
      const emit = stderrSink();
      // Loaded on use, so other commands start without the sandbox's code.
      const { startSandbox } = await import('../../sandbox/index.js');
      const sb = await startSandbox({
        port: opts.port,
        timeScale: opts.timeScale,
        stateFile: opts.state,
        throttling: opts.throttling,
      });
      process.stdout.write(sb.exportLines().join('\n') + '\n');
      emit(
        makeEvent(
          'sandbox.started',
          `Sandbox listening on ${sb.endpoint} (time scale ${opts.timeScale}). Ctrl-C stops it.`,
          {
            endpoint: sb.endpoint,
          },
        ),
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sb.close();
      emit(
        makeEvent(
          'sandbox.stopped',
          opts.state ? `Sandbox stopped; state saved to ${opts.state}.` : 'Sandbox stopped.',
        ),
      );
    });
}
