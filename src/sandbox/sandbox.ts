/**
 * startSandbox: builds the world (fresh or from a state file), the engines and the HTTP server,
 * and listens on loopback. The composition root of the sandbox.
 */
import type { AddressInfo } from 'node:net';
import { messageOf, SlipwayError } from '../core/errors.js';
import { seedDefaultAccount } from './accounts.js';
import { SandboxClock } from './clock.js';
import { ecrService } from './ecr/api.js';
import { EcsEngine } from './ecs/engine.js';
import { ecsService } from './ecs/api.js';
import { elbv2Service } from './elbv2/api.js';
import { cloudformationService } from './cloudformation/api.js';
import { CfnEngine } from './cloudformation/engine.js';
import { iamService } from './iam/api.js';
import { logsService } from './logs/api.js';
import { secretsManagerService } from './secretsmanager/api.js';
import { ssmService } from './ssm/api.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, SandboxRuntime } from './runtime.js';
import { createSandboxServer } from './server.js';
import { damagedState, loadState, StateSaver } from './state-file.js';
import { stsService } from './sts/api.js';
import { emptyWorld } from './world.js';
import { DEFAULT_MAX_BLOB_MIB, DEFAULT_SANDBOX_PORT, MAX_TIME_SCALE, MIN_TIME_SCALE } from './defaults.js';

export { DEFAULT_SANDBOX_PORT };

/** Options of startSandbox. */
export interface SandboxOptions {
  /** TCP port; 0 picks a free one. Default 4599. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Sandbox seconds per wall-clock second. Default 1. */
  timeScale?: number;
  /** A JSON file that keeps the world across restarts. Default: none (in memory). */
  stateFile?: string;
  /** Enforce the AWS API rate limits. Default true (a state file's setting wins when one is loaded). */
  throttling?: boolean;
  /** The largest blob (image layer) the registry accepts, in bytes. Default 32 MiB. */
  maxBlobBytes?: number;
}

/** A running sandbox. */
export interface SandboxHandle {
  /** e.g. http://127.0.0.1:4599 — use as the SDK's `endpoint`. */
  endpoint: string;
  port: number;
  region: string;
  accountId: string;
  /** The default account's long-term keys. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  runtime: SandboxRuntime;
  /** The shell `export` lines for the default account. */
  exportLines(): string[];
  /** Stops listening, saves the state file, cancels timers. */
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const host = options.host ?? '127.0.0.1';
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= MIN_TIME_SCALE && timeScale <= MAX_TIME_SCALE)) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `The time scale must be between ${MIN_TIME_SCALE} and ${MAX_TIME_SCALE}, got ${timeScale}.`,
    );
  }
  const loaded = options.stateFile ? loadState(options.stateFile) : undefined;
  const world = loaded ?? emptyWorld();
  seedDefaultAccount(world);
  if (options.throttling !== undefined) world.settings.throttling = options.throttling;
  // A loaded world resumes at the sandbox time it was saved: time stood still while it was down.
  const clock = new SandboxClock(timeScale, loaded?.savedAt ?? Date.now());
  const runtime = new SandboxRuntime(world, clock, '', {
    maxBlobBytes: options.maxBlobBytes ?? DEFAULT_MAX_BLOB_MIB * 1024 * 1024,
  });
  runtime.ecs = new EcsEngine(runtime);
  runtime.cloudformation = new CfnEngine(runtime);
  const saver = options.stateFile
    ? new StateSaver(
        options.stateFile,
        () => runtime.world,
        () => runtime.now(),
      )
    : undefined;
  if (saver) runtime.onChange = () => saver.changed();

  const server = createSandboxServer(runtime, {
    json: [ecsService, ecrService, logsService, ssmService, secretsManagerService],
    query: [stsService, iamService, cloudformationService, elbv2Service],
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) =>
      reject(
        new SlipwayError(
          'SANDBOX_START_FAILED',
          cause.code === 'EADDRINUSE'
            ? `Port ${options.port ?? DEFAULT_SANDBOX_PORT} on ${host} is in use. Pick another with --port, or stop the program using it.`
            : `The sandbox could not listen on ${host}:${options.port ?? DEFAULT_SANDBOX_PORT}: ${cause.message}`,
          { cause },
        ),
      ),
    );
    server.listen(options.port ?? DEFAULT_SANDBOX_PORT, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  runtime.endpoint = `http://${host}:${port}`;
  try {
    runtime.ecs.resume();
    // After ECS: stack operations in flight call the ECS engine when they resume.
    runtime.cloudformation.resume();
  } catch (cause) {
    runtime.cloudformation.stop();
    runtime.ecs.stop();
    clock.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // The state file passed its shape check, so a failure here is in what its values mean.
    if (!options.stateFile || cause instanceof SlipwayError) throw cause;
    const reason = messageOf(cause);
    throw damagedState(options.stateFile, `could not be restored (${reason})`, cause);
  }
  saver?.changed();

  const credentials = {
    accessKeyId: DEFAULT_ACCOUNT.accessKeyId,
    secretAccessKey: DEFAULT_ACCOUNT.secretAccessKey,
  };
  let closed = false;
  return {
    endpoint: runtime.endpoint,
    port,
    region: DEFAULT_REGION,
    accountId: DEFAULT_ACCOUNT.id,
    credentials,
    runtime,
    exportLines: () => [
      `export AWS_ENDPOINT_URL=${runtime.endpoint}`,
      `export AWS_ACCESS_KEY_ID=${credentials.accessKeyId}`,
      `export AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}`,
      `export AWS_REGION=${DEFAULT_REGION}`,
    ],
    close: async () => {
      if (closed) return;
      closed = true;
      runtime.cloudformation.stop();
      runtime.ecs.stop();
      clock.stop();
      saver?.flush();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
