/**
 * The plan as text: one line per entity (`+ create project "web"`, `~ update lifecycle "Standard"
 * (phases)`, `= unchanged feed "Hub"`) and a summary line; after applying, what was done.
 */
import { summarise, type PlanEntry, type PlanSummary } from './plan.js';

const SIGN = { create: '+', update: '~', unchanged: '=' } as const;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `project "web"`, `channel "Beta" of project "web"`, `deployment process of project "web"`. */
export function entryTitle(e: PlanEntry): string {
  return `${e.what}${e.name !== undefined ? ` "${e.name}"` : ''}${e.owner !== undefined ? ` of ${e.owner}` : ''}`;
}

function detail(e: PlanEntry): string {
  const parts: string[] = [];
  if (e.counts !== undefined && e.action !== 'unchanged') {
    const { added, updated, removed } = e.counts;
    parts.push(
      e.action === 'create'
        ? plural(added, 'variable')
        : [`${added} added`, `${updated} changed`, `${removed} removed`].join(', '),
    );
  } else if (e.action === 'update' && e.changedFields.length > 0) {
    parts.push(e.changedFields.join(', '));
  }
  if (e.note !== undefined) parts.push(e.note);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** One plan line. */
export function renderEntry(e: PlanEntry): string {
  return `${SIGN[e.action]} ${e.action} ${entryTitle(e)}${detail(e)}`;
}

/** `Plan: 2 to create, 1 to update, 7 unchanged.` */
export function renderSummary(s: PlanSummary): string {
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.unchanged} unchanged.`;
}

/** The whole plan: a header, one line per entry, the summary. */
export function renderPlan(entries: readonly PlanEntry[], where: { space: string; server: string }): string {
  const lines = [
    `Plan for space "${where.space}" at ${where.server}:`,
    ...entries.map((e) => `  ${renderEntry(e)}`),
  ];
  if (entries.length === 0) lines.push('  (the file lists nothing)');
  lines.push(renderSummary(summarise(entries)));
  return lines.join('\n') + '\n';
}

const DONE = { create: 'created', update: 'updated', unchanged: 'unchanged' } as const;

/** One line of the result: `+ created project "web"`. */
export function renderOutcome(e: PlanEntry): string {
  return `${SIGN[e.action]} ${DONE[e.action]} ${entryTitle(e)}${detail(e)}`;
}

/**
 * The end of an apply: `Applied: 2 created, 1 updated, 7 unchanged.`, or for a failure which entry
 * failed and that what was applied before it stays applied.
 */
export function renderApplyResult(entries: readonly PlanEntry[]): string {
  const done = entries.filter((e) => e.outcome === 'applied');
  const created = done.filter((e) => e.action === 'create').length;
  const updated = done.filter((e) => e.action === 'update').length;
  const unchanged = entries.filter((e) => e.action === 'unchanged').length;
  const failed = entries.find((e) => e.outcome === 'failed');
  if (failed === undefined) {
    return `Applied: ${created} created, ${updated} updated, ${unchanged} unchanged.\n`;
  }
  const left = entries.filter((e) => e.outcome === 'not-applied').length;
  return (
    `Failed to ${failed.action} ${entryTitle(failed)} (${failed.path}): ${failed.error?.message ?? 'unknown error'}\n` +
    `${plural(done.length, 'change')} before it stayed applied (${created} created, ${updated} updated); ` +
    `${plural(left, 'change')} after it ${left === 1 ? 'was' : 'were'} not applied. ` +
    'Fix the problem and run apply again: it picks up where this one stopped.\n'
  );
}
