/** Fixtures shared by this module's tests (not used by the product). */
import type {
  DeploymentContext,
  ScopedVariable,
  VariableScope,
  VariableSource,
} from '../../src/core/variables/types.js';

export const PROJECT: VariableSource = { kind: 'project' };

/** A library-set source; `includeOrder` omitted unless given. */
export function library(setId: string, includeOrder?: number, setName = `Set ${setId}`): VariableSource {
  return includeOrder === undefined
    ? { kind: 'library', setId, setName }
    : { kind: 'library', setId, setName, includeOrder };
}

/** A text variable (project source, unscoped unless told). */
export function variable(
  id: string,
  name: string,
  value: string,
  scope: VariableScope = {},
  extra: Partial<ScopedVariable> = {},
): ScopedVariable {
  return { id, name, value, type: 'text', scope, source: PROJECT, ...extra };
}

/**
 * A context in which every dimension is present: target `ecs-1` has roles web and db, step
 * `deploy` targets web (so `web` is a step role and `db` only a target role).
 */
export const FULL: DeploymentContext = {
  environment: 'Production',
  tenant: { id: 'tenant-acme', tags: ['Region/EU', 'Tier/Gold'] },
  channel: 'Beta',
  target: { id: 'ecs-1', roles: ['web', 'db'] },
  step: { id: 'deploy', roles: ['web'] },
  process: 'deployment',
};

/** The same deployment, untenanted. */
export const UNTENANTED: DeploymentContext = { ...FULL, tenant: undefined };
