/**
 * Creating releases and deployments, shared by the API and the engine: resolve names, read feed
 * tags, apply the channel and lifecycle rules, pick tenants, store, enqueue. Pure rules live in
 * core/releases; this file does the reading and writing around them.
 * CONTRACT: signatures fixed; bodies being written.
 */
import type { AmbientAws } from '../aws/account-credentials.js';
import { SlipwayError } from '../core/errors.js';
import type { LifecycleDecision } from '../core/releases/index.js';
import type { Deployment, Release } from '../core/model/release.js';
import type { Actor } from '../store/audit.js';
import type { Store } from '../store/database.js';
import type { SecretBox } from '../store/secrets.js';
import type { Engine } from './engine.js';

function notBuilt(): never {
  throw new SlipwayError('NOT_IMPLEMENTED', 'releases and deployments are not built yet');
}

/** What the service needs. */
export interface ReleaseServiceDeps {
  store: Store;
  secrets: SecretBox;
  aws?: AmbientAws;
  /** Where new deployments are queued; without it they stay `queued`. */
  engine?: Pick<Engine, 'enqueue'>;
  now?: () => Date;
}

/** One row of the dashboard. */
export interface DashboardItem {
  projectId: string;
  environmentId: string;
  tenantId?: string;
  releaseId: string;
  releaseVersion: string;
  deploymentId: string;
  state: Deployment['state'];
  createdAt: Date;
  finishedAt?: Date;
}

/** The release service over `deps`. */
export function releaseService(deps: ReleaseServiceDeps) {
  void deps;
  return {
    /** Creates a release (releaseCreateSchema input): version, channel, package versions, snapshots. */
    async createRelease(spaceId: string, input: unknown, by: Actor): Promise<Release> {
      void [spaceId, input, by];
      return notBuilt();
    },
    /**
     * Deploys a release (deploymentCreateSchema input): checks the lifecycle per tenant (FORBIDDEN-free
     * INVALID_INPUT "Prod is not allowed yet: ..." — the caller authorises), creates one deployment
     * per tenant, enqueues them.
     */
    async deploy(spaceId: string, input: unknown, by: Actor): Promise<Deployment[]> {
      void [spaceId, input, by];
      return notBuilt();
    },
    /** Deploys the release currently (last successful) in `from` to `to`. */
    async promote(
      spaceId: string,
      input: { project: string; from: string; to: string; tenants?: string[]; tenantTags?: string[] },
      by: Actor,
    ): Promise<Deployment[]> {
      void [spaceId, input, by];
      return notBuilt();
    },
    /** Where a release may go now (per tenant when given). */
    async progression(spaceId: string, releaseId: string, tenantId?: string): Promise<LifecycleDecision> {
      void [spaceId, releaseId, tenantId];
      return notBuilt();
    },
    /** After a deployment finished: deploys to automatic environments the lifecycle now opens. */
    async afterDeployment(deploymentId: string): Promise<Deployment[]> {
      void deploymentId;
      return notBuilt();
    },
    /** The latest deployment per project × environment (× tenant). */
    async dashboard(spaceId: string, projectIds?: ReadonlySet<string>): Promise<DashboardItem[]> {
      void [spaceId, projectIds];
      return notBuilt();
    },
  };
}

/** A release service's type. */
export type ReleaseService = ReturnType<typeof releaseService>;
