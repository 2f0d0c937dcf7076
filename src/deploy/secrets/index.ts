/**
 * Sensitive values delivered to ECS tasks as secrets, shared by the Update and the Deploy (via
 * CloudFormation) ECS steps: plan which environment values must not be written in clear (pure,
 * plan.ts), put them into the target account's Parameter Store (store.ts), reference them from
 * the task definition, and ask IAM whether the execution role may read them (access.ts).
 * docs/security.md, "How secrets reach tasks", describes the whole path.
 */
import type { AwsClients } from '../../aws/clients.js';
import { makeEvent, type EventSink } from '../../core/events.js';
import { checkSecretAccess, kmsKeyArn, statementsJson, type AccessCheck } from './access.js';
import { parameterArn, roleArnOf, type SecretScope } from './names.js';
import { planSecrets, type DeliveredSecret, type PlainContainer } from './plan.js';
import { putSecrets, type SsmCallCount } from './store.js';

export { checkSecretAccess, statementsJson, type AccessCheck, type PolicyStatement } from './access.js';
export {
  encodeSegment,
  parameterArn,
  parameterName,
  PARAMETER_ROOT,
  UNTENANTED_SEGMENT,
  type SecretScope,
} from './names.js';
export {
  applySecrets,
  containsSensitive,
  planSecrets,
  refusePlaintext,
  requireExecutionRole,
  SECRET_VERSIONS_LABEL,
  withDeliveredSecrets,
  withoutPlanned,
  type DeliveredSecret,
  type ModelContainer,
  type PlainContainer,
  type PlannedSecret,
  type SecretSettings,
} from './plan.js';
export { putSecrets, type SsmCallCount } from './store.js';

/** What a step delivers. */
export interface DeliverInput {
  scope: SecretScope;
  /** The step's containers after evaluation (only their plain environment is read). */
  containers: readonly PlainContainer[];
  /** The step's sensitive values (variables.sensitive: the secrets and values computed from them). */
  sensitive: readonly string[];
  /** KMS key for the SecureStrings (default `alias/aws/ssm`). */
  kmsKeyId?: string;
}

/** What was delivered, without values. */
export interface SecretDelivery {
  delivered: DeliveredSecret[];
  calls: SsmCallCount;
}

/** The scope of a step's secrets from its system variables, cluster and service. */
export function secretScopeOf(values: Record<string, string>, cluster: string, service: string): SecretScope {
  const tenant = values['Octopus.Deployment.Tenant.Name'];
  return {
    project: values['Octopus.Project.Name'] || values['Octopus.Project.Id'] || 'project',
    environment: values['Octopus.Environment.Name'] || values['Octopus.Environment.Id'] || 'environment',
    ...(tenant ? { tenant } : {}),
    cluster,
    service,
  };
}

/**
 * Plans and puts the step's secrets (nothing when no environment value holds a sensitive one);
 * one `secrets.delivered` event each, naming the parameter and its version, never the value.
 */
export async function deliverSecrets(
  input: DeliverInput,
  clients: Pick<AwsClients, 'ssm' | 'region' | 'accountId'>,
  emit: EventSink,
): Promise<SecretDelivery> {
  const planned = planSecrets(input.containers, input.sensitive, input.scope);
  if (planned.length === 0) return { delivered: [], calls: { getParameters: 0, putParameter: 0 } };
  const account = await clients.accountId();
  const arns = new Map(
    planned.map((p) => [p.parameterName, parameterArn(clients.region, account, p.parameterName)]),
  );
  const { scope } = input;
  const result = await putSecrets(clients.ssm, planned, {
    ...(input.kmsKeyId ? { kmsKeyId: input.kmsKeyId } : {}),
    arnOf: (name) => arns.get(name)!,
    description: (p) =>
      `Written by Slipway: ${p.name} of container ${p.container} of ECS service ${scope.service} (cluster ${scope.cluster}), ` +
      `project ${scope.project}, environment ${scope.environment}, ${scope.tenant === undefined ? 'untenanted' : `tenant ${scope.tenant}`}.`,
  });
  for (const d of result.delivered)
    emit(
      makeEvent(
        'secrets.delivered',
        `[${scope.service}] ${d.name} of container ${d.container} is delivered as a secret from ${d.parameterName} (version ${d.version}, ${d.written ? 'written' : 'unchanged'})`,
        {
          service: scope.service,
          container: d.container,
          name: d.name,
          parameterName: d.parameterName,
          valueFrom: d.valueFrom,
          version: d.version,
          written: d.written,
        },
      ),
    );
  return result;
}

/**
 * Checks that `role` (the task definition's executionRoleArn: an ARN or a name) may read the
 * delivered parameters; a `secrets.access-denied` warning carries the exact statement to add, a
 * `secrets.access-unchecked` warning says why it could not be asked. Never throws.
 */
export async function verifySecretAccess(
  role: string,
  delivered: readonly DeliveredSecret[],
  clients: Pick<AwsClients, 'iam' | 'region' | 'accountId'>,
  emit: EventSink,
  options: { service: string; kmsKeyId?: string },
): Promise<AccessCheck> {
  if (delivered.length === 0) return { kind: 'allowed' };
  let check: AccessCheck;
  let roleArn = role;
  try {
    const account = await clients.accountId();
    roleArn = roleArnOf(role, clients.region, account);
    const key = options.kmsKeyId ? kmsKeyArn(options.kmsKeyId, clients.region, account) : undefined;
    check = await checkSecretAccess(
      clients.iam,
      roleArn,
      delivered.map((d) => d.valueFrom),
      key,
    );
  } catch (e) {
    check = { kind: 'unchecked', reason: e instanceof Error ? e.message : String(e) };
  }
  const service = options.service;
  if (check.kind === 'denied') {
    const json = statementsJson(check.statements);
    emit(
      makeEvent(
        'secrets.access-denied',
        `[${service}] The task execution role ${roleArn} may not read ${check.denied.length === 1 ? 'a secret' : 'some secrets'} of this service ` +
          `(${check.denied.map((d) => `${d.action} on ${d.resource}: ${d.decision}`).join('; ')}); its tasks will fail to start. ` +
          `Add this statement to the role's policy:\n${json}`,
        { service, role: roleArn, denied: check.denied, statements: check.statements },
      ),
    );
  } else if (check.kind === 'unchecked') {
    emit(
      makeEvent(
        'secrets.access-unchecked',
        `[${service}] Could not check whether the task execution role ${roleArn} may read this service's secrets (${check.reason}). ` +
          'It needs ssm:GetParameters on them (and kms:Decrypt on a customer key); allow the deploying identity iam:SimulatePrincipalPolicy to have this checked.',
        { service, role: roleArn, reason: check.reason },
      ),
    );
  }
  if (options.kmsKeyId && !kmsKeyArn(options.kmsKeyId, 'r', '0') && check.kind !== 'unchecked')
    emit(
      makeEvent(
        'secrets.access-unchecked',
        `[${service}] The KMS key ${options.kmsKeyId} is an alias: whether ${roleArn} may kms:Decrypt with it was not checked. Allow it on the key the alias names.`,
        { service, role: roleArn, reason: 'alias' },
      ),
    );
  return check;
}
