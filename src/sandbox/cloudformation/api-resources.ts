/** CloudFormation's reads of a stack's events, resources and template. */
import type { XmlNode } from '../protocol/xml.js';
import type { CallContext, QueryHandler, QueryInput } from '../service.js';
import { templateEngine } from './template/index.js';
import { nextToken, pageStart, stackNameOrId } from './input.js';
import { existingStack, findChangeSet, findStack, isLive, validationError } from './lookup.js';
import { cfnOf, type CfnStack } from './model.js';
import { checkTemplate } from './prepare.js';
import { eventXml, resourceDetailXml, resourceSummaryXml, resourceXml } from './render.js';
import { templateBody } from './api-stacks.js';

/** Events per DescribeStackEvents page. */
export const EVENT_PAGE = 100;
/** Resources per ListStackResources page. */
const RESOURCE_PAGE = 100;

const describeStackEvents: QueryHandler = (input, ctx) => {
  const stack = existingStack(cfnOf(ctx.regionState), stackNameOrId(input));
  const start = pageStart(input);
  const newestFirst = [...stack.events].reverse();
  const slice = newestFirst.slice(start, start + EVENT_PAGE);
  return {
    StackEvents: slice.map((e) => eventXml(stack, e)),
    NextToken: start + EVENT_PAGE < newestFirst.length ? nextToken(start + EVENT_PAGE) : undefined,
  };
};

/** The stack owning a physical resource id (DescribeStackResources by PhysicalResourceId). */
function stackOfPhysical(stacks: CfnStack[], physicalId: string): CfnStack | undefined {
  return stacks.find((s) => isLive(s) && Object.values(s.resources).some((r) => r.physicalId === physicalId));
}

const describeStackResources: QueryHandler = (input, ctx) => {
  const cfn = cfnOf(ctx.regionState);
  let stack: CfnStack | undefined;
  if (input.StackName !== undefined) {
    stack = findStack(cfn, input.StackName);
    if (!stack) throw validationError(`Stack with id ${input.StackName} does not exist`);
  } else if (input.PhysicalResourceId !== undefined) {
    stack = stackOfPhysical(Object.values(cfn.stacks), input.PhysicalResourceId);
    if (!stack) {
      throw validationError(`Stack for ${input.PhysicalResourceId} does not exist`);
    }
  } else {
    throw validationError('Either StackName or PhysicalResourceId must be specified.');
  }
  const logical = input.LogicalResourceId;
  const resources = Object.values(stack.resources).filter(
    (r) => logical === undefined || r.logicalId === logical,
  );
  const s = stack;
  return { StackResources: resources.slice(0, 100).map((r) => resourceXml(s, r)) };
};

const describeStackResource: QueryHandler = (input, ctx) => {
  const name = stackNameOrId(input);
  const stack = findStack(cfnOf(ctx.regionState), name);
  if (!stack) throw validationError(`Stack '${name}' does not exist`);
  const logical = input.LogicalResourceId ?? '';
  const r = stack.resources[logical];
  if (!r) throw validationError(`Resource ${logical} does not exist for stack ${name}`);
  return { StackResourceDetail: resourceDetailXml(stack, r) };
};

const listStackResources: QueryHandler = (input, ctx) => {
  const stack = existingStack(cfnOf(ctx.regionState), stackNameOrId(input));
  const all = Object.values(stack.resources);
  const start = pageStart(input);
  return {
    StackResourceSummaries: all.slice(start, start + RESOURCE_PAGE).map(resourceSummaryXml),
    NextToken: start + RESOURCE_PAGE < all.length ? nextToken(start + RESOURCE_PAGE) : undefined,
  };
};

const getTemplate: QueryHandler = (input, ctx) => {
  const cfn = cfnOf(ctx.regionState);
  let body: string;
  if (input.ChangeSetName !== undefined) {
    body = findChangeSet(cfn, input.ChangeSetName, input.StackName).config.templateBody;
  } else if (input.StackName !== undefined) {
    const stack = findStack(cfn, input.StackName);
    if (!stack) throw validationError(`Stack with id ${input.StackName} does not exist`);
    body = stack.config.templateBody;
  } else {
    throw validationError('Either StackName or ChangeSetName must be specified.');
  }
  return { TemplateBody: body, StagesAvailable: ['Original', 'Processed'] };
};

/** The template a summary is about: the body given, or (GetTemplateSummary only) the stack's. */
function summaryOf(
  input: QueryInput,
  ctx: CallContext,
  fromStack: boolean,
): {
  summary: ReturnType<typeof templateEngine.summarise>;
  description: string | undefined;
  transforms: string[];
} {
  let body: string | undefined;
  if (fromStack && input.StackName !== undefined && input.TemplateBody === undefined) {
    const stack = findStack(cfnOf(ctx.regionState), input.StackName);
    if (!stack) throw validationError(`Stack with id ${input.StackName} does not exist`);
    if (stack.status === 'REVIEW_IN_PROGRESS') {
      throw validationError('GetTemplateSummary cannot be called on REVIEW_IN_PROGRESS stacks.');
    }
    body = stack.config.templateBody;
  } else body = templateBody(input);
  const template = checkTemplate(body);
  return {
    summary: templateEngine.summarise(template),
    description: template.description,
    transforms: template.transforms,
  };
}

const getTemplateSummary: QueryHandler = (input, ctx) => {
  const { summary, description, transforms } = summaryOf(input, ctx, true);
  return {
    Parameters: summary.parameters.map(({ key, parameter }): XmlNode => ({
      ParameterKey: key,
      DefaultValue: parameter.default,
      ParameterType: parameter.type,
      NoEcho: parameter.noEcho,
      Description: parameter.description,
      ParameterConstraints: { AllowedValues: parameter.allowedValues },
    })),
    Description: description,
    Capabilities: summary.capabilities.length > 0 ? summary.capabilities : undefined,
    CapabilitiesReason: summary.capabilitiesReason,
    ResourceTypes: summary.resourceTypes,
    Version: '2010-09-09',
    DeclaredTransforms: transforms,
  };
};

const validateTemplate: QueryHandler = (input, ctx) => {
  const { summary, description, transforms } = summaryOf(input, ctx, false);
  return {
    Parameters: summary.parameters.map(({ key, parameter }): XmlNode => ({
      ParameterKey: key,
      DefaultValue: parameter.default,
      NoEcho: parameter.noEcho,
      Description: parameter.description,
    })),
    Description: description,
    Capabilities: summary.capabilities,
    CapabilitiesReason: summary.capabilitiesReason,
    DeclaredTransforms: transforms,
  };
};

export const resourceActions: Record<string, QueryHandler> = {
  DescribeStackEvents: describeStackEvents,
  DescribeStackResources: describeStackResources,
  DescribeStackResource: describeStackResource,
  ListStackResources: listStackResources,
  GetTemplate: getTemplate,
  GetTemplateSummary: getTemplateSummary,
  ValidateTemplate: validateTemplate,
};
