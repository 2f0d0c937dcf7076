/**
 * The policies of a role as the evaluator reads them (inline and attached managed ones), and the
 * role an ARN names. Used by SimulatePrincipalPolicy and by the ECS engine (task execution roles).
 */
import { evaluate, parsePolicy, type Evaluation, type PolicySource } from './evaluate.js';
import { MANAGED_POLICY_DOCUMENTS } from './managed-policies.js';
import type { IamAccount, IamRole } from './model.js';

/** The role a role ARN names in this account (`arn:aws:iam::<account>:role[/path]/<name>`). */
export function roleByArn(iam: IamAccount, accountId: string, arn: string): IamRole | undefined {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!m || m[1] !== accountId) return undefined;
  return iam.roles[m[2]!];
}

/** The role's identity policies: inline ones (by name), then attached managed ones. */
export function policySources(role: IamRole): PolicySource[] {
  const out: PolicySource[] = [];
  for (const [name, text] of Object.entries(role.inlinePolicies ?? {})) {
    out.push({ id: name, type: 'role', document: parsePolicy(text) });
  }
  for (const arn of role.attachedPolicyArns) {
    const managed = MANAGED_POLICY_DOCUMENTS[arn];
    if (managed) out.push({ id: managed.name, type: 'aws-managed', document: managed.document });
  }
  return out;
}

/** May this role perform `action` on `resource`? (Identity policies only; no boundaries, SCPs or resource policies.) */
export function roleDecision(role: IamRole, action: string, resource: string): Evaluation {
  return evaluate(policySources(role), action, resource);
}
