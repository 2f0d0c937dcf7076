/**
 * Checks, before anything is written, that every name a configuration file refers to exists: in the
 * file itself or already in the space. A typo then fails the whole apply up front, naming the place
 * in the file, instead of stopping halfway through.
 */
import { kindLabel, type DesiredState } from './config-file.js';
import { formatPath, isRecord } from './names.js';
import { PendingNames } from './plan.js';
import { tenantVariableRefs, variableRefs } from './variables.js';
import { SlipwayError } from '../errors.js';
import { RESOURCE_KINDS } from '../model/kinds/index.js';
import type { RefTarget, ResourceRef } from '../model/resource.js';
import type { SpaceState } from './space-state.js';

/** A reference target in the user's words. */
export function targetLabel(target: RefTarget): string {
  if (target === 'tag') return 'tenant tag';
  if (target === 'user') return 'user';
  return kindLabel(target);
}

function tagNames(doc: unknown): string[] {
  if (!isRecord(doc) || !Array.isArray(doc.tags)) return [];
  return doc.tags.flatMap((t) => (isRecord(t) && typeof t.name === 'string' ? [t.name] : []));
}

/** Throws INVALID_INPUT naming each reference to something neither the file nor the space has. */
export function checkReferences(state: DesiredState, space: SpaceState, spaceName: string): void {
  const { index } = space;
  const inFile = new PendingNames();
  for (const e of state.entities) inFile.add(e.kind, e.name, e.project);

  // A tag set in the file replaces the stored one's tags; the others keep theirs.
  const tags = new Set<string>();
  const fileSets = new Set<string>();
  for (const e of state.entities) {
    if (e.kind !== 'tag-set') continue;
    fileSets.add(e.name.toLowerCase());
    for (const t of tagNames(e.parsed)) tags.add(`${e.name}/${t}`.toLowerCase());
  }
  for (const item of space.resources.get('tag-set') ?? []) {
    if (fileSets.has(item.name.toLowerCase())) continue;
    for (const t of tagNames(item)) tags.add(`${item.name}/${t}`.toLowerCase());
  }

  const known = (ref: ResourceRef, project: string | undefined): boolean => {
    if (ref.target === 'user') return true;
    if (ref.target === 'tag') return tags.has(ref.value.toLowerCase());
    if (inFile.has(ref.target, ref.value, project)) return true;
    const projectId = project === undefined ? undefined : index.idOf('project', project);
    return index.idOf(ref.target, ref.value, projectId) !== undefined;
  };
  const issues: string[] = [];
  const check = (refs: readonly ResourceRef[], where: string, project: string | undefined) => {
    for (const ref of refs) {
      if (known(ref, project)) continue;
      const scope = ref.target === 'channel' ? ` of project "${project ?? ''}"` : '';
      issues.push(
        `${formatPath(ref.path, where)}: there is no ${targetLabel(ref.target)} "${ref.value}"${scope} ` +
          `in the file or in space "${spaceName}"`,
      );
    }
  };
  for (const e of state.entities) {
    if (e.kind === 'environment') continue;
    check(RESOURCE_KINDS[e.kind].refs(e.parsed), e.path, e.kind === 'project' ? e.name : e.project);
  }
  for (const set of state.variableSets) {
    set.parsed.forEach((v, i) => {
      const refs = 'template' in v ? tenantVariableRefs(v) : variableRefs(v);
      check(refs, `${set.path}[${i}]`, set.owner === 'project' ? set.ownerName : undefined);
    });
  }
  if (issues.length > 0) {
    throw new SlipwayError(
      'INVALID_INPUT',
      `The file refers to things that do not exist (nothing was applied):\n  ${issues.join('\n  ')}`,
      { data: { issues } },
    );
  }
}
