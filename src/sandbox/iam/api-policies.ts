/** IAM (Query) inline role policies and SimulatePrincipalPolicy. */
import { AwsError } from '../errors.js';
import type { XmlNode } from '../protocol/xml.js';
import type { CallContext, QueryHandler, QueryInput } from '../service.js';
import { evaluate, parsePolicy, type PolicySource } from './evaluate.js';
import type { IamRole } from './model.js';
import { policySources, roleByArn } from './policies.js';

/** IAM's quota on the inline policies of one role, all together (characters, whitespace aside). */
const MAX_INLINE_CHARS = 10240;

function required(input: QueryInput, field: string): string {
  const v = input[field];
  if (!v) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

function members(input: QueryInput, field: string): string[] {
  const out: string[] = [];
  for (let i = 1; input[`${field}.member.${i}`] !== undefined; i++) out.push(input[`${field}.member.${i}`]!);
  return out;
}

function roleOf(input: QueryInput, ctx: CallContext): IamRole {
  const name = required(input, 'RoleName');
  const role = ctx.account.iam.roles[name];
  if (!role) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
  return role;
}

function noSuchPolicy(name: string): AwsError {
  return new AwsError('NoSuchEntity', `The role policy with name ${name} cannot be found.`, 404);
}

const putRolePolicy: QueryHandler = (input, ctx) => {
  const role = roleOf(input, ctx);
  const name = required(input, 'PolicyName');
  const text = required(input, 'PolicyDocument');
  parsePolicy(text);
  const policies = { ...(role.inlinePolicies ?? {}), [name]: text };
  const size = Object.values(policies).reduce((n, t) => n + t.replace(/\s/g, '').length, 0);
  if (size > MAX_INLINE_CHARS) {
    throw new AwsError(
      'LimitExceeded',
      `Maximum policy size of ${MAX_INLINE_CHARS} bytes exceeded for role ${role.roleName}`,
      409,
    );
  }
  role.inlinePolicies = policies;
  ctx.sandbox.changed();
  return {};
};

const getRolePolicy: QueryHandler = (input, ctx) => {
  const role = roleOf(input, ctx);
  const name = required(input, 'PolicyName');
  const text = role.inlinePolicies?.[name];
  if (text === undefined) throw noSuchPolicy(name);
  // IAM returns policy documents URL-encoded (SDKs hand them over as they come).
  return { RoleName: role.roleName, PolicyName: name, PolicyDocument: encodeURIComponent(text) };
};

const listRolePolicies: QueryHandler = (input, ctx) => {
  const role = roleOf(input, ctx);
  const names = Object.keys(role.inlinePolicies ?? {}).sort();
  const max = input.MaxItems === undefined ? 100 : Number(input.MaxItems);
  const start = input.Marker === undefined ? 0 : Math.max(0, names.indexOf(input.Marker));
  const page = names.slice(start, start + max);
  const next = names[start + max];
  return {
    PolicyNames: page,
    IsTruncated: next !== undefined,
    ...(next !== undefined ? { Marker: next } : {}),
  };
};

const deleteRolePolicy: QueryHandler = (input, ctx) => {
  const role = roleOf(input, ctx);
  const name = required(input, 'PolicyName');
  if (role.inlinePolicies?.[name] === undefined) throw noSuchPolicy(name);
  const { [name]: _gone, ...rest } = role.inlinePolicies;
  role.inlinePolicies = rest;
  ctx.sandbox.changed();
  return {};
};

function statementXml(m: { source: PolicySource; index: number }): XmlNode {
  return { SourcePolicyId: m.source.id, SourcePolicyType: m.source.type };
}

/**
 * SimulatePrincipalPolicy for a role: one result per action and resource (default `*`), from the
 * role's inline and managed policies plus PolicyInputList. ContextEntries are not evaluated.
 */
const simulatePrincipalPolicy: QueryHandler = (input, ctx) => {
  const source = required(input, 'PolicySourceArn');
  if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user|group)\//.test(source)) {
    throw new AwsError('InvalidInput', `Invalid ARN ${source}: the sandbox simulates roles only.`);
  }
  const role = roleByArn(ctx.account.iam, ctx.account.id, source);
  if (!role) {
    const name = source.slice(source.lastIndexOf('/') + 1);
    throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
  }
  const actions = members(input, 'ActionNames');
  if (actions.length === 0) {
    throw new AwsError(
      'ValidationError',
      "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null",
    );
  }
  const resources = members(input, 'ResourceArns');
  const extra = members(input, 'PolicyInputList').map((text, i): PolicySource => ({
    id: `PolicyInputList.${i + 1}`,
    type: 'none',
    document: parsePolicy(text),
  }));
  const sources = [...policySources(role), ...extra];
  const results: XmlNode[] = [];
  for (const action of actions) {
    for (const resource of resources.length > 0 ? resources : ['*']) {
      const e = evaluate(sources, action, resource);
      results.push({
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: e.decision,
        MatchedStatements: e.matched.map(statementXml),
        MissingContextValues: e.missingContext,
      });
    }
  }
  const max = input.MaxItems === undefined ? results.length : Number(input.MaxItems);
  const start = input.Marker === undefined ? 0 : Number(input.Marker) || 0;
  const page = results.slice(start, start + max);
  const truncated = start + max < results.length;
  return {
    EvaluationResults: page,
    IsTruncated: truncated,
    ...(truncated ? { Marker: String(start + max) } : {}),
  };
};

/** The handlers, merged into iamService. */
export const iamPolicyActions: Record<string, QueryHandler> = {
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  ListRolePolicies: listRolePolicies,
  DeleteRolePolicy: deleteRolePolicy,
  SimulatePrincipalPolicy: simulatePrincipalPolicy,
};
