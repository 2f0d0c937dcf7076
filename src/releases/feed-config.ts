/**
 * How a stored feed document becomes the FeedConfig that openFeed takes: a Docker registry with its
 * decrypted password, or ECR with the feed's AWS account (or the server's ambient AWS). Shared by
 * the feed tags route and the release service.
 */
import { CHAIN_AMBIENT, type AmbientAws } from '../aws/account-credentials.js';
import { RESOURCE_KINDS } from '../core/model/kinds/index.js';
import type { FeedConfig } from '../feeds/index.js';
import { awsAccountCredentials } from '../store/aws-credentials.js';
import type { Store } from '../store/database.js';
import { resourcesRepository } from '../store/resources.js';
import type { SecretBox } from '../store/secrets.js';

/** What resolving a feed needs; `aws` defaults to the SDK's credential chain. */
export interface FeedConfigDeps {
  store: Store;
  secrets: SecretBox;
  aws?: AmbientAws;
}

/** The FeedConfig of the feed `idOrName` in `spaceId`; NOT_FOUND when there is none. */
export async function feedConfig(
  deps: FeedConfigDeps,
  spaceId: string,
  idOrName: string,
): Promise<FeedConfig> {
  const feeds = resourcesRepository(deps.store.db, deps.secrets, RESOURCE_KINDS.feed);
  const ambient = deps.aws ?? CHAIN_AMBIENT;
  const feed = (await feeds.find(spaceId, idOrName)) ?? (await feeds.get(spaceId, idOrName));
  const doc = feed.data as
    { type: 'docker'; url: string; username?: string } | { type: 'ecr'; region: string; awsAccount?: string };
  if (doc.type === 'docker') {
    const { password } = await feeds.revealSecrets(spaceId, feed.id);
    return {
      kind: 'docker-registry',
      url: doc.url,
      ...(doc.username === undefined ? {} : { username: doc.username }),
      ...(password === undefined ? {} : { password }),
    };
  }
  const credentials = await awsAccountCredentials(
    deps.store.db,
    deps.secrets,
    spaceId,
    doc.awsAccount,
    ambient,
  );
  return {
    kind: 'ecr',
    region: doc.region,
    credentials,
    ...(ambient.endpoint === undefined ? {} : { endpoint: ambient.endpoint }),
  };
}
