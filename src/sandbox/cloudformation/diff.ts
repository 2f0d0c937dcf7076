/**
 * What an update would change, resource by resource: the Changes of a change set, and the test
 * behind UpdateStack's "No updates are to be performed." Properties are evaluated against the
 * stack as it stands; a resource that refers to one being replaced changes too (Dynamic).
 */
import type { StackScope } from './engine-context.js';
import { changedProperties, sameJson } from './compare.js';
import type { CfnChange, CfnStack, StackConfig } from './model.js';
import { evaluateOutputs } from './outputs.js';
import { evaluateProperties } from './prepare.js';
import { providerFor } from './resources/index.js';

function exists(stack: CfnStack, id: string): boolean {
  const r = stack.resources[id];
  return r !== undefined && r.physicalId !== '' && !r.status.startsWith('DELETE');
}

/** The resource changes from the stack's current state to `target`, in template order. */
export function computeChanges(scope: StackScope, stack: CfnStack, target: StackConfig): CfnChange[] {
  const changes: CfnChange[] = [];
  const replaced = new Set<string>();
  const tagsChanged = !sameJson(stack.config.tags, target.tags);
  for (const [id, decl] of Object.entries(target.declared)) {
    if (!exists(stack, id)) {
      changes.push({ action: 'Add', logicalId: id, type: decl.type, scope: [], details: [] });
      continue;
    }
    const current = stack.resources[id]!;
    let after: Record<string, unknown> | undefined;
    try {
      after = evaluateProperties(scope.cfn, stack, scope.account.id, scope.region, target, id, new Set());
    } catch {
      // Not evaluable against the current stack: the value is only known during the update.
    }
    const provider = providerFor(decl.type);
    const changed = after === undefined ? [] : changedProperties(current.properties, after);
    const typeChanged = current.type !== decl.type;
    const tags = tagsChanged && provider?.systemTags === true;
    if (changed.length === 0 && !typeChanged && !tags && after !== undefined) continue;
    const replace = typeChanged || changed.some((k) => provider?.replaceOn.includes(k) === true);
    if (replace) replaced.add(id);
    changes.push({
      action: 'Modify',
      logicalId: id,
      physicalId: current.physicalId,
      type: decl.type,
      replacement: after === undefined ? 'Conditional' : replace ? 'True' : 'False',
      scope: [
        ...(changed.length > 0 || after === undefined ? ['Properties'] : []),
        ...(tags ? ['Tags'] : []),
      ],
      details: [
        ...changed.map((name) => ({
          attribute: 'Properties',
          name,
          requiresRecreation: provider?.replaceOn.includes(name) === true ? 'Always' : 'Never',
          evaluation: 'Static',
        })),
        ...(tags ? [{ attribute: 'Tags', requiresRecreation: 'Never', evaluation: 'Static' }] : []),
      ],
    });
  }
  // Resources that refer to a replaced one get its new physical id during the update.
  for (const [id, decl] of Object.entries(target.declared)) {
    if (!exists(stack, id) || changes.some((c) => c.logicalId === id)) continue;
    const causes = (target.dependencies[id] ?? []).filter((d) => replaced.has(d));
    if (causes.length === 0) continue;
    changes.push({
      action: 'Modify',
      logicalId: id,
      physicalId: stack.resources[id]!.physicalId,
      type: decl.type,
      replacement: 'Conditional',
      scope: ['Properties'],
      details: [{ attribute: 'Properties', requiresRecreation: 'Conditionally', evaluation: 'Dynamic' }],
    });
  }
  for (const r of Object.values(stack.resources)) {
    if (r.logicalId in target.declared || r.status.startsWith('DELETE')) continue;
    changes.push({
      action: 'Remove',
      logicalId: r.logicalId,
      physicalId: r.physicalId,
      type: r.type,
      scope: [],
      details: [],
    });
  }
  return changes;
}

/** Whether applying `target` changes anything at all: resources, tags or outputs. */
export function hasChanges(scope: StackScope, stack: CfnStack, target: StackConfig): boolean {
  if (!sameJson(stack.config.tags, target.tags)) return true;
  if (computeChanges(scope, stack, target).length > 0) return true;
  try {
    const outputs = evaluateOutputs(scope, stack, target);
    return !sameJson(outputs, stack.outputs);
  } catch {
    return true;
  }
}
