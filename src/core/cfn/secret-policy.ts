/**
 * The inline policy an in-stack execution role gets when the step's containers have `secrets`: ECS
 * reads them at task start as that role, and AmazonECSTaskExecutionRolePolicy allows neither
 * `ssm:GetParameters` nor `secretsmanager:GetSecretValue`. Exactly the secrets named, nothing wider.
 * Pure. (A role the step names is the user's: Slipway only checks it, see deploy/secrets.)
 *
 * | valueFrom                                          | Resource                                            |
 * | -------------------------------------------------- | --------------------------------------------------- |
 * | `arn:...:ssm:region:account:parameter/name`        | the ARN as written                                  |
 * | `/name` or `name` (a parameter of the task's region) | `Fn::Sub` `arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/name` |
 * | `arn:...:secretsmanager:...:secret:name[-suffix][:json-key:stage:id]` | the ARN up to the secret's name, and that followed by `-??????` (a name without its random suffix) |
 *
 * A value still holding `#{...}` (an export of an unevaluated step) is read by its text: an ARN
 * when it starts with `arn:`, else a parameter name.
 */
import type { CfnValue } from './template.js';

/** The name of the inline policy (stable: a re-deploy with the same secrets changes nothing). */
export const SECRETS_POLICY_NAME = 'slipway-secrets';

/** What the secrets of a container look like here. */
interface WithSecrets {
  secrets: readonly { valueFrom: string }[];
}

/** The IAM resources ECS reads a `valueFrom` as; empty for an ARN of another service (ECS refuses it). */
export function secretResources(valueFrom: string): {
  action: 'ssm' | 'secretsmanager';
  resources: CfnValue[];
} {
  if (!valueFrom.startsWith('arn:')) {
    // `${` has no place in a parameter name; `${!` keeps Fn::Sub from reading one as a variable.
    const name = valueFrom.replace(/^\//, '').replaceAll('${', '${!');
    return {
      action: 'ssm',
      resources: [
        { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${name}` },
      ],
    };
  }
  const parts = valueFrom.split(':');
  if (parts[2] === 'ssm') return { action: 'ssm', resources: [valueFrom] };
  if (parts[2] === 'secretsmanager') {
    // IAM authorizes the secret itself: not its JSON key, stage or version.
    const secret = parts.slice(0, 7).join(':');
    return { action: 'secretsmanager', resources: [secret, `${secret}-??????`] };
  }
  return { action: 'ssm', resources: [] };
}

/**
 * The `Policies` entry allowing the role to read every container's secrets (SSM parameters, then
 * Secrets Manager secrets, each in order of first use, no repeats); undefined when there are none.
 */
export function secretsPolicy(containers: readonly WithSecrets[]): CfnValue | undefined {
  const ssm = new Map<string, CfnValue>();
  const asm = new Map<string, CfnValue>();
  for (const c of containers)
    for (const s of c.secrets) {
      const { action, resources } = secretResources(s.valueFrom);
      for (const r of resources) (action === 'ssm' ? ssm : asm).set(JSON.stringify(r), r);
    }
  const statements: CfnValue[] = [];
  if (ssm.size > 0)
    statements.push({ Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [...ssm.values()] });
  if (asm.size > 0)
    statements.push({
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: [...asm.values()],
    });
  if (statements.length === 0) return undefined;
  return {
    PolicyName: SECRETS_POLICY_NAME,
    PolicyDocument: { Version: '2012-10-17', Statement: statements },
  };
}
