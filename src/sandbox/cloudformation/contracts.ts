/**
 * The contracts between the three parts of the sandbox's CloudFormation: the template engine
 * (template/), the stack engine and API (stacks, change sets, events), and the resource providers
 * (resources/). Each part imports these types, never another part's internals, so that they can
 * be built and tested on their own. All data here is plain JSON, so a stack operation in flight
 * is saved in the state file and resumed after a restart.
 */
import type { CallContext } from '../service.js';

// ---------------------------------------------------------------------------------------------
// Templates (implemented by template/index.ts)
// ---------------------------------------------------------------------------------------------

/** One declared parameter, as the template says it (values are strings or numbers as written). */
export interface ParameterDeclaration {
  type: string;
  default?: string;
  allowedValues?: string[];
  allowedPattern?: string;
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  noEcho: boolean;
  description?: string;
  constraintDescription?: string;
}

/** One resource as declared: properties are still unevaluated template values. */
export interface ResourceDeclaration {
  type: string;
  properties: Record<string, unknown>;
  /** Explicit DependsOn, normalised to a list. */
  dependsOn: string[];
  condition?: string;
  deletionPolicy?: 'Delete' | 'Retain' | 'Snapshot' | 'RetainExceptOnCreate';
  updateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
}

export interface OutputDeclaration {
  value: unknown;
  description?: string;
  /** Unevaluated Export.Name. */
  exportName?: unknown;
  condition?: string;
}

/** A template that passed the structural checks (§A3 "Template format error" family). */
export interface ParsedTemplate {
  /** The body exactly as submitted (GetTemplate returns it). */
  body: string;
  format: 'json' | 'yaml';
  /** The whole document as JSON (short YAML forms expanded to `Fn::X` / `Ref` maps). */
  document: Record<string, unknown>;
  description?: string;
  parameters: Record<string, ParameterDeclaration>;
  /** In document order. */
  resources: Record<string, ResourceDeclaration>;
  outputs: Record<string, OutputDeclaration>;
  conditions: Record<string, unknown>;
  mappings: Record<string, Record<string, Record<string, unknown>>>;
  transforms: string[];
}

/** A parameter value the caller sent (CreateStack, UpdateStack, CreateChangeSet). */
export interface GivenParameter {
  key: string;
  value?: string;
  usePreviousValue?: boolean;
}

/** Resolved parameter values: strings, or string lists for list types. */
export type ParameterValues = Record<string, string | string[]>;

/** The pseudo parameters of one stack (AWS::Partition and AWS::URLSuffix are constants). */
export interface PseudoParameters {
  accountId: string;
  region: string;
  stackName: string;
  stackId: string;
  notificationArns: string[];
}

/** What evaluating intrinsics needs besides the template. */
export interface EvaluationScope {
  parameters: ParameterValues;
  pseudo: PseudoParameters;
  /** Condition name → value (from evaluateConditions). */
  conditions: Record<string, boolean>;
  /** Ref of a resource: its physical id; undefined if it does not exist (yet). */
  refOf(logicalId: string): string | undefined;
  /** Fn::GetAtt; throws AwsError (ValidationError) for an attribute the type does not have. */
  attributeOf(logicalId: string, attribute: string): unknown;
  /** Fn::ImportValue; throws AwsError when no stack exports the name. */
  importValue(name: string): string;
  /** The template's Mappings (Fn::FindInMap) and Transform (Fn::Length / Fn::ToJsonString). */
  template: Pick<ParsedTemplate, 'mappings' | 'transforms'>;
}

/** What ValidateTemplate and GetTemplateSummary report, and CreateStack checks. */
export interface TemplateSummary {
  parameters: { key: string; parameter: ParameterDeclaration }[];
  /** CAPABILITY_IAM / CAPABILITY_NAMED_IAM / CAPABILITY_AUTO_EXPAND that this template needs. */
  capabilities: string[];
  capabilitiesReason?: string;
  resourceTypes: string[];
}

/**
 * The template engine, as the stack engine calls it. Every failure is an AwsError with AWS's own
 * code and message (cloudformation.md §A3, verbatim).
 */
export interface TemplateEngine {
  /** JSON when it parses as JSON, else YAML with the short forms (!Ref, !Sub, ...); checks the structure. */
  parse(body: string): ParsedTemplate;
  summarise(template: ParsedTemplate): TemplateSummary;
  /** given > usePreviousValue (previous) > Default; checks types, AllowedValues, patterns, lengths, ranges. */
  resolveParameters(
    template: ParsedTemplate,
    given: GivenParameter[],
    previous: ParameterValues | undefined,
  ): ParameterValues;
  evaluateConditions(
    template: ParsedTemplate,
    scope: Omit<EvaluationScope, 'conditions' | 'template'>,
  ): Record<string, boolean>;
  /**
   * Resource logical id → the logical ids it depends on (DependsOn, Ref, GetAtt, Sub), only for
   * resources whose condition holds. Throws `Circular dependency between resources: [A, B]` and
   * `Unresolved resource dependencies [X] in the Resources block of the template`.
   */
  dependencies(template: ParsedTemplate, conditions: Record<string, boolean>): Record<string, string[]>;
  /** Evaluates every intrinsic in `value`; AWS::NoValue removes the property or list element. */
  evaluate(value: unknown, scope: EvaluationScope): unknown;
}

// ---------------------------------------------------------------------------------------------
// Resource providers (implemented by resources/index.ts)
// ---------------------------------------------------------------------------------------------

/** One call of a provider. The stack engine calls again with `context` until it is not IN_PROGRESS. */
export interface ResourceRequest {
  action: 'create' | 'update' | 'delete';
  logicalId: string;
  type: string;
  /** Evaluated properties (create, update) or the last applied ones (delete). */
  properties: Record<string, unknown>;
  /** The properties before this update (update only). */
  previousProperties?: Record<string, unknown>;
  /** Known for update and delete. */
  physicalId?: string;
  stackName: string;
  stackId: string;
  /** Stack-level tags, which providers with system tags propagate (plus aws:cloudformation:*). */
  stackTags: { Key: string; Value: string }[];
  /** The stack's account and region, with the sandbox runtime (the stack's own identity). */
  ctx: CallContext;
  /** What the provider returned last time (undefined on the first call). Plain JSON. */
  context?: Record<string, unknown>;
  /** Sandbox epoch ms after which the resource fails with "Resource timed out waiting for completion". */
  timeoutAt: number;
}

/** A provider's answer (LocalStack's ProgressEvent, cloudformation.md §A2). */
export interface ProgressEvent {
  status: 'IN_PROGRESS' | 'SUCCESS' | 'FAILED';
  /** Set once known (create), kept for update and delete. */
  physicalId?: string;
  /** Fn::GetAtt values once known. */
  attributes?: Record<string, unknown>;
  /** FAILED: the reason, already in AWS's wording (`Resource handler returned message: "..." ...`). */
  message?: string;
  /** FAILED: HandlerErrorCode (InvalidRequest, NotFound, AlreadyExists, GeneralServiceException, ...). */
  errorCode?: string;
  /** IN_PROGRESS: passed back on the next call. Plain JSON. */
  context?: Record<string, unknown>;
  /** IN_PROGRESS: sandbox seconds before the next call (default 1). */
  callbackDelaySeconds?: number;
}

export interface ResourceProvider {
  type: string;
  /** Properties whose change needs a new physical resource (createOnlyProperties). */
  replaceOn: string[];
  /** Attributes Fn::GetAtt may read. */
  attributes: string[];
  /** The property that names the resource (RoleName, LogGroupName, ServiceName, ...), if any. */
  nameProperty?: string;
  /** Whether the stack's tags and aws:cloudformation:* tags are put on the resource. */
  systemTags: boolean;
  /** Whether a resource of this type requires CAPABILITY_IAM (NAMED_IAM when nameProperty is set). */
  iam: boolean;
  create(request: ResourceRequest): ProgressEvent;
  update(request: ResourceRequest): ProgressEvent;
  delete(request: ResourceRequest): ProgressEvent;
}
