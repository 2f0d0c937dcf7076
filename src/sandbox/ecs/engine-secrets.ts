/**
 * A task's secrets at start: each `secrets[].valueFrom` and `logConfiguration.secretOptions[]` of
 * its containers (and a private registry's `repositoryCredentials`) is fetched, as the ECS agent
 * does, from SSM Parameter Store (ssm:GetParameters) or Secrets Manager (secretsmanager:GetSecretValue)
 * in the task's account, as the task execution role, whose policies the IAM evaluator judges.
 * Nothing is fetched for real: the values are never copied into the task (DescribeTasks must not
 * show them). kms:Decrypt is not checked (see docs/sandbox.md).
 */
import { roleByArn, roleDecision } from '../iam/policies.js';
import type { IamRole } from '../iam/model.js';
import { secretsOf } from '../secretsmanager/model.js';
import { findSecret, pickVersion } from '../secretsmanager/store.js';
import { ssmOf } from '../ssm/model.js';
import { parseRef } from '../ssm/names.js';
import { findParameter, versionOf } from '../ssm/store.js';
import { regionOf } from '../world.js';
import type { EngineCtx, Scope } from './engine-context.js';
import { findTaskDef } from './engine-context.js';
import type { EcsTask } from './model.js';
import { isObject } from './util.js';

const PREFIX =
  'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ';
const SSM = 'unable to retrieve secrets from ssm: service call has been retried 1 time(s): ';
const ASM = 'unable to retrieve secret from asm: service call has been retried 1 time(s): ';

/** Every valueFrom the task's containers name, in order, without repeats. */
export function secretRefs(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const containers = Array.isArray(body.containerDefinitions) ? body.containerDefinitions : [];
  for (const c of containers) {
    if (!isObject(c)) continue;
    const lists = [c.secrets, isObject(c.logConfiguration) ? c.logConfiguration.secretOptions : undefined];
    for (const list of lists) {
      for (const s of Array.isArray(list) ? list : []) {
        if (isObject(s) && typeof s.valueFrom === 'string') out.push(s.valueFrom);
      }
    }
    const creds = isObject(c.repositoryCredentials)
      ? c.repositoryCredentials.credentialsParameter
      : undefined;
    if (typeof creds === 'string') out.push(creds);
  }
  return [...new Set(out)];
}

function denied(
  user: string,
  action: string,
  resource: string,
  explicit: boolean,
  requestId: string,
): string {
  const why = explicit
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`;
  return `AccessDeniedException: User: ${user} is not authorized to perform: ${action} on resource: ${resource} ${why} status code: 400, request id: ${requestId}`;
}

/** The SSM part: one GetParameters call per region, authorized per parameter. */
function ssmError(
  ctx: EngineCtx,
  scope: Scope,
  role: IamRole,
  user: string,
  refs: string[],
): string | undefined {
  const invalid: string[] = [];
  for (const ref of refs) {
    const parsed = parseRef(ref);
    const region = parsed.region ?? scope.region;
    const name = parsed.names[parsed.names.length - 1]!;
    const account = parsed.account ?? scope.account.id;
    const resource = `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`;
    const d = roleDecision(role, 'ssm:GetParameters', resource);
    if (d.decision !== 'allowed') {
      return `${PREFIX}${SSM}${denied(user, 'ssm:GetParameters', resource, d.decision === 'explicitDeny', ctx.runtime.uuid())}`;
    }
    const ssm = ssmOf(regionOf(scope.account, region));
    const p = findParameter(ssm, parsed, scope.account.id, region);
    let ok = p !== undefined;
    if (p) {
      try {
        versionOf(p, parsed.selector);
      } catch {
        ok = false;
      }
    }
    if (!ok) invalid.push(ref);
  }
  // (shape of AWS's text when several parameters are missing: the agent lists them)
  return invalid.length > 0 ? `${PREFIX}${SSM}invalid ssm parameters: ${invalid.join(', ')}` : undefined;
}

/** The Secrets Manager part: `arn:...:secret:name[-suffix][:json-key:version-stage:version-id]`. */
function asmError(
  ctx: EngineCtx,
  scope: Scope,
  role: IamRole,
  user: string,
  ref: string,
): string | undefined {
  const parts = ref.split(':');
  const arn = parts.slice(0, 7).join(':');
  const [jsonKey, stage, versionId] = parts.slice(7).map((x) => (x === '' ? undefined : x));
  const region = parts[3] ?? scope.region;
  const sameAccount = parts[4] === scope.account.id;
  const secret = sameAccount
    ? findSecret(secretsOf(regionOf(scope.account, region)), arn, ctx.runtime.now())
    : undefined;
  const resource = secret?.arn ?? arn;
  const fetchFailed = `${PREFIX}${ASM}failed to fetch secret ${arn} from secrets manager: `;
  const requestId = ctx.runtime.uuid();
  const d = roleDecision(role, 'secretsmanager:GetSecretValue', resource);
  if (d.decision !== 'allowed') {
    return (
      fetchFailed +
      denied(user, 'secretsmanager:GetSecretValue', resource, d.decision === 'explicitDeny', requestId)
    );
  }
  if (!secret) {
    return `${fetchFailed}ResourceNotFoundException: Secrets Manager can't find the specified secret. status code: 400, request id: ${requestId}`;
  }
  if (secret.deletedDate !== undefined) {
    return `${fetchFailed}InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion. status code: 400, request id: ${requestId}`;
  }
  let value: string | undefined;
  try {
    value = pickVersion(secret, versionId, stage).secretString;
  } catch (e) {
    const err = e as Error;
    return `${fetchFailed}${err.name}: ${err.message} status code: 400, request id: ${requestId}`;
  }
  if (jsonKey === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? '');
  } catch {
    // (shape of AWS's text)
    return `${PREFIX}${ASM}failed to unmarshal secret value of secret ${arn} to json`;
  }
  if (!isObject(parsed) || !(jsonKey in parsed)) {
    return `${PREFIX}${ASM}retrieved secret from Secrets Manager did not contain json key ${jsonKey}`;
  }
  return undefined;
}

/**
 * Why the task's secrets cannot be read (the task's stoppedReason), or undefined when they can
 * or it has none. The task execution role must exist in the task's account.
 */
export function secretsError(ctx: EngineCtx, scope: Scope, task: EcsTask): string | undefined {
  const td = findTaskDef(scope.ecs, task.taskDefinitionArn);
  if (!td) return undefined;
  const refs = secretRefs(td.body);
  if (refs.length === 0) return undefined;
  const roleArn = typeof td.body.executionRoleArn === 'string' ? td.body.executionRoleArn : '';
  const role = roleArn.startsWith('arn:')
    ? roleByArn(scope.account.iam, scope.account.id, roleArn)
    : scope.account.iam.roles[roleArn];
  if (!role) {
    // (shape of AWS's text: ECS's wording when it cannot assume a task's role)
    return `${PREFIX}ECS was unable to assume the role '${roleArn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`;
  }
  // ECS's agent names the execution role's session after the task.
  const user = `arn:aws:sts::${scope.account.id}:assumed-role/${role.roleName}/${task.taskId}`;
  const asm = refs.filter((r) => r.startsWith('arn:') && r.split(':')[2] === 'secretsmanager');
  const ssm = refs.filter((r) => !asm.includes(r));
  for (const ref of asm) {
    const err = asmError(ctx, scope, role, user, ref);
    if (err) return err;
  }
  return ssm.length > 0 ? ssmError(ctx, scope, role, user, ssm) : undefined;
}
