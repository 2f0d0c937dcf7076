/** Rendering task definition changes as readable lines. */
import type { TaskDefinitionChange } from './types.js';

/**
 * A readable, line-oriented rendering of changes (for `--diff` and logs), e.g.
 * `container web: image "nginx:1.1" → "nginx:1.2"`, `container web: environment LOG_LEVEL added "debug"`,
 * `taskDefinition cpu "256" → "512"`. Values are JSON, so `""`, numbers and strings stay distinct.
 */
export function formatChanges(changes: TaskDefinitionChange[]): string[] {
  return changes.map(formatChange);
}

function formatChange(c: TaskDefinitionChange): string {
  if (c.container !== undefined && c.field === 'container') {
    const def = c.after ?? c.before;
    const image =
      typeof def === 'object' && def !== null && 'image' in def ? ` (image ${show(def.image)})` : '';
    return `container ${c.container}: ${c.after === undefined ? 'removed' : 'added'}${image}`;
  }
  const prefix = c.container === undefined ? 'taskDefinition ' : `container ${c.container}: `;
  return `${prefix}${fieldLabel(c)} ${describe(c.before, c.after)}`;
}

/** `environment.LOG_LEVEL` reads as `environment LOG_LEVEL` (names may contain dots, so split once). */
function fieldLabel(c: TaskDefinitionChange): string {
  if (c.container === undefined) return c.field;
  for (const list of ['environment.', 'secrets.']) {
    if (c.field.startsWith(list)) return `${list.slice(0, -1)} ${c.field.slice(list.length)}`;
  }
  return c.field;
}

function describe(before: unknown, after: unknown): string {
  if (before === undefined) return `added ${show(after)}`;
  if (after === undefined) return `removed (was ${show(before)})`;
  return `${show(before)} → ${show(after)}`;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? String(value);
}
