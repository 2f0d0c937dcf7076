/**
 * What the release service runs on, in a file of its own so every operation can name it without
 * importing the service that composes them.
 */
import type { AmbientAws } from '../aws/account-credentials.js';
import type { SlipwayError } from '../core/errors.js';
import type { Release } from '../core/model/release.js';
import type { Engine } from '../jobs/engine.js';
import type { Store } from '../store/database.js';
import type { SecretBox } from '../store/secrets.js';

/**
 * An automatic deployment the lifecycle wanted but the rules refused (no tenant connected there, a
 * required prompted value): that environment is left to a person.
 */
export interface AutomaticRefusal {
  release: Release;
  environmentId: string;
  /** The environment's name, when it could be read. */
  environmentName?: string;
  /** Why (a user-owned SlipwayError: INVALID_INPUT, LIFECYCLE_REFUSED, ...). */
  error: SlipwayError;
}

/** What the service needs. */
export interface ReleaseServiceDeps {
  store: Store;
  secrets: SecretBox;
  /** AWS for ECR feeds that say "ambient". Default: the SDK's chain. */
  aws?: AmbientAws;
  /** Where new deployments are queued; without it they stay `queued`. */
  engine?: Pick<Engine, 'enqueue'>;
  /** The clock. Default: `new Date()`. */
  now?: () => Date;
  /** The tags of an image in a feed (by feed id). Default: asks the feed (openFeed); tests pass a fake. */
  tags?: (feedId: string, image: string) => Promise<string[]>;
  /**
   * Told of each automatic deployment that was refused. The service never prints; the host decides
   * (the server writes one line to stderr). Default: nothing.
   */
  onAutomaticRefused?: (refusal: AutomaticRefusal) => void;
}
