/**
 * The intrinsic functions' shapes, shared by the structural checks (parse time) and the evaluator:
 * which keys are functions, their arity errors in AWS's words, and the Fn::Sub placeholder grammar.
 */
import { fail, isObject } from './errors.js';

/** Functions every template may use. */
const BASE_FUNCTIONS = [
  'Ref',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::FindInMap',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::Transform',
] as const;

/** Functions that exist only with `Transform: AWS::LanguageExtensions`. */
export const LANGUAGE_EXTENSION_FUNCTIONS = ['Fn::Length', 'Fn::ToJsonString'] as const;

export const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';

/** The pseudo parameters (cloudformation.md §A5). */
export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::Region',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::Partition',
  'AWS::URLSuffix',
  'AWS::NotificationARNs',
  'AWS::NoValue',
]);

// AWS's list, verbatim from a real answer (a Korean blog transcript of `sls deploy`).
const SUPPORTED_LIST =
  '[Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, Fn::Split, Fn::FindInMap, Fn::Select, Ref, ' +
  'Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, Fn::Or, Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, ' +
  'Fn::ValueOf, Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]';

/** The function a single-key map calls, if it is one (`Ref` or anything spelled like `Fn::X`). */
export function functionOf(value: unknown): { name: string; arg: unknown } | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const name = keys[0] as string;
  if (name !== 'Ref' && !/^fn::/i.test(name)) return undefined;
  return { name, arg: value[name] };
}

/** Throws AWS's "unsupported function" error unless `name` may be used with these transforms. */
export function checkSupported(name: string, transforms: readonly string[]): void {
  if ((BASE_FUNCTIONS as readonly string[]).includes(name)) return;
  if (
    (LANGUAGE_EXTENSION_FUNCTIONS as readonly string[]).includes(name) &&
    transforms.includes(LANGUAGE_EXTENSIONS)
  ) {
    return;
  }
  fail(
    `Template Error: Encountered unsupported function: ${name} Supported functions are: ${SUPPORTED_LIST}`,
  );
}

// ---- arity, in AWS's words (cloudformation.md §A3; "(unverified)" where no source had them) ----

export const MESSAGES = {
  getAtt:
    'Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute',
  join: 'Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
  select:
    'Template error: Fn::Select requires a list argument with two elements: an integer index and a list',
  split:
    'Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.',
  equals: 'Template error: every Fn::Equals object requires a list of 2 string parameters.',
  // (unverified) the ones below: from memory of AWS answers or following the wording of the verified ones.
  if: 'Template error: every Fn::If object requires three parameters, the condition, the value if true and the value if false',
  not: 'Template error: every Fn::Not object requires one boolean parameter',
  findInMap:
    'Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value',
  sub: "Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string",
  andOr: (name: string) =>
    `Template error: every ${name} object requires a list of at least 2 and at most 10 boolean parameters.`,
  ref: 'Template format error: Every Ref object must have a single String value.',
} as const;

/** `[resource, attribute]` of an Fn::GetAtt argument (`[r, a]` or `"r.a"`); the attribute may be a Ref. */
export function getAttArgs(arg: unknown): [string, unknown] {
  let parts: unknown[] | undefined;
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    parts = dot < 0 ? [arg] : [arg.slice(0, dot), arg.slice(dot + 1)];
  } else if (Array.isArray(arg)) parts = arg;
  const [resource, attribute] = parts ?? [];
  if (parts?.length !== 2 || typeof resource !== 'string' || resource === '') fail(MESSAGES.getAtt);
  if (!(typeof attribute === 'string' && attribute !== '') && !isObject(attribute)) fail(MESSAGES.getAtt);
  return [resource, attribute];
}

/** The list argument of a function that takes exactly `count` arguments, or AWS's arity error. */
export function listArgs(arg: unknown, count: number, message: string): unknown[] {
  if (!Array.isArray(arg) || arg.length !== count) fail(message);
  return arg;
}

/** `[template, variables]` of an Fn::Sub argument (`"s"` or `["s", {Var: value}]`). */
export function subArgs(arg: unknown): [string, Record<string, unknown>] {
  if (typeof arg === 'string') return [arg, {}];
  if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && isObject(arg[1])) {
    return [arg[0], arg[1]];
  }
  return fail(MESSAGES.sub);
}

export type SubPart = { literal: string } | { variable: string };

/** Splits an Fn::Sub string into literals and `${Var}` / `${Res.Attr}` placeholders; `${!X}` is the literal `${X}`. */
export function subParts(text: string): SubPart[] {
  const parts: SubPart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    const end = start < 0 ? -1 : text.indexOf('}', start + 2);
    if (start < 0 || end < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, start);
    const inner = text.slice(start + 2, end);
    if (inner.startsWith('!')) literal += `\${${inner.slice(1)}}`;
    else {
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ variable: inner.trim() });
    }
    i = end + 1;
  }
  if (literal) parts.push({ literal });
  return parts;
}
