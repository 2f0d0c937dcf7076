/** Hooks every page uses: the space from the URL, API reads through the query cache, the page title. */
import { useQuery, type UseQueryOptions } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useParams } from 'react-router';
import { get } from '../api/client.js';

/** The space of the current page (the `:space` of /spaces/:space/...), default "Default". */
export function useSpace(): string {
  return useParams().space ?? 'Default';
}

/**
 * GET `path` (from /api/...) through the query cache: keyed by the path, so every page reading the
 * same thing shares one request, and a mutation refreshes it with `invalidateQueries({ queryKey: [path] })`.
 */
export function useApi<T>(
  path: string | undefined,
  options: Omit<UseQueryOptions<T, Error, T, [string]>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<T, Error, T, [string]>({
    queryKey: [path ?? ''],
    queryFn: ({ signal }) => get<T>(path ?? '', signal),
    enabled: path !== undefined && (options.enabled ?? true),
    ...options,
  });
}

/** Sets the browser tab's title to "<title> · Slipway". */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Slipway` : 'Slipway';
  }, [title]);
}
