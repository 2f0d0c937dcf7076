/**
 * Scope matching: does a variable's scope apply to a deployment context, and on which ranked
 * dimensions did it match (the input of precedence.ts). See docs/variables.md, "Matching".
 */
import type { DeploymentContext, VariableScope } from './types.js';

/**
 * The dimensions precedence ranks. `roles` is one scope key but two ranks: a role the target has
 * *and* the step targets (`stepRole`) is more specific than a role the target merely has (`targetRole`).
 */
export type RankedDimension =
  | 'step'
  | 'target'
  | 'stepRole'
  | 'targetRole'
  | 'tenant'
  | 'tenantTag'
  | 'environment'
  | 'channel'
  | 'process';

/** The scope keys of VariableScope, in the order the docs list them. */
export const SCOPE_KEYS = [
  'environments',
  'targets',
  'roles',
  'steps',
  'channels',
  'tenants',
  'tenantTags',
  'processes',
] as const satisfies readonly (keyof VariableScope)[];

/** How a scope matched: one entry per scoped dimension (an unscoped value matches with none). */
export interface ScopeMatch {
  dimensions: RankedDimension[];
}

/**
 * Scope values and context values compare case-insensitively: ids we generate are
 * case-insensitive anyway (UUIDs, ULIDs), and names typed by people should not fail on case.
 */
export function foldCase(value: string): string {
  return value.toLowerCase();
}

function scoped(values: readonly string[] | undefined): values is readonly string[] {
  // An empty list is the same as no list: the dimension is not scoped.
  return values !== undefined && values.length > 0;
}

function includesAny(values: readonly string[], actual: readonly (string | undefined)[]): boolean {
  const wanted = new Set(values.map(foldCase));
  return actual.some((a) => a !== undefined && wanted.has(foldCase(a)));
}

/** The rank a `roles` scope matches at, or undefined when it does not match. */
export function roleMatch(roles: readonly string[], context: DeploymentContext): RankedDimension | undefined {
  const { target, step } = context;
  if (target !== undefined) {
    // With a target, only the target's roles count; the step's roles only raise the rank.
    const stepRoles = new Set((step?.roles ?? []).map(foldCase));
    const hits = roles.map(foldCase).filter((r) => target.roles.some((t) => foldCase(t) === r));
    if (hits.length === 0) return undefined;
    return hits.some((r) => stepRoles.has(r)) ? 'stepRole' : 'targetRole';
  }
  // A step-level evaluation (no target yet): the roles the step targets are the roles its targets will have.
  if (step !== undefined && includesAny(roles, step.roles)) return 'targetRole';
  return undefined;
}

/** Whether `scope` applies to `context`: values OR within a dimension, dimensions AND; undefined when it does not. */
export function matchScope(scope: VariableScope, context: DeploymentContext): ScopeMatch | undefined {
  const dimensions: RankedDimension[] = [];
  const simple: [readonly string[] | undefined, string | undefined, RankedDimension][] = [
    [scope.steps, context.step?.id, 'step'],
    [scope.targets, context.target?.id, 'target'],
    // Untenanted deployments have no tenant id, so tenant-scoped values can never match them.
    [scope.tenants, context.tenant?.id, 'tenant'],
    [scope.environments, context.environment, 'environment'],
    [scope.channels, context.channel, 'channel'],
    [scope.processes, context.process, 'process'],
  ];
  for (const [values, actual, dimension] of simple) {
    if (!scoped(values)) continue;
    if (!includesAny(values, [actual])) return undefined;
    dimensions.push(dimension);
  }
  if (scoped(scope.tenantTags)) {
    // Same rule as tenants: no tenant, no tags, no match.
    if (context.tenant === undefined || !includesAny(scope.tenantTags, context.tenant.tags)) return undefined;
    dimensions.push('tenantTag');
  }
  if (scoped(scope.roles)) {
    const rank = roleMatch(scope.roles, context);
    if (rank === undefined) return undefined;
    dimensions.push(rank);
  }
  return { dimensions };
}
