/**
 * A small IAM policy evaluator for identity-based policies: Allow and Deny statements with Action or
 * NotAction and Resource or NotResource, `*` and `?` wildcards, an explicit deny wins, and without an
 * allow the decision is an implicit deny. Conditions are not evaluated: a statement with a Condition
 * does not apply, and its condition keys are reported as missing context values — what AWS's policy
 * simulator does when the request supplies no value for them (see docs/sandbox.md).
 */
import { AwsError } from '../errors.js';

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

/** A policy that takes part in a decision, with where it came from (as the simulator names it). */
export interface PolicySource {
  id: string;
  type: 'role' | 'aws-managed' | 'user-managed' | 'none';
  document: PolicyDocument;
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface Evaluation {
  decision: Decision;
  /** The statements that decided: the denying ones, else the allowing ones. */
  matched: { source: PolicySource; index: number }[];
  /** Condition keys of statements that would otherwise have applied. */
  missingContext: string[];
}

function malformed(message: string): AwsError {
  return new AwsError('MalformedPolicyDocument', message);
}

function list(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

/**
 * Parses and checks an identity policy (IAM's MalformedPolicyDocument messages). `Statement` may
 * be one object or a list; the result always has a list.
 */
export function parsePolicy(text: string): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw malformed('This policy contains invalid Json');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw malformed('Syntax errors in policy.');
  const o = raw as Record<string, unknown>;
  if (o.Version !== undefined && o.Version !== '2012-10-17' && o.Version !== '2008-10-17') {
    throw malformed('The policy failed legacy parsing');
  }
  const stmts = Array.isArray(o.Statement) ? (o.Statement as unknown[]) : o.Statement ? [o.Statement] : [];
  if (stmts.length === 0) throw malformed('Syntax errors in policy.');
  const statements = stmts.map((s): PolicyStatement => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw malformed('Syntax errors in policy.');
    const st = s as PolicyStatement;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw malformed('Syntax errors in policy.');
    if (st.Principal !== undefined) throw malformed('Policy document should not specify a principal.');
    if ((st.Action === undefined) === (st.NotAction === undefined)) {
      throw malformed('Policy statement must contain actions.');
    }
    if ((st.Resource === undefined) === (st.NotResource === undefined)) {
      throw malformed('Policy statement must contain resources.');
    }
    return st;
  });
  return { ...(typeof o.Version === 'string' ? { Version: o.Version } : {}), Statement: statements };
}

/** Compiles an IAM wildcard pattern (`*` any run, `?` one character). */
function wildcard(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
}

/** Whether an action (`ssm:GetParameters`) matches a pattern (`ssm:Get*`); case-insensitive as IAM. */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcard(pattern, true).test(action);
}

/** Whether a resource ARN matches a pattern; case-sensitive, `*` spans `:` and `/`. */
export function resourceMatches(pattern: string, resource: string): boolean {
  return wildcard(pattern, false).test(resource);
}

function applies(st: PolicyStatement, action: string, resource: string): boolean {
  const actionOk =
    st.Action !== undefined
      ? list(st.Action).some((p) => actionMatches(p, action))
      : !list(st.NotAction).some((p) => actionMatches(p, action));
  if (!actionOk) return false;
  return st.Resource !== undefined
    ? list(st.Resource).some((p) => resourceMatches(p, resource))
    : !list(st.NotResource).some((p) => resourceMatches(p, resource));
}

/** The decision of these policies for one action on one resource. */
export function evaluate(sources: PolicySource[], action: string, resource: string): Evaluation {
  const allows: Evaluation['matched'] = [];
  const denies: Evaluation['matched'] = [];
  const missing = new Set<string>();
  for (const source of sources) {
    source.document.Statement.forEach((st, index) => {
      if (!applies(st, action, resource)) return;
      if (st.Condition && Object.keys(st.Condition).length > 0) {
        for (const keys of Object.values(st.Condition)) for (const k of Object.keys(keys)) missing.add(k);
        return;
      }
      (st.Effect === 'Deny' ? denies : allows).push({ source, index });
    });
  }
  const missingContext = [...missing].sort();
  if (denies.length > 0) return { decision: 'explicitDeny', matched: denies, missingContext };
  if (allows.length > 0) return { decision: 'allowed', matched: allows, missingContext };
  return { decision: 'implicitDeny', matched: [], missingContext };
}
