/** Scoped variables: the model of octopus-model.md's "Variables" (see docs/variables.md). */

/** The scope dimensions. Within a dimension values OR; across dimensions AND; no dimension = unscoped. */
export interface VariableScope {
  environments?: string[];
  targets?: string[];
  /** Target roles. */
  roles?: string[];
  steps?: string[];
  channels?: string[];
  tenants?: string[];
  /** Tenant tags, `Set/Tag`. */
  tenantTags?: string[];
  processes?: string[];
}

export type VariableType = 'text' | 'sensitive' | 'aws-account' | 'certificate' | 'worker-pool';

export interface VariablePrompt {
  label: string;
  description?: string;
  required: boolean;
  control: 'single-line' | 'multi-line' | 'checkbox' | 'select';
  /** For `select`: value → display text. */
  options?: Record<string, string>;
}

/** Where a value comes from: the project, or an included library variable set (ranks below the project at equal specificity). */
export type VariableSource =
  | { kind: 'project' }
  | {
      kind: 'library';
      setId: string;
      setName: string;
      /** Position of the set in the project's list of included sets (0 = first): earlier sets win ties. */
      includeOrder?: number;
    };

export interface ScopedVariable {
  /** Stable id (used in the tie-break and for explanations). */
  id: string;
  /** Case-insensitive name. */
  name: string;
  value: string;
  type: VariableType;
  scope: VariableScope;
  source: VariableSource;
  description?: string;
  prompt?: VariablePrompt;
}

/** What a deployment (and the step/target being evaluated) is, for matching scopes. Ids or names, consistently with the scopes. */
export interface DeploymentContext {
  environment: string;
  /** Undefined for an untenanted deployment: tenant- and tenant-tag-scoped values never match then. */
  tenant?: { id: string; tags: string[] };
  channel?: string;
  target?: { id: string; roles: string[] };
  step?: { id: string; roles: string[] };
  process?: string;
}
