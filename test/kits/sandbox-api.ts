/**
 * The API over a fresh store, its ambient AWS the embedded sandbox (throttling off), signed in as
 * the first administrator: for route tests that reach AWS (feeds on ECR, account tests, target
 * checks). `pushImages` fills the sandbox's ECR.
 */
import { createHash } from 'node:crypto';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { buildServer } from '../../src/server/app.js';
import { ensureAdministrator } from '../../src/store/api-keys.js';
import { openStore, type Store } from '../../src/store/database.js';
import { tempDataDir } from '../helpers/postgres.js';
import { testSecrets } from './secrets.js';

/** What startSandboxApi started. */
export interface SandboxApi {
  sandbox: SandboxHandle;
  store: Store;
  app: FastifyInstance;
  /** The administrator's API key. */
  key: string;
  /** Injects a request with the administrator's key. */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Starts the sandbox, the store and the API. */
export async function startSandboxApi(): Promise<SandboxApi> {
  const sandbox = await startSandbox({ port: 0, throttling: false });
  const dataDir = tempDataDir();
  const store = await openStore({ dataDir });
  const key = (await ensureAdministrator(store, { dataDir })).key!;
  const app = buildServer({
    store,
    secrets: testSecrets(),
    aws: { endpoint: sandbox.endpoint, credentials: { kind: 'static', ...sandbox.credentials } },
  });
  return {
    sandbox,
    store,
    app,
    key,
    call: (method, url, payload) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${key}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
    async close() {
      await app.close();
      await store.close();
      await sandbox.close();
    },
  };
}

/** A Docker v2 image manifest whose config digest is the tag's (each tag its own image). */
export function imageManifest(tag: string): string {
  const d = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 7, digest: d(tag) },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 10, digest: d('l') }],
  });
}

/** Creates `repository` in the sandbox's ECR with an image per tag. */
export async function pushImages(
  sandbox: SandboxHandle,
  repository: string,
  tags: readonly string[],
): Promise<void> {
  const ecr = new ECRClient({
    region: sandbox.region,
    endpoint: sandbox.endpoint,
    credentials: sandbox.credentials,
  });
  try {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
    for (const tag of tags)
      await ecr.send(
        new PutImageCommand({ repositoryName: repository, imageTag: tag, imageManifest: imageManifest(tag) }),
      );
  } finally {
    ecr.destroy();
  }
}
