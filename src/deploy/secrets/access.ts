/**
 * May the task's execution role read its secrets? Asked of IAM's policy simulator
 * (SimulatePrincipalPolicy: the role's identity policies, permission boundary included) for
 * `ssm:GetParameters` on each parameter, and `kms:Decrypt` on a customer key. A role that may not
 * gets the exact policy statement to add. The simulator does not see KMS key policies, service
 * control policies or VPC endpoint policies, so its "no" is a warning, not a refusal; a task that
 * really cannot read its secrets fails to start with ECS's own reason.
 */
import { SimulatePrincipalPolicyCommand, type EvaluationResult } from '@aws-sdk/client-iam';
import { describeAwsError } from '../../aws/errors.js';
import { partitionOf } from './names.js';

/** The IAM call the check needs. */
export interface IamPort {
  send(
    command: SimulatePrincipalPolicyCommand,
  ): Promise<{ EvaluationResults?: EvaluationResult[]; IsTruncated?: boolean; Marker?: string }>;
}

/** An IAM policy statement, as written in a policy document. */
export interface PolicyStatement {
  Effect: 'Allow';
  Action: string;
  Resource: string | string[];
}

/** What the check found. */
export type AccessCheck =
  | { kind: 'allowed' }
  /** Some actions on some resources are not allowed: add `statements` to the role. */
  | {
      kind: 'denied';
      denied: { action: string; resource: string; decision: string }[];
      statements: PolicyStatement[];
    }
  /** The simulator could not be asked (e.g. the deploying identity may not call it). */
  | { kind: 'unchecked'; reason: string };

/** A KMS key id or ARN as an ARN; an alias (its key is not known here) gives undefined. */
export function kmsKeyArn(key: string, region: string, account: string): string | undefined {
  if (key.startsWith('arn:')) return key.includes(':alias/') ? undefined : key;
  if (key.startsWith('alias/')) return undefined;
  return `arn:${partitionOf(region)}:kms:${region}:${account}:key/${key}`;
}

/** Asks the simulator whether `roleArn` may read `parameterArns` (and decrypt with `keyArn`, when a customer key is used). */
export async function checkSecretAccess(
  iam: IamPort,
  roleArn: string,
  parameterArns: readonly string[],
  keyArn?: string,
): Promise<AccessCheck> {
  const asks: { action: string; resources: string[] }[] = [
    { action: 'ssm:GetParameters', resources: [...new Set(parameterArns)] },
    ...(keyArn ? [{ action: 'kms:Decrypt', resources: [keyArn] }] : []),
  ];
  const denied: { action: string; resource: string; decision: string }[] = [];
  try {
    for (const ask of asks) {
      let marker: string | undefined;
      do {
        const res = await iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: roleArn,
            ActionNames: [ask.action],
            ResourceArns: ask.resources,
            ...(marker ? { Marker: marker } : {}),
          }),
        );
        for (const r of res.EvaluationResults ?? []) denied.push(...deniedIn(r, ask));
        marker = res.IsTruncated ? res.Marker : undefined;
      } while (marker);
    }
  } catch (e) {
    return { kind: 'unchecked', reason: describeAwsError(e) };
  }
  if (denied.length === 0) return { kind: 'allowed' };
  const statements = asks
    .map((ask): PolicyStatement | undefined => {
      const resources = ask.resources.filter((r) =>
        denied.some((d) => d.action === ask.action && d.resource === r),
      );
      if (resources.length === 0) return undefined;
      return {
        Effect: 'Allow',
        Action: ask.action,
        Resource: resources.length === 1 ? resources[0]! : resources,
      };
    })
    .filter((s): s is PolicyStatement => s !== undefined);
  return { kind: 'denied', denied, statements };
}

/** The (action, resource) pairs one result does not allow. */
function deniedIn(
  r: EvaluationResult,
  ask: { action: string; resources: string[] },
): { action: string; resource: string; decision: string }[] {
  const action = r.EvalActionName ?? ask.action;
  if (r.ResourceSpecificResults && r.ResourceSpecificResults.length > 0)
    return r.ResourceSpecificResults.filter((x) => x.EvalResourceDecision !== 'allowed').map((x) => ({
      action,
      resource: x.EvalResourceName ?? '*',
      decision: x.EvalResourceDecision ?? 'implicitDeny',
    }));
  if (r.EvalDecision === 'allowed') return [];
  const decision = r.EvalDecision ?? 'implicitDeny';
  const named = r.EvalResourceName;
  // "*" (or no name) means the decision covers every resource asked about.
  const resources = named && named !== '*' ? [named] : ask.resources;
  return resources.map((resource) => ({ action, resource, decision }));
}

/** The statements as the JSON to paste into the role's policy document. */
export function statementsJson(statements: readonly PolicyStatement[]): string {
  return JSON.stringify(statements.length === 1 ? statements[0] : statements, null, 2);
}
