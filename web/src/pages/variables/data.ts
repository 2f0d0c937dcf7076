/**
 * The reads the variable pages share: a whole variable set (every page, with its version), and the
 * names a scope can refer to (environments, channels, tenants, tags, targets, steps, AWS accounts),
 * so a grid shows names where the API stores ids.
 */
import { useQuery } from '@tanstack/react-query';
import { get, spacePath, withQuery } from '../../api/client.js';
import { useApi } from '../../app/hooks.js';
import type { ScopeDimension, StoredVariable, VariablePage } from './grid-model.js';

/** A named thing a scope may refer to. */
export interface Named {
  id: string;
  name: string;
}

/** The choices of each dimension, and a way to name a stored value. */
export interface ScopeOptions {
  environments: Named[];
  channels: Named[];
  tenants: Named[];
  tenantTags: Named[];
  targets: Named[];
  steps: Named[];
  roles: string[];
  awsAccounts: Named[];
  nameOf(dimension: ScopeDimension, value: string): string;
}

interface List<T> {
  items: T[];
  nextCursor?: string;
}

/** Every item of a list route (follows nextCursor, 500 at a time). */
export async function getAll<T>(path: string, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<List<T>>(withQuery(path, { limit: 500, cursor }), signal);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** A whole variable set: every page, and the version to send in If-Match. Refreshed only on demand. */
export function useVariableSet(path: string | undefined) {
  return useQuery({
    queryKey: [path ?? '', 'all'],
    enabled: path !== undefined,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    queryFn: async ({ signal }): Promise<{ items: StoredVariable[]; version: number }> => {
      const items: StoredVariable[] = [];
      let cursor: string | undefined;
      let version: number | undefined;
      do {
        const page = await get<VariablePage>(withQuery(path ?? '', { limit: 500, cursor }), signal);
        items.push(...page.items);
        version = page.variablesVersion;
        cursor = page.nextCursor;
      } while (cursor);
      return { items, version: version ?? 0 };
    },
  });
}

function useList<T>(space: string, collection: string, enabled = true) {
  return useQuery({
    queryKey: [spacePath(space, collection), 'all'],
    enabled,
    queryFn: ({ signal }) => getAll<T>(spacePath(space, collection), signal),
  });
}

interface Tenant extends Named {
  tags?: string[];
}
interface TagSet extends Named {
  tags: { name: string }[];
}
interface Target extends Named {
  roles?: string[];
}
interface ProcessDoc {
  steps?: { name: string; roles?: string[] }[];
}

/** The scope choices in `space`; with `project`, its channels and process steps too. */
export function useScopeOptions(
  space: string,
  project?: string,
): { options: ScopeOptions; loading: boolean } {
  const environments = useList<Named>(space, 'environments');
  const tenants = useList<Tenant>(space, 'tenants');
  const tagSets = useList<TagSet>(space, 'tag-sets');
  const targets = useList<Target>(space, 'ecs-targets');
  const accounts = useList<Named>(space, 'aws-accounts');
  const channels = useQuery({
    queryKey: [spacePath(space, 'projects', project ?? '', 'channels'), 'all'],
    enabled: project !== undefined,
    queryFn: ({ signal }) => getAll<Named>(spacePath(space, 'projects', project ?? '', 'channels'), signal),
  });
  const process = useApi<ProcessDoc>(project ? spacePath(space, 'projects', project, 'process') : undefined);

  const tenantTags = (tagSets.data ?? []).flatMap((s) =>
    s.tags.map((t) => ({ id: `${s.name}/${t.name}`, name: `${s.name}/${t.name}` })),
  );
  const steps = (process.data?.steps ?? []).map((s) => ({ id: s.name, name: s.name }));
  const roles = [
    ...new Set([
      ...(targets.data ?? []).flatMap((t) => t.roles ?? []),
      ...(process.data?.steps ?? []).flatMap((s) => s.roles ?? []),
    ]),
  ].sort();
  const byDimension: Partial<Record<ScopeDimension, Named[]>> = {
    environments: environments.data ?? [],
    channels: channels.data ?? [],
    tenants: tenants.data ?? [],
    targets: targets.data ?? [],
  };
  const options: ScopeOptions = {
    environments: environments.data ?? [],
    channels: channels.data ?? [],
    tenants: tenants.data ?? [],
    tenantTags,
    targets: targets.data ?? [],
    steps,
    roles,
    awsAccounts: accounts.data ?? [],
    nameOf: (dimension, value) => byDimension[dimension]?.find((n) => n.id === value)?.name ?? value,
  };
  const loading = environments.isPending || tenants.isPending || tagSets.isPending || targets.isPending;
  return { options, loading };
}
