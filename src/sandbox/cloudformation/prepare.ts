/**
 * From a submitted template to what a stack runs with: the checks CreateStack, UpdateStack and
 * CreateChangeSet make before anything changes (template size and format, resource types AWS
 * knows, capabilities, parameters), and the evaluation scope of a stack's intrinsics.
 */
import { AwsError } from '../errors.js';
import type {
  EvaluationScope,
  GivenParameter,
  ParameterValues,
  ParsedTemplate,
  PseudoParameters,
} from './contracts.js';
import { isLive, validationError } from './lookup.js';
import type { CfnRegion, CfnStack, CfnTag, StackConfig } from './model.js';
import { isKnownResourceType } from './resources/index.js';
import { templateEngine } from './template/index.js';

/** AWS's limit on TemplateBody, in bytes. */
export const MAX_TEMPLATE_BODY = 51_200;

const parsedCache = new Map<string, ParsedTemplate>();

/** Parses a template body (cached: bodies are parsed again when operations resume). */
export function parseTemplate(body: string): ParsedTemplate {
  const hit = parsedCache.get(body);
  if (hit) return hit;
  const parsed = templateEngine.parse(body);
  if (parsedCache.size > 200) parsedCache.clear();
  parsedCache.set(body, parsed);
  return parsed;
}

/** Checks the body's presence and size, parses it and refuses resource types AWS does not know. */
export function checkTemplate(body: string | undefined): ParsedTemplate {
  if (body === undefined || body === '') {
    throw validationError('Either Template URL or Template Body must be specified.');
  }
  if (Buffer.byteLength(body) > MAX_TEMPLATE_BODY) {
    const shown = body.length > 100 ? `${body.slice(0, 100)}...` : body;
    throw validationError(
      `1 validation error detected: Value '${shown}' at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TEMPLATE_BODY}`,
    );
  }
  const template = parseTemplate(body);
  const unknown = [...new Set(Object.values(template.resources).map((r) => r.type))].filter(
    (type) => !isKnownResourceType(type),
  );
  if (unknown.length > 0) {
    throw validationError(`Template format error: Unrecognized resource types: [${unknown.join(', ')}]`);
  }
  return template;
}

/** InsufficientCapabilitiesException unless `given` covers what the template needs. */
export function checkCapabilities(template: ParsedTemplate, given: readonly string[]): void {
  const needed = templateEngine.summarise(template).capabilities;
  const missing: string[] = [];
  if (needed.includes('CAPABILITY_NAMED_IAM') && !given.includes('CAPABILITY_NAMED_IAM')) {
    missing.push('CAPABILITY_NAMED_IAM');
  } else if (
    needed.includes('CAPABILITY_IAM') &&
    !given.includes('CAPABILITY_IAM') &&
    !given.includes('CAPABILITY_NAMED_IAM')
  ) {
    missing.push('CAPABILITY_IAM');
  }
  if (needed.includes('CAPABILITY_AUTO_EXPAND') && !given.includes('CAPABILITY_AUTO_EXPAND')) {
    missing.push('CAPABILITY_AUTO_EXPAND');
  }
  if (missing.length > 0) {
    throw new AwsError(
      'InsufficientCapabilitiesException',
      `Requires capabilities : [${missing.join(', ')}]`,
    );
  }
}

/** The value an export has in the region, with the stack that exports it. */
export function findExport(cfn: CfnRegion, name: string): { stack: CfnStack; value: string } | undefined {
  for (const stack of Object.values(cfn.stacks)) {
    if (!isLive(stack)) continue;
    const out = stack.outputs.find((o) => o.exportName === name);
    if (out) return { stack, value: out.value };
  }
  return undefined;
}

/** The stacks that import `name` (other than `except`). */
export function importersOf(cfn: CfnRegion, name: string, except: string): CfnStack[] {
  return Object.values(cfn.stacks).filter(
    (s) => isLive(s) && s.stackId !== except && s.imports.includes(name),
  );
}

/** The scope in which a stack's intrinsics are evaluated; imports are recorded in `imports`. */
export function scopeOf(
  cfn: CfnRegion,
  stack: CfnStack,
  where: { accountId: string; region: string; template: ParsedTemplate },
  parameters: ParameterValues,
  imports: Set<string>,
): Omit<EvaluationScope, 'conditions'> {
  const { accountId, region, template } = where;
  const pseudo: PseudoParameters = {
    accountId,
    region,
    stackName: stack.stackName,
    stackId: stack.stackId,
    notificationArns: stack.notificationArns,
  };
  return {
    parameters,
    pseudo,
    template: { mappings: template.mappings, transforms: template.transforms },
    refOf: (id) => {
      const r = stack.resources[id];
      return r && r.physicalId !== '' ? r.physicalId : undefined;
    },
    attributeOf: (id, attribute) => stack.resources[id]?.attributes[attribute],
    importValue: (name) => {
      const found = findExport(cfn, name);
      if (!found) throw validationError(`No export named ${name} found. Rollback requested by user.`);
      imports.add(name);
      return found.value;
    },
  };
}

/** The inputs of a stack operation that decide its configuration. */
export interface ConfigInput {
  template: ParsedTemplate;
  given: GivenParameter[];
  previous: ParameterValues | undefined;
  capabilities: string[];
  tags: CfnTag[];
}

/** Resolves parameters and conditions and orders the resources: the configuration to apply. */
export function configure(
  cfn: CfnRegion,
  stack: CfnStack,
  accountId: string,
  region: string,
  input: ConfigInput,
): StackConfig {
  const { template } = input;
  const parameters = templateEngine.resolveParameters(template, input.given, input.previous);
  const scope = scopeOf(cfn, stack, { accountId, region, template }, parameters, new Set());
  const conditions = templateEngine.evaluateConditions(template, scope);
  const dependencies = templateEngine.dependencies(template, conditions);
  const declared: StackConfig['declared'] = {};
  for (const id of Object.keys(dependencies)) {
    const r = template.resources[id];
    if (!r) continue;
    declared[id] = {
      type: r.type,
      ...(r.deletionPolicy !== undefined ? { deletionPolicy: r.deletionPolicy } : {}),
      ...(r.updateReplacePolicy !== undefined ? { updateReplacePolicy: r.updateReplacePolicy } : {}),
    };
  }
  return {
    templateBody: template.body,
    parameters,
    parameterOrder: Object.entries(template.parameters).map(([key, p]) => ({ key, noEcho: p.noEcho })),
    capabilities: input.capabilities,
    tags: input.tags,
    ...(template.description !== undefined ? { description: template.description } : {}),
    dependencies,
    declared,
  };
}

/** Evaluates one resource's properties against the stack as it stands. */
export function evaluateProperties(
  cfn: CfnRegion,
  stack: CfnStack,
  accountId: string,
  region: string,
  config: StackConfig,
  logicalId: string,
  imports: Set<string>,
): Record<string, unknown> {
  const template = parseTemplate(config.templateBody);
  const scope = scopeOf(cfn, stack, { accountId, region, template }, config.parameters, imports);
  const conditions = templateEngine.evaluateConditions(template, scope);
  const declared = template.resources[logicalId];
  if (!declared) return {};
  const value = templateEngine.evaluate(declared.properties, { ...scope, conditions });
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
