/**
 * The reads the project pages share, each through the query cache (useApi keys by path, so the
 * pages share one request and a mutation refreshes it by path prefix).
 */
import type { QueryClient } from '@tanstack/react-query';
import { spacePath, withQuery } from '../../api/client.js';
import { useApi } from '../../app/hooks.js';
import type {
  ChannelView,
  DeploymentView,
  Named,
  PageOf,
  ProjectView,
  ReleaseView,
  TagSetView,
  TenantView,
} from './model.js';

/** The largest page the API gives (lists here are read whole in one page). */
export const ALL = 500;

/** GET /projects/{project}. */
export function useProject(space: string, project: string) {
  return useApi<ProjectView>(spacePath(space, 'projects', project));
}

/** Every environment of the space, in lifecycle order. */
export function useEnvironments(space: string) {
  return useApi<PageOf<Named>>(withQuery(spacePath(space, 'environments'), { limit: ALL }));
}

/** Every tenant of the space. */
export function useTenants(space: string, enabled = true) {
  return useApi<PageOf<TenantView>>(withQuery(spacePath(space, 'tenants'), { limit: ALL }), { enabled });
}

/** Every tag set of the space. */
export function useTagSets(space: string, enabled = true) {
  return useApi<PageOf<TagSetView>>(withQuery(spacePath(space, 'tag-sets'), { limit: ALL }), { enabled });
}

/** The project's channels. */
export function useChannels(space: string, project: string) {
  return useApi<PageOf<ChannelView>>(
    withQuery(spacePath(space, 'projects', project, 'channels'), { limit: ALL }),
  );
}

/** The project's releases, newest first (the newest `limit`). */
export function useReleases(space: string, projectId: string | undefined, limit = 50) {
  return useApi<PageOf<ReleaseView>>(
    projectId === undefined
      ? undefined
      : withQuery(spacePath(space, 'releases'), { project: projectId, limit }),
  );
}

/** The path of the project's deployments (newest first), optionally of one release. */
export function deploymentsPath(space: string, projectId: string, releaseId?: string): string {
  return withQuery(spacePath(space, 'deployments'), { project: projectId, release: releaseId, limit: ALL });
}

/** The project's deployments, newest first; refreshed every few seconds while any is not final. */
export function useDeployments(space: string, projectId: string | undefined, releaseId?: string) {
  return useApi<PageOf<DeploymentView>>(
    projectId === undefined ? undefined : deploymentsPath(space, projectId, releaseId),
    {
      refetchInterval: (query) =>
        query.state.data?.items.some((d) => !['success', 'failed', 'canceled', 'timed-out'].includes(d.state))
          ? 2000
          : false,
    },
  );
}

/** Refreshes every read of releases, deployments and progressions of the space after a change. */
export async function refreshReleases(client: QueryClient, space: string): Promise<void> {
  const prefixes = [
    spacePath(space, 'releases'),
    spacePath(space, 'deployments'),
    spacePath(space, 'dashboard'),
  ];
  await client.invalidateQueries({
    predicate: (q) =>
      typeof q.queryKey[0] === 'string' && prefixes.some((p) => (q.queryKey[0] as string).startsWith(p)),
  });
}
