/**
 * Pure deployment planning (octopus-model.md): which steps run and on which targets, the variable
 * dictionary of each step × target (snapshot ranked by scope, tenant values, system variables,
 * prompted values, output variables of earlier steps), and every action property evaluated with it.
 * CONTRACT: signatures fixed; bodies are being written.
 */
import { SlipwayError } from '../errors.js';
import type { SelectedPackage } from '../model/release.js';
import type { ScopedVariable } from '../variables/types.js';

function notBuilt(): never {
  throw new SlipwayError('NOT_IMPLEMENTED', 'deployment planning is not built yet');
}

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

/** The steps of a deployment in order, with their targets. INVALID_INPUT when a required step is skipped. */
export function planDeployment(facts: DeploymentFacts): PlannedStep[] {
  void facts;
  return notBuilt();
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
}

/** The variables of one step × target, and the values that must be masked in logs. */
export interface StepVariables {
  values: Record<string, string>;
  sensitive: string[];
}

/** The variable dictionary of a step × target (precedence of docs/variables.md, then system variables). */
export function stepVariables(input: EvaluationInput): StepVariables {
  void input;
  return notBuilt();
}

/** The step's action with every string property evaluated; INVALID_INPUT naming properties whose references are missing. */
export function evaluateAction(
  action: ProcessStep['action'],
  variables: StepVariables,
): ProcessStep['action'] {
  void [action, variables];
  return notBuilt();
}

/** Whether a step's condition lets it run, given how the deployment has gone so far. */
export function conditionAllows(
  step: PlannedStep,
  deploymentFailed: boolean,
  variables: StepVariables,
): boolean {
  void [step, deploymentFailed, variables];
  return notBuilt();
}
