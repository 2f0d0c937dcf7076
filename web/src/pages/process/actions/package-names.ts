/** The package reference names of the action at `prefix`, for a container's image picker. */
import { useWatch } from 'react-hook-form';
import type { Option } from '../editor-context.js';

/** Options naming each package reference of the action at `prefix` (`steps.0.action`). */
export function usePackageOptions(prefix: string): Option[] {
  const packages: unknown = useWatch({ name: `${prefix}.packages` });
  if (!Array.isArray(packages)) return [];
  return packages
    .map((p: unknown) => (typeof p === 'object' && p !== null ? (p as { name?: unknown }).name : undefined))
    .filter((n): n is string => typeof n === 'string' && n !== '')
    .map((n) => ({ value: n, label: n }));
}
