/**
 * A tenant's values for variable templates as a form: one cell per connected project × environment ×
 * project template, and one per included library set × common template (docs/api.md, "Variable
 * sets"). Empty cells are left out on save (the template's default then applies); sensitive cells
 * are write-only: a stored value is kept as `{ "set": true }` until a replacement is typed.
 */

/** A variable template as a project's or library set's document holds it. */
export interface VariableTemplate {
  name: string;
  label?: string;
  helpText?: string;
  type: 'text' | 'sensitive' | 'select';
  defaultValue?: string;
  options?: Record<string, string>;
}

/** A stored tenant value as GET /tenants/{id}/variables answers it. */
export type StoredTenantValue =
  | { id: string; project: string; environment: string; template: string; value: string | { set: boolean } }
  | { id: string; librarySet: string; template: string; value: string | { set: boolean } };

/** A tenant value as PUT takes it. */
export type TenantValueInput =
  | { id?: string; project: string; environment: string; template: string; value: string | { set: true } }
  | { id?: string; librarySet: string; template: string; value: string | { set: true } };

/** Where a cell's value belongs. */
export type CellOwner = { project: string; environment: string } | { librarySet: string };

/** One editable value. */
export interface Cell {
  id?: string;
  value: string;
  /** A stored sensitive value is kept (nothing typed). */
  keepSecret: boolean;
}

/** The key of a cell. */
export function cellKey(owner: CellOwner, template: string): string {
  return 'librarySet' in owner
    ? `l|${owner.librarySet}|${template.toLowerCase()}`
    : `p|${owner.project}|${owner.environment}|${template.toLowerCase()}`;
}

/** The cells of the stored values. */
export function toCells(items: readonly StoredTenantValue[]): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const item of items) {
    const owner: CellOwner =
      'librarySet' in item
        ? { librarySet: item.librarySet }
        : { project: item.project, environment: item.environment };
    const secret = typeof item.value !== 'string';
    out[cellKey(owner, item.template)] = {
      id: item.id,
      value: typeof item.value === 'string' ? item.value : '',
      keepSecret: secret && (item.value as { set: boolean }).set,
    };
  }
  return out;
}

/** One template's place in the form (a project section × environment, or a library set). */
export interface TemplateSlot {
  owner: CellOwner;
  template: VariableTemplate;
}

/**
 * The PUT body: each slot's cell that holds a value (typed, or a kept secret), in slot order.
 * Values of templates no longer in the form are left out (the server would refuse them).
 */
export function toTenantDocument(
  slots: readonly TemplateSlot[],
  cells: Record<string, Cell>,
): TenantValueInput[] {
  const out: TenantValueInput[] = [];
  for (const { owner, template } of slots) {
    const cell = cells[cellKey(owner, template.name)];
    if (!cell) continue;
    const keep = template.type === 'sensitive' && cell.keepSecret && cell.value === '';
    if (!keep && cell.value === '') continue;
    const value = keep ? ({ set: true } as const) : cell.value;
    const id = cell.id ? { id: cell.id } : {};
    out.push(
      'librarySet' in owner
        ? { ...id, librarySet: owner.librarySet, template: template.name, value }
        : { ...id, project: owner.project, environment: owner.environment, template: template.name, value },
    );
  }
  return out;
}

/** The slots of a tenant: each connected project's templates per connected environment, then each included set's. */
export function tenantSlots(
  connections: readonly { project: string; environments: readonly string[] }[],
  projects: ReadonlyMap<string, { templates: readonly VariableTemplate[]; librarySets: readonly string[] }>,
  sets: ReadonlyMap<string, { templates: readonly VariableTemplate[] }>,
): TemplateSlot[] {
  const slots: TemplateSlot[] = [];
  const included: string[] = [];
  for (const c of connections) {
    const project = projects.get(c.project);
    if (!project) continue;
    for (const environment of c.environments) {
      for (const template of project.templates)
        slots.push({ owner: { project: c.project, environment }, template });
    }
    for (const s of project.librarySets) if (!included.includes(s)) included.push(s);
  }
  for (const setId of included) {
    for (const template of sets.get(setId)?.templates ?? [])
      slots.push({ owner: { librarySet: setId }, template });
  }
  return slots;
}

/** The API's issues by the index of the value they name ("variables[3].value: ..." → 3); others under -1. */
export function valueErrors(issues: readonly string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const issue of issues) {
    const m = /^variables\[(\d+)\][^:]*: (.*)$/s.exec(issue);
    const index = m ? Number(m[1]) : -1;
    if (!out.has(index)) out.set(index, m ? (m[2] ?? issue) : issue);
  }
  return out;
}
