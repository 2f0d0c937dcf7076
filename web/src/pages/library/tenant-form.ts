/** The tenant editor's form and document, tag choices from tag sets, and the tenant list's filter. */
import type { ConnectionJson, TagSetJson, TenantJson } from './types.js';

/** The tenant being edited. */
export interface TenantForm {
  name: string;
  description: string;
  tags: string[];
  projects: ConnectionJson[];
}

/** An empty tenant form. */
export function emptyTenantForm(): TenantForm {
  return { name: '', description: '', tags: [], projects: [] };
}

/** The form for a tenant as read. */
export function tenantToForm(t: TenantJson): TenantForm {
  return {
    name: t.name,
    description: t.description,
    tags: [...t.tags],
    projects: t.projects.map((p) => ({ project: p.project, environments: [...p.environments] })),
  };
}

/** The document a POST or PUT of a tenant takes. */
export function formToTenant(f: TenantForm): TenantForm {
  return { ...f, name: f.name.trim() };
}

/** `list` with `value` added (at the end) or removed. */
export function toggle(list: readonly string[], value: string, on: boolean): string[] {
  const without = list.filter((v) => v !== value);
  return on ? [...without, value] : without;
}

/** The tenant connected to `project` in `environment` or not (a project without environments is dropped). */
export function setConnection(
  form: TenantForm,
  project: string,
  environment: string,
  on: boolean,
): TenantForm {
  const existing = form.projects.find((p) => p.project === project);
  const environments = toggle(existing?.environments ?? [], environment, on);
  const others = form.projects.filter((p) => p.project !== project);
  if (environments.length === 0) return { ...form, projects: others };
  const updated = { project, environments };
  return {
    ...form,
    projects: existing
      ? form.projects.map((p) => (p.project === project ? updated : p))
      : [...others, updated],
  };
}

/** Every tag `Set/Tag` the tag sets offer, grouped by set. */
export function tagChoices(
  sets: readonly TagSetJson[],
): { set: string; tags: { value: string; name: string; color: string }[] }[] {
  return sets.map((s) => ({
    set: s.name,
    tags: s.tags.map((t) => ({ value: `${s.name}/${t.name}`, name: t.name, color: t.color })),
  }));
}

/**
 * The tenants whose name contains `search` (ignoring case) and that have every tag in `tags`.
 */
export function filterTenants<T extends { name: string; tags: readonly string[] }>(
  tenants: readonly T[],
  search: string,
  tags: readonly string[],
): T[] {
  const needle = search.trim().toLowerCase();
  const wanted = tags.map((t) => t.toLowerCase());
  return tenants.filter(
    (t) =>
      (needle === '' || t.name.toLowerCase().includes(needle)) &&
      wanted.every((w) => t.tags.some((tag) => tag.toLowerCase() === w)),
  );
}
