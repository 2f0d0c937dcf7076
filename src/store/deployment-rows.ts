/** Rows of the deployments table as repositories return them, and their errors. */
import type { Selectable } from 'kysely';
import { SlipwayError } from '../core/errors.js';
import type { Deployment, DeploymentState } from '../core/model/release.js';
import { secretContext } from './secrets.js';
import type { DeploymentsTable, JsonValue } from './types.js';

/** The ciphertext context of a deployment's prompted values (see ENCRYPTED_COLUMNS). */
export function promptedContext(deploymentId: string): string {
  return secretContext('deployment', deploymentId, 'prompted');
}

/** The ciphertext context of a step × target's outputs (see ENCRYPTED_COLUMNS). */
export function outputsContext(deploymentId: string, step: number, targetId: string): string {
  return secretContext('deployment-step', `${deploymentId}:${step}:${targetId}`, 'outputs');
}

/** A stored row as a Deployment (prompted values stay out). */
export function toDeployment(row: Selectable<DeploymentsTable>): Deployment {
  return {
    id: row.id,
    spaceId: row.space_id,
    projectId: row.project_id,
    releaseId: row.release_id,
    environmentId: row.environment_id,
    ...(row.tenant_id === null ? {} : { tenantId: row.tenant_id }),
    channelId: row.channel_id,
    state: row.state as DeploymentState,
    skippedSteps: row.skipped_steps as string[],
    comments: row.comments,
    guidedFailure: row.guided_failure,
    promptedNames: row.prompted_names as string[],
    createdBy: row.created_by,
    createdAt: row.created_at,
    ...(row.started_at === null ? {} : { startedAt: row.started_at }),
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    ...(row.error === null ? {} : { error: row.error }),
    ...(row.stalled_since === null ? {} : { stalledSince: row.stalled_since }),
    version: row.version,
  };
}

/** A deployment as the audit log records it (names of prompted values, never the values). */
export function deploymentJson(d: Deployment): JsonValue {
  // Dates become ISO strings; nothing else in a Deployment needs converting.
  return JSON.parse(JSON.stringify(d)) as JsonValue;
}

/** NOT_FOUND for a deployment (`spaceId` when the caller named one). */
export function deploymentNotFound(id: string, spaceId?: string): SlipwayError {
  return new SlipwayError(
    'NOT_FOUND',
    spaceId === undefined
      ? `There is no deployment "${id}".`
      : `There is no deployment "${id}" in space ${spaceId}.`,
    { data: { entity: 'deployment', id, ...(spaceId === undefined ? {} : { spaceId }) } },
  );
}
