/** The package variables a step receives for one image (octopus-model.md: PackageId, Image, ...). */
import { UserInputError } from '../core/errors.js';
import { formatImageReference } from '../core/images/reference.js';
import type { PackageVariables } from './types.js';

/** `registry/repository:version`, or `registry/repository@digest` when the version is a digest. */
export function imageReference(registryHost: string, repository: string, version: string): string {
  const digest = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/i.test(version);
  return formatImageReference({
    registry: registryHost,
    repository,
    ...(digest ? { digest: version } : { tag: version }),
  });
}

/** The variables for a feed, repository and version; INVALID_INPUT when a part is empty. */
export function packageVariables(
  feed: { id: string; registryHost: string },
  repository: string,
  version: string,
): PackageVariables {
  if (!feed.registryHost || !repository || !version) {
    throw new UserInputError(
      `A package needs a registry, a repository and a version (got "${feed.registryHost}", "${repository}", "${version}").`,
    );
  }
  return {
    PackageId: repository,
    PackageVersion: version,
    FeedId: feed.id,
    Image: imageReference(feed.registryHost, repository, version),
    Registry: feed.registryHost,
  };
}
