/**
 * The step's values for one environment (and tenant), for the CloudFormation export: the project's
 * current variables (project + library sets, as a release would freeze them) and the tenant's
 * values ranked and layered by core's stepVariables, each property evaluated by core's
 * evaluateAction. There is no release, deployment or target here: their system variables, and
 * channel- or target-scoped values, do not apply, and a property using them stays an expression.
 *
 * Sensitive values never leave in clear: a property whose value holds a sensitive value (or one
 * derived from it, `#{Secret | ToBase64}`) is exported as its `#{...}` expression.
 */
import { isSlipwayError } from '../../core/errors.js';
import {
  stepVariables,
  type DeploymentFacts,
  type ProcessStep,
  type StepVariables,
} from '../../core/deployments/index.js';
import type { Environment } from '../../core/model/environment.js';
import type { Resource } from '../../core/model/resource.js';
import { evaluationThreads } from '../../jobs/evaluation-thread.js';
import { inTransaction } from '../../store/audit.js';
import { currentVariables } from '../../store/release-snapshot.js';
import { loadTenantValues } from '../../jobs/facts.js';
import type { ServerDeps } from '../deps.js';

/** System variables of a release or deployment: no such thing exists for an export, so they stay expressions. */
const UNKNOWN_HERE = /^Octopus\.(Release|Deployment)\.(?!Tenant\.)/i;

/** What the export is evaluated for. */
export interface ExportScope {
  spaceId: string;
  project: Resource;
  librarySets: (Resource | undefined)[];
  step: ProcessStep;
  environment: Environment;
  tenant?: Resource;
}

/** The step's variables in `scope` (see the file's comment). */
export async function exportVariables(deps: ServerDeps, scope: ExportScope): Promise<StepVariables> {
  const { spaceId, project, step, environment, tenant } = scope;
  const snapshot = await inTransaction(deps.store.db, (trx) =>
    currentVariables(trx, deps.secrets, spaceId, project.id, undefined),
  );
  const tenantLayer = tenant
    ? await loadTenantValues(deps.store, deps.secrets, {
        spaceId,
        project,
        librarySets: scope.librarySets,
        tenantId: tenant.id,
        environmentId: environment.id,
      })
    : { values: {}, sensitive: [] };
  const facts: DeploymentFacts = {
    deploymentId: '',
    deploymentName: '',
    createdBy: '',
    project: {
      id: project.id,
      name: project.name,
      ...(typeof project.data.slug === 'string' ? { slug: project.data.slug } : {}),
    },
    environment: { id: environment.id, name: environment.name },
    release: { id: '', version: '', notes: '', channel: { id: '', name: '' } },
    ...(tenant
      ? {
          tenant: {
            id: tenant.id,
            name: tenant.name,
            tags: Array.isArray(tenant.data.tags) ? (tenant.data.tags as string[]) : [],
          },
        }
      : {}),
    process: { steps: [step] },
    packages: [],
    registries: {},
    skippedSteps: [],
    targets: [],
  };
  const variables = stepVariables({
    facts,
    snapshot,
    tenantValues: tenantLayer.values,
    sensitiveTenantValues: tenantLayer.sensitive,
    prompted: {},
    outputs: {},
    step: { index: 0, name: step.name, group: 0, targetIds: [], condition: 'success', required: false },
  });
  for (const name of Object.keys(variables.values)) {
    if (UNKNOWN_HERE.test(name)) delete variables.values[name];
  }
  return variables;
}

/**
 * Evaluates each string property of `action` on its own with evaluateAction (in the evaluation
 * threads, off the event loop): one that refers to a value this scope lacks stays as written (the
 * export keeps the expression), one whose value holds a sensitive value is kept as written too.
 * Cycles and over-budget templates still throw.
 */
export async function evaluateForExport(
  action: ProcessStep['action'],
  variables: StepVariables,
): Promise<ProcessStep['action']> {
  const one = async (value: string): Promise<string> => {
    if (!value.includes('#{')) return value;
    let out: unknown;
    try {
      const evaluated = await evaluationThreads.evaluateAction(
        { type: action.type, packages: [], value } as ProcessStep['action'],
        variables,
      );
      out = (evaluated as { value?: unknown }).value;
    } catch (e) {
      if (isSlipwayError(e) && e.code === 'INVALID_INPUT') return value;
      throw e;
    }
    const text = typeof out === 'string' ? out : value;
    // variables.sensitive grew with what evaluateAction derived from secrets.
    return variables.sensitive.some((s) => s !== '' && text.includes(s)) ? value : text;
  };
  const walk = async (value: unknown, path: (string | number)[]): Promise<unknown> => {
    if (typeof value === 'string') return one(value);
    if (Array.isArray(value)) return Promise.all(value.map((v, i) => walk(v, [...path, i])));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        // The type and the package references are identifiers, never templates (as evaluateAction).
        const literal = path.length === 0 && (k === 'type' || k === 'packages');
        Object.defineProperty(out, k, {
          value: literal ? v : await walk(v, [...path, k]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    return value;
  };
  return (await walk(action, [])) as ProcessStep['action'];
}
