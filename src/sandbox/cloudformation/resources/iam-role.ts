/**
 * AWS::IAM::Role: the sandbox's own IAM (createRole, AttachRolePolicy, PutRolePolicy, DeleteRole)
 * in the stack's account. Ref = RoleName (generated, ≤ 64 characters, when absent); Arn and RoleId
 * attributes. Inline `Policies` become the role's inline policies, which the sandbox evaluates
 * (SimulatePrincipalPolicy, ECS task secrets).
 */
import { createRole, iamService } from '../../iam/api.js';
import type { IamRole } from '../../iam/model.js';
import type { QueryHandler } from '../../service.js';
import type { ProgressEvent, ResourceProvider, ResourceRequest } from '../contracts.js';
import { callQuery, generatedName, queryAction, mergedTags, settle, settled, success } from './common.js';
import { handlerFailure, isAwsError, serviceFailure } from './messages.js';
import { cfnTags, stringProp } from './props.js';
import { CFN_TIMINGS } from './timings.js';

const TYPE = 'AWS::IAM::Role';
/** IAM's longest role name. */
const MAX_ROLE_NAME = 64;

function action(name: string): QueryHandler {
  return queryAction(iamService, name);
}

/** The trust policy as IAM stores it: a JSON document (templates give an object). */
function policyDocument(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function integer(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

function managedPolicies(properties: Record<string, unknown>): string[] {
  const v = properties.ManagedPolicyArns;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The inline `Policies` property: policy name → document (JSON text). */
function inlinePolicies(properties: Record<string, unknown>): Record<string, string> {
  const v = properties.Policies;
  const out: Record<string, string> = {};
  if (!Array.isArray(v)) return out;
  for (const item of v) {
    if (typeof item !== 'object' || item === null) continue;
    const o = item as Record<string, unknown>;
    const document = policyDocument(o.PolicyDocument);
    if (typeof o.PolicyName === 'string' && document !== undefined) out[o.PolicyName] = document;
  }
  return out;
}

function attributesOf(role: IamRole): Record<string, unknown> {
  return { Arn: role.arn, RoleId: role.roleId };
}

/**
 * Attaches and detaches managed policies, and puts and deletes inline ones, so the role has exactly
 * `wanted`; a FAILED event on error.
 */
function syncPolicies(
  request: ResourceRequest,
  role: IamRole,
  wanted: string[],
  inline: Record<string, string>,
): ProgressEvent | undefined {
  let op = 'DetachRolePolicy';
  try {
    for (const arn of role.attachedPolicyArns.filter((a) => !wanted.includes(a))) {
      callQuery(request, action(op), { RoleName: role.roleName, PolicyArn: arn });
    }
    op = 'AttachRolePolicy';
    for (const arn of wanted) callQuery(request, action(op), { RoleName: role.roleName, PolicyArn: arn });
    op = 'DeleteRolePolicy';
    for (const name of Object.keys(role.inlinePolicies ?? {}).filter((n) => !(n in inline))) {
      callQuery(request, action(op), { RoleName: role.roleName, PolicyName: name });
    }
    op = 'PutRolePolicy';
    for (const [name, document] of Object.entries(inline)) {
      if (role.inlinePolicies?.[name] === document) continue;
      callQuery(request, action(op), { RoleName: role.roleName, PolicyName: name, PolicyDocument: document });
    }
    return undefined;
  } catch (e) {
    if (isAwsError(e)) return serviceFailure('Iam', op, e, role.roleName);
    throw e;
  }
}

function create(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const p = request.properties;
  const document = policyDocument(p.AssumeRolePolicyDocument);
  if (document === undefined) {
    return {
      status: 'FAILED',
      errorCode: 'InvalidRequest',
      message: `Properties validation failed for resource ${request.logicalId} with message: #: required key [AssumeRolePolicyDocument] not found`,
    };
  }
  const name =
    stringProp(p, 'RoleName') ?? generatedName(request.stackName, request.logicalId, MAX_ROLE_NAME);
  const roles = request.ctx.account.iam.roles;
  // AWS's IAM::Role handler says just this (no handler wrapper).
  if (roles[name]) return { status: 'FAILED', errorCode: 'AlreadyExists', message: `${name} already exists` };
  let role: IamRole;
  try {
    role = createRole(roles, request.ctx.account.id, request.ctx.sandbox.now(), {
      roleName: name,
      assumeRolePolicyDocument: document,
      path: stringProp(p, 'Path'),
      description: stringProp(p, 'Description'),
      maxSessionDuration: integer(p.MaxSessionDuration),
      tags: mergedTags(request.stackTags, cfnTags(p.Tags)),
    });
  } catch (e) {
    if (isAwsError(e)) return serviceFailure('Iam', 'CreateRole', e);
    throw e;
  }
  request.ctx.sandbox.changed();
  const failure = syncPolicies(request, role, managedPolicies(p), inlinePolicies(p));
  if (failure) {
    // Leave nothing behind: the resource failed as a whole.
    role.attachedPolicyArns = [];
    role.inlinePolicies = {};
    delete roles[name];
    request.ctx.sandbox.changed();
    return { ...failure, physicalId: undefined };
  }
  return settle(CFN_TIMINGS.roleCreateSeconds, name, attributesOf(role));
}

function update(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const name = request.physicalId ?? '';
  const role = request.ctx.account.iam.roles[name];
  if (!role) return handlerFailure(`The role with name ${name} cannot be found.`, 'NotFound', name);
  const p = request.properties;
  // The sandbox's IAM has no UpdateRole / UpdateAssumeRolePolicy: set the record as they would.
  const document = policyDocument(p.AssumeRolePolicyDocument);
  if (document !== undefined) role.assumeRolePolicyDocument = document;
  role.description = stringProp(p, 'Description');
  role.maxSessionDuration = integer(p.MaxSessionDuration) ?? 3600;
  role.tags = mergedTags(request.stackTags, cfnTags(p.Tags));
  request.ctx.sandbox.changed();
  const failure = syncPolicies(request, role, managedPolicies(p), inlinePolicies(p));
  if (failure) return failure;
  return settle(CFN_TIMINGS.updateSeconds, name, attributesOf(role));
}

function remove(request: ResourceRequest): ProgressEvent {
  const done = settled(request);
  if (done) return done;
  const name = request.physicalId;
  const role = name === undefined ? undefined : request.ctx.account.iam.roles[name];
  if (!name || !role) return success(name);
  const failure = syncPolicies(request, role, [], {});
  if (failure) return failure;
  try {
    callQuery(request, action('DeleteRole'), { RoleName: name });
  } catch (e) {
    if (isAwsError(e)) return serviceFailure('Iam', 'DeleteRole', e, name);
    throw e;
  }
  return settle(CFN_TIMINGS.deleteSeconds, name);
}

/** The provider. */
export const roleProvider: ResourceProvider = {
  type: TYPE,
  replaceOn: ['RoleName', 'Path'],
  attributes: ['Arn', 'RoleId'],
  nameProperty: 'RoleName',
  systemTags: false,
  iam: true,
  create,
  update,
  delete: remove,
};
