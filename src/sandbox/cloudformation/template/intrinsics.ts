/**
 * Evaluating intrinsic functions (cloudformation.md §A5) against one stack's scope. AWS::NoValue,
 * returned by a Ref or an Fn::If, removes the property or list element that holds it.
 */
import type { EvaluationScope, ParsedTemplate } from '../contracts.js';
import { cidr } from './cidr.js';
import { fail, isObject } from './errors.js';
import {
  checkSupported,
  functionOf,
  getAttArgs,
  listArgs,
  MESSAGES,
  subArgs,
  subParts,
} from './functions.js';

/**
 * The scope evaluate() reads. `template` carries what Fn::FindInMap (Mappings) and Fn::Length /
 * Fn::ToJsonString (Transform) need; EvaluationScope lacks it, so it is optional here (see the
 * report: it belongs in the contract).
 */
export type TemplateScope = EvaluationScope & { template?: Pick<ParsedTemplate, 'mappings' | 'transforms'> };

/** What AWS::NoValue evaluates to until its container drops it. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

type Value = unknown;

function pseudo(name: string, scope: TemplateScope): Value {
  const p = scope.pseudo;
  switch (name) {
    case 'AWS::AccountId':
      return p.accountId;
    case 'AWS::Region':
      return p.region;
    case 'AWS::StackName':
      return p.stackName;
    case 'AWS::StackId':
      return p.stackId;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::NotificationARNs':
      return [...p.notificationArns];
    case 'AWS::NoValue':
      return NO_VALUE;
  }
  return undefined;
}

function unresolved(name: string): never {
  return fail(
    `Template format error: Unresolved resource dependencies [${name}] in the Resources block of the template`,
  );
}

function ref(name: unknown, scope: TemplateScope): Value {
  if (typeof name !== 'string') return fail(MESSAGES.ref);
  const fromPseudo = pseudo(name, scope);
  if (fromPseudo !== undefined) return fromPseudo;
  const parameter = scope.parameters[name];
  if (parameter !== undefined) return Array.isArray(parameter) ? [...parameter] : parameter;
  return scope.refOf(name) ?? unresolved(name);
}

/** A scalar as the string CloudFormation would substitute, or undefined for lists and maps. */
function scalar(value: Value): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function stringArg(value: Value, message: string): string {
  return scalar(value) ?? fail(message);
}

function listArg(value: Value, message: string): Value[] {
  if (!Array.isArray(value)) fail(message);
  return value;
}

function sub(arg: unknown, scope: TemplateScope): string {
  const [text, rawVariables] = subArgs(arg);
  const variables = evaluateValue(rawVariables, scope) as Record<string, Value>;
  return subParts(text)
    .map((part) => {
      if ('literal' in part) return part.literal;
      const name = part.variable;
      const dot = name.indexOf('.');
      const value =
        name in variables
          ? variables[name]
          : dot < 0
            ? ref(name, scope)
            : scope.attributeOf(name.slice(0, dot), name.slice(dot + 1));
      // (unverified) wording.
      return (
        scalar(value) ??
        fail(`Template error: variable ${name} in Fn::Sub expression does not resolve to a string`)
      );
    })
    .join('');
}

function findInMap(arg: unknown, scope: TemplateScope): Value {
  if (!Array.isArray(arg) || arg.length < 3 || arg.length > 4) fail(MESSAGES.findInMap);
  const [map, top, second] = arg
    .slice(0, 3)
    .map((a) => stringArg(evaluateValue(a, scope), MESSAGES.findInMap));
  const mappings = scope.template?.mappings;
  // Without the template in the scope there is nothing to look in (see TemplateScope).
  if (!mappings) return fail('Fn::FindInMap needs the template: pass `template` in the evaluation scope.');
  const found = mappings[map as string]?.[top as string]?.[second as string];
  if (found !== undefined) return evaluateValue(found, scope);
  // AWS::LanguageExtensions: a fourth argument {DefaultValue: v}.
  const fallback = arg[3];
  if (isObject(fallback) && 'DefaultValue' in fallback) return evaluateValue(fallback.DefaultValue, scope);
  return fail(`Template error: Unable to get mapping for ${map}::${top}::${second}`);
}

function condition(name: unknown, scope: TemplateScope): boolean {
  if (typeof name !== 'string' || !(name in scope.conditions)) {
    return fail(`Template error: unresolved condition dependency ${String(name)} in Fn::If`);
  }
  return scope.conditions[name] as boolean;
}

function truthy(value: Value, message: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(message);
}

function equalsOperand(value: Value): string {
  return scalar(value) ?? JSON.stringify(value);
}

function call(name: string, arg: unknown, scope: TemplateScope): Value {
  checkSupported(name, scope.template?.transforms ?? ['AWS::LanguageExtensions']);
  const ev = (v: unknown): Value => evaluateValue(v, scope);
  switch (name) {
    case 'Ref':
      return ref(arg, scope);
    case 'Fn::GetAtt': {
      const [resource, attribute] = getAttArgs(arg);
      return scope.attributeOf(resource, stringArg(ev(attribute), MESSAGES.getAtt));
    }
    case 'Fn::Sub':
      return sub(arg, scope);
    case 'Fn::Join': {
      const [delimiter, list] = listArgs(arg, 2, MESSAGES.join);
      const items = listArg(ev(list), MESSAGES.join).map((item) => stringArg(item, MESSAGES.join));
      return items.join(stringArg(delimiter, MESSAGES.join));
    }
    case 'Fn::Select': {
      const [indexArg, list] = listArgs(arg, 2, MESSAGES.select);
      const index = Number(stringArg(ev(indexArg), MESSAGES.select));
      const items = listArg(ev(list), MESSAGES.select);
      if (!Number.isInteger(index)) fail(MESSAGES.select);
      // (unverified) wording from memory of AWS answers.
      if (index < 0 || index >= items.length)
        fail(`Template error: Fn::Select cannot select nonexistent value at index ${index}`);
      return items[index];
    }
    case 'Fn::Split': {
      const [delimiter, text] = listArgs(arg, 2, MESSAGES.split);
      return stringArg(ev(text), MESSAGES.split).split(stringArg(ev(delimiter), MESSAGES.split));
    }
    case 'Fn::If': {
      const [cond, whenTrue, whenFalse] = listArgs(arg, 3, MESSAGES.if);
      return ev(condition(cond, scope) ? whenTrue : whenFalse);
    }
    case 'Fn::Equals': {
      const [a, b] = listArgs(arg, 2, MESSAGES.equals).map(ev);
      return equalsOperand(a) === equalsOperand(b);
    }
    case 'Fn::Not':
      return !truthy(ev(listArgs(arg, 1, MESSAGES.not)[0]), MESSAGES.not);
    case 'Fn::And':
    case 'Fn::Or': {
      const message = MESSAGES.andOr(name);
      if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10) fail(message);
      const values = arg.map((a) => truthy(ev(a), message));
      return name === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
    }
    case 'Fn::FindInMap':
      return findInMap(arg, scope);
    case 'Fn::Base64':
      return Buffer.from(stringArg(ev(arg), 'Template error: Fn::Base64 requires a string'), 'utf8').toString(
        'base64',
      );
    case 'Fn::GetAZs': {
      const region = scalar(ev(arg)) || scope.pseudo.region;
      return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
    }
    case 'Fn::ImportValue':
      return scope.importValue(
        stringArg(ev(arg), 'Template error: Fn::ImportValue requires a string export name'),
      );
    case 'Fn::Cidr': {
      const [ipBlock, count, bits] = listArgs(
        arg,
        3,
        'Template error: Fn::Cidr requires three parameters',
      ).map(ev);
      return cidr(ipBlock, count, bits);
    }
    case 'Fn::Length':
      return listArg(ev(arg), 'Template error: Fn::Length requires a list').length;
    case 'Fn::ToJsonString':
      return JSON.stringify(ev(arg));
    case 'Fn::Transform':
      return fail(
        'Fn::Transform runs a macro, which the Slipway sandbox does not do: expand the template before deploying.',
      );
  }
  return fail(`Template Error: Encountered unsupported function: ${name}`);
}

/** Evaluates every function in `value`; NO_VALUE may come back for the caller to drop. */
function evaluateValue(value: unknown, scope: TemplateScope): Value {
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, scope)).filter((v) => v !== NO_VALUE);
  if (!isObject(value)) return value;
  const fn = functionOf(value);
  if (fn) return call(fn.name, fn.arg, scope);
  const out: Record<string, Value> = {};
  for (const [key, child] of Object.entries(value)) {
    const evaluated = evaluateValue(child, scope);
    if (evaluated !== NO_VALUE) out[key] = evaluated;
  }
  return out;
}

/** Evaluates every intrinsic in `value`; AWS::NoValue removes the property or list element (undefined at the top). */
export function evaluate(value: unknown, scope: TemplateScope): unknown {
  const result = evaluateValue(value, scope);
  return result === NO_VALUE ? undefined : result;
}
