/**
 * What every release operation works through, built once per service: the deps, the lookups, the
 * repositories and the clock.
 */
import { deploymentsRepository, type DeploymentsRepository } from '../store/deployments.js';
import { releasesRepository, type ReleasesRepository } from '../store/releases.js';
import type { ReleaseServiceDeps } from './deps.js';
import { releaseLookups, type ReleaseLookups } from './lookups.js';

/** The service's shared state. */
export interface ReleaseContext {
  deps: ReleaseServiceDeps;
  look: ReleaseLookups;
  releases: ReleasesRepository;
  deployments: DeploymentsRepository;
  /** The clock (deps.now, else the system's). */
  now: () => Date;
}

/** The context over `deps`. */
export function releaseContext(deps: ReleaseServiceDeps): ReleaseContext {
  return {
    deps,
    look: releaseLookups(deps),
    releases: releasesRepository(deps.store.db, deps.secrets),
    deployments: deploymentsRepository(deps.store.db, deps.secrets),
    now: deps.now ?? (() => new Date()),
  };
}
