/**
 * The resource graph: which resources each one waits for (DependsOn, Ref, Fn::GetAtt, Fn::Sub),
 * among the resources whose condition holds, with AWS's unresolved and circular errors.
 */
import type { ParsedTemplate } from '../contracts.js';
import { bracketList, fail, formatError } from './errors.js';
import { visitReferences } from './references.js';

function holds(condition: string | undefined, conditions: Record<string, boolean>): boolean {
  return condition === undefined || conditions[condition] === true;
}

/** The members of a cycle, sorted, if the graph has one (Tarjan's strongly connected components). */
function findCycle(graph: Record<string, string[]>): string[] | undefined {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  let counter = 0;
  let found: string[] | undefined;
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph[node] ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next))
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const selfLoop = component.length === 1 && (graph[node] ?? []).includes(node);
    if (!found && (component.length > 1 || selfLoop)) found = component.sort();
  };
  for (const node of Object.keys(graph)) if (!index.has(node)) connect(node);
  return found;
}

/**
 * Resource → the resources it depends on, for resources whose condition holds. Also checks that
 * the outputs whose condition holds refer to no excluded resource.
 */
export function dependencies(
  template: ParsedTemplate,
  conditions: Record<string, boolean>,
): Record<string, string[]> {
  const included = new Set(
    Object.entries(template.resources)
      .filter(([, r]) => holds(r.condition, conditions))
      .map(([id]) => id),
  );
  const branch = (condition: string): boolean => conditions[condition] === true;
  const graph: Record<string, string[]> = {};
  const unresolved = new Set<string>();
  const referTo = (into: Set<string>) => (name: string) => {
    if (included.has(name)) into.add(name);
    else if (name in template.resources) unresolved.add(name);
  };
  for (const id of included) {
    const resource = template.resources[id];
    if (!resource) continue;
    const deps = new Set<string>();
    resource.dependsOn.forEach(referTo(deps));
    // Refs in Metadata and the policies order resources too, as in AWS.
    const raw = (template.document.Resources as Record<string, Record<string, unknown> | undefined>)[id];
    const scanned = [resource.properties, raw?.Metadata, raw?.CreationPolicy, raw?.UpdatePolicy];
    visitReferences(scanned, { ref: referTo(deps), getAtt: referTo(deps), branch });
    graph[id] = [...deps];
  }
  // A resource whose condition is false does not exist: referring to it is an unresolved dependency.
  if (unresolved.size > 0) {
    formatError(
      `Unresolved resource dependencies ${bracketList(unresolved)} in the Resources block of the template`,
    );
  }
  for (const output of Object.values(template.outputs)) {
    if (!holds(output.condition, conditions)) continue;
    const ignore = new Set<string>();
    visitReferences([output.value, output.exportName], {
      ref: referTo(ignore),
      getAtt: referTo(ignore),
      branch,
    });
  }
  if (unresolved.size > 0) {
    formatError(
      `Unresolved resource dependencies ${bracketList(unresolved)} in the Outputs block of the template`,
    );
  }
  const cycle = findCycle(graph);
  if (cycle) fail(`Circular dependency between resources: ${bracketList(cycle)}`);
  return graph;
}
