/** The planner's inputs and outputs (octopus-model.md: process, targets, deployment). */
import type { SelectedPackage } from '../model/release.js';
import type { ScopedVariable } from '../variables/types.js';

/** An ECS cluster target as the planner sees it (ids, as stored). */
export interface TargetInfo {
  id: string;
  name: string;
  roles: string[];
  environments: string[];
  tenantedParticipation: 'untenanted' | 'tenanted' | 'both';
  tenants: string[];
  tenantTags: string[];
  /** AWS account id (resource), region, cluster and optional role, for the engine. */
  awsAccount?: string;
  region: string;
  cluster: string;
  assumeRole?: { roleArn: string; externalId?: string; sessionDurationSeconds?: number };
}

/** Everything a deployment is about. */
export interface DeploymentFacts {
  deploymentId: string;
  deploymentName: string;
  createdBy: string;
  project: { id: string; name: string; slug?: string };
  environment: { id: string; name: string };
  release: { id: string; version: string; notes: string; channel: { id: string; name: string } };
  tenant?: { id: string; name: string; tags: string[] };
  /** The release's process snapshot (`{ steps: [...] }`). */
  process: { steps: ProcessStep[] };
  packages: SelectedPackage[];
  /** Feed id → registry host (`127.0.0.1:4599`, `123.dkr.ecr...`) for `.Image` / `.Registry`. */
  registries: Record<string, string>;
  skippedSteps: string[];
  targets: TargetInfo[];
}

/** A step of the process snapshot (see core/model/kinds/process.ts for the full schema). */
export interface ProcessStep {
  name: string;
  condition: 'success' | 'failure' | 'always' | 'variable';
  conditionExpression?: string;
  startTrigger: 'after-previous' | 'with-previous';
  roles: string[];
  environments: string[];
  excludedEnvironments: string[];
  channels: string[];
  tenantTags: string[];
  disabled: boolean;
  required: boolean;
  action: { type: string; packages: { name: string; feed: string; image: string }[] } & Record<
    string,
    unknown
  >;
}

/** One planned step. */
export interface PlannedStep {
  index: number;
  name: string;
  /** Steps that start together share a group (start-with-previous). */
  group: number;
  /** Why it will not run, when it will not (disabled, skipped, scoped out). Conditions are decided at run time. */
  excluded?: string;
  /** Targets the step runs on (roles ∩ environment ∩ tenant participation); [] for steps without roles. */
  targetIds: string[];
  condition: ProcessStep['condition'];
  conditionExpression?: string;
  required: boolean;
}

/** What a step × target evaluation needs beyond the facts. */
export interface EvaluationInput {
  facts: DeploymentFacts;
  /** The release's frozen variables (decrypted). */
  snapshot: readonly ScopedVariable[];
  /** The tenant's template values, read live (project templates for this environment, common templates). */
  tenantValues: Record<string, string>;
  /** Prompted values by name. */
  prompted: Record<string, string>;
  /** Output variables of earlier steps: step name → name → value. */
  outputs: Record<string, Record<string, string>>;
  step: PlannedStep;
  /** The target, when the step has one. */
  target?: TargetInfo;
  /** Names of `tenantValues` that are sensitive (default none): their values are masked. */
  sensitiveTenantValues?: readonly string[];
  /** Step name → names of its outputs that are sensitive (default none): their values are masked. */
  sensitiveOutputs?: Record<string, readonly string[]>;
}

/** The variables of one step × target, and the values that must be masked in logs. */
export interface StepVariables {
  values: Record<string, string>;
  sensitive: string[];
}
