/**
 * The release application service the API and the engine call: one object over the operations,
 * each in its own file (create-release, deploy with deployment-plan, promote, progression,
 * automatic, retention, queue-order), sharing one context. Pure rules live in core/releases.
 */
import type { Deployment, DeploymentCreateInput, Release } from '../core/model/release.js';
import type { Resource } from '../core/model/resource.js';
import type { LifecycleDecision } from '../core/releases/index.js';
import type { Actor } from '../store/audit.js';
import { afterDeployment } from './automatic.js';
import { releaseContext } from './context.js';
import { createRelease } from './create-release.js';
import { authorised, deploy, planDeploymentRequest, storeDeployments, type ScopeCheck } from './deploy.js';
import type { DeploymentBatch, DeploymentPlan, DeploymentRequest } from './deployment-plan.js';
import type { ReleaseServiceDeps } from './deps.js';
import { planPromotion, type PromotionRequest } from './promote.js';
import { progression, type Progression } from './progression.js';

export { AUTOMATIC_ACTOR, describeAutomaticRefusal } from './automatic.js';
export type { AutomaticRefusal, ReleaseServiceDeps } from './deps.js';

/** The release service over `deps`. */
export function releaseService(deps: ReleaseServiceDeps) {
  const ctx = releaseContext(deps);
  return {
    /** Creates a release (releaseCreateSchema input): version, channel, package versions, snapshots. */
    createRelease: (spaceId: string, input: unknown, by: Actor): Promise<Release> =>
      createRelease(ctx, spaceId, input, by),

    /**
     * Reads what a deployment request names (once each) and decides it: the scopes to authorise and
     * the deployments to create, or the refusal to throw once the scopes are allowed.
     */
    planDeployments: (spaceId: string, request: DeploymentRequest): Promise<DeploymentPlan> =>
      planDeploymentRequest(ctx, spaceId, request),

    /** Reads what a promotion names (once each) and decides it, as planDeployments does. */
    planPromotion: (spaceId: string, request: PromotionRequest): Promise<DeploymentPlan> =>
      planPromotion(ctx, spaceId, request),

    /** Stores an authorised batch (all or none) and queues it on the engine. */
    storeDeployments: (spaceId: string, batch: DeploymentBatch, by: Actor): Promise<Deployment[]> =>
      storeDeployments(ctx, spaceId, batch, by),

    /**
     * Deploys a release (deploymentCreateSchema input): checks the lifecycle per tenant
     * (LIFECYCLE_REFUSED naming the reason), creates one deployment per tenant, enqueues them.
     * `check` (default none) authorises each project × environment × tenant before anything else.
     */
    deploy: (spaceId: string, input: DeploymentCreateInput, by: Actor, check?: ScopeCheck) =>
      deploy(ctx, spaceId, input, by, check),

    /** Deploys the release currently (last successful) in `from` to `to`, per tenant when named. */
    async promote(
      spaceId: string,
      request: PromotionRequest,
      by: Actor,
      check?: ScopeCheck,
    ): Promise<Deployment[]> {
      return storeDeployments(
        ctx,
        spaceId,
        authorised(await planPromotion(ctx, spaceId, request), check),
        by,
      );
    },

    /** The release of a project (id, name, or as read) with this version (ignoring case); NOT_FOUND naming both. */
    releaseByVersion: (spaceId: string, project: string | Resource, version: string): Promise<Release> =>
      ctx.look.releaseByVersion(spaceId, project, version),

    /** Where a release may go now (per tenant when given). */
    async progression(spaceId: string, releaseId: string, tenantId?: string): Promise<LifecycleDecision> {
      return (await progression(ctx, await ctx.releases.get(spaceId, releaseId), tenantId)).decision;
    },

    /** The decision with the phases and environments it was made over (for display). */
    async progressionDetails(spaceId: string, releaseId: string, tenantId?: string): Promise<Progression> {
      return progression(ctx, await ctx.releases.get(spaceId, releaseId), tenantId);
    },

    /** After a deployment finished: deploys to automatic environments the lifecycle now opens. */
    afterDeployment: (deploymentId: string): Promise<Deployment[]> => afterDeployment(ctx, deploymentId),
  };
}

/** A release service's type. */
export type ReleaseService = ReturnType<typeof releaseService>;
