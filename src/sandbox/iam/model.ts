/** IAM state of one account (IAM is global: not per region). */
export interface IamRole {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  description?: string;
  maxSessionDuration: number;
  assumeRolePolicyDocument: string;
  createDate: number;
  attachedPolicyArns: string[];
  /** Inline policies by name, as given to PutRolePolicy (absent in older state files). */
  inlinePolicies?: Record<string, string>;
  tags: { Key: string; Value: string }[];
}

export interface IamAccount {
  roles: Record<string, IamRole>;
}

export function emptyIamAccount(): IamAccount {
  return { roles: {} };
}
