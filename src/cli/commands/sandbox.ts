/** `slipway sandbox`: runs the local AWS control plane until interrupted. */
import type { Command } from 'commander';
import { UserInputError } from '../../core/errors.js';
import { makeEvent } from '../../core/events.js';
import {
  DEFAULT_MAX_BLOB_MIB,
  DEFAULT_SANDBOX_PORT,
  MAX_TIME_SCALE,
  MIN_TIME_SCALE,
} from '../../sandbox/defaults.js';
import { stderrSink } from '../render.js';

function number(name: string, min: number, max: number, integer: boolean) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new UserInputError(
        `--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${v}".`,
      );
    }
    return n;
  };
}

interface SandboxCommandOptions {
  port: number;
  timeScale: number;
  state?: string;
  throttling: boolean;
  maxBlobSize: number;
}

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description(
      'Run the local AWS sandbox (ECS, ECR + registry, STS, IAM, CloudWatch Logs) on loopback. ' +
        'Prints `export` lines for the default account on stdout: eval "$(slipway sandbox &)" or copy them.',
    )
    .option(
      '--port <n>',
      `TCP port (0 = any free port)`,
      number('port', 0, 65535, true),
      DEFAULT_SANDBOX_PORT,
    )
    .option(
      '--time-scale <x>',
      'sandbox seconds per real second (e.g. 60 runs a minute each second)',
      number('time-scale', MIN_TIME_SCALE, MAX_TIME_SCALE, false),
      1,
    )
    .option('--state <file>', 'keep the world in this JSON file across restarts')
    .option('--no-throttling', 'do not enforce the AWS API rate limits')
    .option(
      '--max-blob-size <mib>',
      'largest image layer the registry accepts, in MiB (larger uploads get SIZE_INVALID)',
      number('max-blob-size', 1, 1024 * 1024, true),
      DEFAULT_MAX_BLOB_MIB,
    )
    .action(async (opts: SandboxCommandOptions) => {
      const emit = stderrSink();
      // Loaded on use, so other commands start without the sandbox's code.
      const { startSandbox } = await import('../../sandbox/index.js');
      const sb = await startSandbox({
        port: opts.port,
        timeScale: opts.timeScale,
        stateFile: opts.state,
        throttling: opts.throttling,
        maxBlobBytes: opts.maxBlobSize * 1024 * 1024,
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
