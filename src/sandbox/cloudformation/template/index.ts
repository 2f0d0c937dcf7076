/**
 * The sandbox's CloudFormation template engine (contracts.ts `TemplateEngine`): parse and check a
 * template, resolve parameters, evaluate conditions and intrinsics, order resources, summarise.
 * Every failure is an AwsError('ValidationError', <AWS's message>).
 */
import type { TemplateEngine } from '../contracts.js';
import { evaluateConditions } from './conditions.js';
import { dependencies } from './dependencies.js';
import { evaluate } from './intrinsics.js';
import { resolveParameters } from './parameters.js';
import { parseBody } from './parse.js';
import { readTemplate } from './structure.js';
import { summarise } from './summary.js';

export type { TemplateScope } from './intrinsics.js';

/** What DescribeStacks shows for a NoEcho parameter's value (and DescribeChangeSet for its parameters). */
export const noEchoMask = '****';

export const templateEngine: TemplateEngine = {
  parse(body) {
    const { document, format } = parseBody(body);
    return readTemplate(body, format, document);
  },
  summarise,
  resolveParameters,
  evaluateConditions,
  dependencies,
  evaluate,
};
