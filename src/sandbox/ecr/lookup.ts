/** Whether an image reference names an image the sandbox registry holds (for ECS pulls). */
import { tryParseImageReference } from '../../core/images/reference.js';
import type { SandboxRuntime } from '../runtime.js';
import type { AccountState } from '../world.js';
import { findImage } from './store.js';

const ECR_HOST = /^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The port of the sandbox's endpoint, as a string ('' when unknown). */
function sandboxPort(runtime: SandboxRuntime): string {
  const m = /:(\d+)$/.exec(runtime.registryHost);
  return m?.[1] ?? '';
}

/**
 * For `<registry>/<repo>[:tag|@digest]` naming the sandbox registry (its host, `localhost` or
 * `127.0.0.1` on its port, or an ECR host `<account>.dkr.ecr.<region>.amazonaws.com`): whether
 * the tag (default `latest`) or digest exists. `undefined` when the image is another registry's.
 */
export function imageExists(
  runtime: SandboxRuntime,
  account: AccountState,
  region: string,
  image: string,
): boolean | undefined {
  const ref = tryParseImageReference(image);
  const host = ref?.registry?.toLowerCase();
  if (!ref || host === undefined) return undefined;
  let target: { account: AccountState | undefined; region: string } | undefined;
  const ecr = ECR_HOST.exec(host);
  if (ecr) {
    target = { account: runtime.world.accounts[ecr[1]!], region: ecr[2]! };
  } else {
    const port = sandboxPort(runtime);
    const local = port !== '' && (host === `localhost:${port}` || host === `127.0.0.1:${port}`);
    if (host === runtime.registryHost.toLowerCase() || local) target = { account, region };
  }
  if (!target) return undefined;
  const repo = target.account?.regions[target.region]?.ecr.repositories[ref.repository];
  if (!repo) return false;
  // A digest pins the image; a tag next to it is informational, as for docker pull.
  const img = ref.digest
    ? findImage(repo, { imageDigest: ref.digest })
    : findImage(repo, { imageTag: ref.tag ?? 'latest' });
  return img !== undefined;
}
