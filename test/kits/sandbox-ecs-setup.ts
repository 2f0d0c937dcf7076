/** Helpers for the ECS API tests: a sandbox with an SDK client, raw JSON calls, expected failures. */
import assert from 'node:assert/strict';
import { ECSClient } from '@aws-sdk/client-ecs';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import type { AccountState } from '../../src/sandbox/world.js';

export interface EcsTestEnv {
  sb: SandboxHandle;
  ecs: ECSClient;
  account: AccountState;
  close(): Promise<void>;
}

/** Starts an in-process sandbox (no throttling) and an ECS client for it. */
export async function startEcsEnv(): Promise<EcsTestEnv> {
  const sb = await startSandbox({ port: 0, timeScale: 100, throttling: false });
  const ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  const account = sb.runtime.world.accounts[sb.accountId];
  assert.ok(account, 'the default account exists');
  return {
    sb,
    ecs,
    account,
    close: async () => {
      ecs.destroy();
      await sb.close();
    },
  };
}

/** Awaits a call expected to fail and returns its error. */
export async function failure(
  p: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.fail('expected the call to fail');
}

/** Calls an ECS action with raw JSON 1.1 (the SDK drops members its model does not know). */
export async function rawEcs(
  sb: SandboxHandle,
  action: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  // The sandbox identifies the caller from the SigV4 scope, so a well-formed header suffices here.
  const res = await fetch(sb.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerServiceV20141113.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${sb.credentials.accessKeyId}/20250101/${sb.region}/ecs/aws4_request, SignedHeaders=host, Signature=00`,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
