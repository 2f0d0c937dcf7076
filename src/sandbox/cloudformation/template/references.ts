/**
 * Finding what a template value refers to: Ref and Fn::GetAtt targets, Fn::Sub's `${X}` and
 * `${X.Attr}`, and the conditions of Fn::If. Used by the structural checks (every branch) and by
 * the dependency graph (only the branches the conditions take).
 */
import { isObject } from './errors.js';
import { functionOf, getAttArgs, subArgs, subParts } from './functions.js';

export interface ReferenceVisitor {
  /** A Ref or a plain `${X}`: a parameter, a pseudo parameter or a resource. */
  ref?(name: string): void;
  /** An Fn::GetAtt or `${X.Attr}`: a resource. */
  getAtt?(resource: string): void;
  /** The condition an Fn::If tests. */
  condition?(name: string): void;
  /** With this, only the branch of Fn::If that the condition takes is visited. */
  branch?(condition: string): boolean;
}

/** Calls the visitor for every reference inside `value`. */
export function visitReferences(value: unknown, visitor: ReferenceVisitor): void {
  if (Array.isArray(value)) {
    for (const item of value) visitReferences(item, visitor);
    return;
  }
  if (!isObject(value)) return;
  const fn = functionOf(value);
  switch (fn?.name) {
    case 'Ref':
      if (typeof fn.arg === 'string') visitor.ref?.(fn.arg);
      else visitReferences(fn.arg, visitor);
      return;
    case 'Fn::GetAtt': {
      const [resource, attribute] = getAttArgs(fn.arg);
      visitor.getAtt?.(resource);
      visitReferences(attribute, visitor);
      return;
    }
    case 'Fn::Sub': {
      const [text, variables] = subArgs(fn.arg);
      for (const part of subParts(text)) {
        if (!('variable' in part) || part.variable in variables) continue;
        const dot = part.variable.indexOf('.');
        if (dot < 0) visitor.ref?.(part.variable);
        else visitor.getAtt?.(part.variable.slice(0, dot));
      }
      visitReferences(variables, visitor);
      return;
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = Array.isArray(fn.arg) ? (fn.arg as unknown[]) : [];
      if (typeof condition === 'string') {
        visitor.condition?.(condition);
        if (visitor.branch) {
          visitReferences(visitor.branch(condition) ? whenTrue : whenFalse, visitor);
          return;
        }
      }
      visitReferences([whenTrue, whenFalse], visitor);
      return;
    }
  }
  for (const child of Object.values(value)) visitReferences(child, visitor);
}
