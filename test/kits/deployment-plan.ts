/** Fixtures for the deployment planning tests (not used by the product). */
import type { ScopedVariable, VariableScope } from '../../src/core/variables/types.js';
import type { DeploymentFacts, ProcessStep, TargetInfo } from '../../src/core/deployments/types.js';

/** A step with every list empty and the defaults of the process schema, overridden by `extra`. */
export function step(name: string, extra: Partial<ProcessStep> = {}): ProcessStep {
  return {
    name,
    condition: 'success',
    startTrigger: 'after-previous',
    roles: [],
    environments: [],
    excludedEnvironments: [],
    channels: [],
    tenantTags: [],
    disabled: false,
    required: false,
    action: { type: 'run-script', packages: [], script: 'echo hi' },
    ...extra,
  };
}

/** An untenanted-only target in Environments-1 with `roles`, overridden by `extra`. */
export function target(id: string, roles: string[], extra: Partial<TargetInfo> = {}): TargetInfo {
  return {
    id,
    name: `Cluster ${id}`,
    roles,
    environments: ['Environments-1'],
    tenantedParticipation: 'untenanted',
    tenants: [],
    tenantTags: [],
    region: 'eu-west-1',
    cluster: `cluster-${id}`,
    ...extra,
  };
}

/** Tenant acme, tagged Region/EU and Tier/Gold. */
export const ACME = { id: 'Tenants-1', name: 'Acme', tags: ['Region/EU', 'Tier/Gold'] };

/** An untenanted deployment of release 1.4.2 (channel Default) to Production (Environments-1). */
export function facts(extra: Partial<DeploymentFacts> = {}): DeploymentFacts {
  return {
    deploymentId: 'Deployments-7',
    deploymentName: 'Deploy to Production',
    createdBy: 'alice',
    project: { id: 'Projects-1', name: 'Web', slug: 'web' },
    environment: { id: 'Environments-1', name: 'Production' },
    release: {
      id: 'Releases-3',
      version: '1.4.2',
      notes: 'Fixes',
      channel: { id: 'Channels-1', name: 'Default' },
    },
    process: { steps: [] },
    packages: [],
    registries: {},
    skippedSteps: [],
    targets: [],
    ...extra,
  };
}

/** A text variable from the project, unscoped unless told. */
export function variable(
  id: string,
  name: string,
  value: string,
  scope: VariableScope = {},
  extra: Partial<ScopedVariable> = {},
): ScopedVariable {
  return { id, name, value, type: 'text', scope, source: { kind: 'project' }, ...extra };
}
