/** The shapes of the CloudFormation document the service stack is written as (plain JSON). */

/** A JSON value of a template (intrinsics such as `{ Ref: "X" }` are plain objects). */
export type CfnValue = string | number | boolean | CfnValue[] | { [key: string]: CfnValue };

/** A template parameter: String or Number, with a default when the step has a value. */
export interface CfnParameter {
  Type: 'String' | 'Number';
  /** A JSON number for Number parameters (a `#{...}` string in an export of an unevaluated step). */
  Default?: string | number;
}

/** A resource of the template. */
export interface CfnResource {
  Type: string;
  DependsOn?: string;
  Properties: { [key: string]: CfnValue };
}

/** The document: version, parameters in order, resources in order; no Outputs (spec B2). */
export interface CfnTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Parameters: Record<string, CfnParameter>;
  Resources: Record<string, CfnResource>;
}

/** `{ Ref: name }`. */
export function ref(name: string): { Ref: string } {
  return { Ref: name };
}

/** `obj` without its undefined properties (Octopus omits null properties; JSON would too). */
export function compact(obj: { [key: string]: CfnValue | undefined }): { [key: string]: CfnValue } {
  const out: { [key: string]: CfnValue } = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}

/** `list` when it has items, else undefined (so compact drops it). */
export function nonEmpty<T extends CfnValue>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
