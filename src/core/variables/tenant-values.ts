/**
 * A tenant's template values for one deployment (project × environment), as Octopus gives them: each
 * template's default stands in for a tenant that set no value, a value the tenant set wins, project
 * templates count for their project and environment only, common (library set) templates always,
 * and sensitive templates are masked. One rule for deployments, the CloudFormation export and the
 * variable preview. Pure.
 */

/** A variable template of a project or a library set. */
export interface TenantTemplate {
  name: string;
  type?: string;
  defaultValue?: string;
}

/** A value a tenant set: for a common template, or for a project template in one environment. */
export type TenantTemplateValue =
  | { template: string; value: string }
  | { template: string; value: string; project: string; environment: string };

/** The values a deployment sees, the sensitive names, and the names whose value is a template's default (lower case). */
export interface TenantValues {
  values: Record<string, string>;
  sensitive: string[];
  defaults: Set<string>;
}

/** The tenant's values for `projectId` in `environmentId` (see the module comment). */
export function tenantTemplateValues(
  templates: readonly TenantTemplate[],
  set: readonly TenantTemplateValue[],
  projectId: string,
  environmentId: string,
): TenantValues {
  const values: Record<string, string> = {};
  const sensitive: string[] = [];
  const defaults = new Set<string>();
  for (const t of templates) {
    if (typeof t.defaultValue === 'string') {
      values[t.name] = t.defaultValue;
      defaults.add(t.name.toLowerCase());
    }
    if (t.type === 'sensitive') sensitive.push(t.name);
  }
  for (const v of set) {
    if ('project' in v && (v.project !== projectId || v.environment !== environmentId)) continue;
    values[v.template] = v.value;
    defaults.delete(v.template.toLowerCase());
  }
  return { values, sensitive, defaults };
}
