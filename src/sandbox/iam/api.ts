/** IAM (Query protocol): the role operations ECS deployments touch. IAM is global per account. */
import { randomBytes } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { XmlNode } from '../protocol/xml.js';
import type { CallContext, QueryInput, QueryService } from '../service.js';
import type { IamRole } from './model.js';
import { iamPolicyActions } from './api-policies.js';
import { MANAGED_POLICY_DOCUMENTS } from './managed-policies.js';

/** AWS managed policies the sandbox knows (attachable to any role): ARN → name. */
export const MANAGED_POLICIES: Record<string, string> = Object.fromEntries(
  Object.entries(MANAGED_POLICY_DOCUMENTS).map(([arn, p]) => [arn, p.name]),
);

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

function noSuchRole(name: string): AwsError {
  return new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
}

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

/** A role as IAM returns it; GetRole also carries RoleLastUsed (empty for a role never used). */
function roleXml(r: IamRole, withLastUsed = false): XmlNode {
  return {
    Path: r.path,
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: new Date(r.createDate),
    // IAM returns the trust policy URL-encoded.
    AssumeRolePolicyDocument: encodeURIComponent(r.assumeRolePolicyDocument),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    RoleLastUsed: withLastUsed ? {} : undefined,
    Tags: r.tags.length > 0 ? r.tags.map((t) => ({ Key: t.Key, Value: t.Value })) : undefined,
  };
}

function getRole(input: QueryInput, ctx: CallContext): IamRole {
  const name = required(input, 'RoleName');
  const role = ctx.account.iam.roles[name];
  if (!role) throw noSuchRole(name);
  return role;
}

/** Creates a role in an account (shared by CreateRole and the admin API). */
export function createRole(
  roles: Record<string, IamRole>,
  accountId: string,
  now: number,
  fields: {
    roleName: string;
    assumeRolePolicyDocument: string;
    path?: string;
    description?: string;
    maxSessionDuration?: number;
    tags?: { Key: string; Value: string }[];
  },
): IamRole {
  const { roleName } = fields;
  if (!ROLE_NAME.test(roleName)) {
    throw new AwsError(
      'ValidationError',
      `The specified value for roleName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-`,
    );
  }
  if (roles[roleName]) {
    throw new AwsError('EntityAlreadyExists', `Role with name ${roleName} already exists.`, 409);
  }
  try {
    JSON.parse(fields.assumeRolePolicyDocument);
  } catch {
    throw new AwsError('MalformedPolicyDocument', 'This policy contains invalid Json');
  }
  const maxSessionDuration = fields.maxSessionDuration ?? 3600;
  if (maxSessionDuration < 3600 || maxSessionDuration > 43200) {
    throw new AwsError(
      'ValidationError',
      'The requested MaxSessionDuration must be between 3600 and 43200 seconds.',
    );
  }
  const path = fields.path ?? '/';
  const role: IamRole = {
    roleName,
    roleId: 'AROA' + randomBytes(8).toString('hex').toUpperCase().slice(0, 17),
    arn: `arn:aws:iam::${accountId}:role${path}${roleName}`,
    path,
    description: fields.description,
    maxSessionDuration,
    assumeRolePolicyDocument: fields.assumeRolePolicyDocument,
    createDate: now,
    attachedPolicyArns: [],
    tags: fields.tags ?? [],
  };
  roles[roleName] = role;
  return role;
}

function tagsOf(input: QueryInput): { Key: string; Value: string }[] {
  const tags: { Key: string; Value: string }[] = [];
  for (let i = 1; input[`Tags.member.${i}.Key`] !== undefined; i++) {
    tags.push({ Key: input[`Tags.member.${i}.Key`]!, Value: input[`Tags.member.${i}.Value`] ?? '' });
  }
  return tags;
}

export const iamService: QueryService = {
  name: 'iam',
  xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
  actions: {
    CreateRole: (input, ctx) => {
      const role = createRole(ctx.account.iam.roles, ctx.account.id, ctx.now, {
        roleName: required(input, 'RoleName'),
        assumeRolePolicyDocument: required(input, 'AssumeRolePolicyDocument'),
        path: input.Path,
        description: input.Description,
        maxSessionDuration:
          input.MaxSessionDuration === undefined ? undefined : Number(input.MaxSessionDuration),
        tags: tagsOf(input),
      });
      ctx.sandbox.changed();
      return { Role: roleXml(role) };
    },
    GetRole: (input, ctx) => ({ Role: roleXml(getRole(input, ctx), true) }),
    ListRoles: (input, ctx) => {
      const prefix = input.PathPrefix ?? '/';
      const roles = Object.values(ctx.account.iam.roles).filter((r) => r.path.startsWith(prefix));
      return { Roles: roles.map((r) => roleXml(r)), IsTruncated: false };
    },
    DeleteRole: (input, ctx) => {
      const role = getRole(input, ctx);
      if (role.attachedPolicyArns.length > 0) {
        throw new AwsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
      }
      if (Object.keys(role.inlinePolicies ?? {}).length > 0) {
        throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
      }
      delete ctx.account.iam.roles[role.roleName];
      ctx.sandbox.changed();
      return {};
    },
    AttachRolePolicy: (input, ctx) => {
      const role = getRole(input, ctx);
      const arn = required(input, 'PolicyArn');
      if (!MANAGED_POLICIES[arn]) {
        throw new AwsError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404);
      }
      if (!role.attachedPolicyArns.includes(arn)) role.attachedPolicyArns.push(arn);
      ctx.sandbox.changed();
      return {};
    },
    DetachRolePolicy: (input, ctx) => {
      const role = getRole(input, ctx);
      const arn = required(input, 'PolicyArn');
      const i = role.attachedPolicyArns.indexOf(arn);
      if (i < 0) throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
      role.attachedPolicyArns.splice(i, 1);
      ctx.sandbox.changed();
      return {};
    },
    ListAttachedRolePolicies: (input, ctx) => {
      const role = getRole(input, ctx);
      return {
        AttachedPolicies: role.attachedPolicyArns.map((arn) => ({
          PolicyName: MANAGED_POLICIES[arn] ?? arn.slice(arn.lastIndexOf('/') + 1),
          PolicyArn: arn,
        })),
        IsTruncated: false,
      };
    },
    ...iamPolicyActions,
  },
};
