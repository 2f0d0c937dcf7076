/** STS (Query protocol): GetCallerIdentity, AssumeRole, GetSessionToken. */
import { randomBytes } from 'node:crypto';
import {
  STS_CHAINED_SESSION_MAX_SECONDS,
  STS_SESSION_DEFAULT_SECONDS,
  STS_SESSION_MIN_SECONDS,
} from '../../core/aws-limits.js';

/** AssumeRole's largest DurationSeconds (a role's MaxSessionDuration is at most this too). */
const STS_SESSION_MAX_SECONDS = 43200;
import { AwsError } from '../errors.js';
import { trustAllows } from '../iam/trust.js';
import type { CallContext, QueryInput, QueryService } from '../service.js';
import type { StsSession } from '../world.js';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function validation(message: string): AwsError {
  return new AwsError('ValidationError', message);
}

function token(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString('hex').toUpperCase();
}

function callerAccountOfSession(ctx: CallContext): StsSession | undefined {
  return ctx.sandbox.world.sessions[ctx.accessKeyId];
}

function assumeRole(input: QueryInput, ctx: CallContext) {
  const roleArn = input.RoleArn;
  const sessionName = input.RoleSessionName;
  if (!roleArn)
    throw validation(
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
  if (!sessionName) {
    throw validation(
      "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!SESSION_NAME.test(sessionName)) {
    throw validation(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const m = ROLE_ARN.exec(roleArn);
  if (!m) throw validation(`${roleArn} is invalid`);
  const [, accountId, roleName] = m as unknown as [string, string, string];
  const chained = callerAccountOfSession(ctx) !== undefined;
  const duration =
    input.DurationSeconds === undefined ? STS_SESSION_DEFAULT_SECONDS : Number(input.DurationSeconds);
  const denied = () =>
    new AwsError(
      'AccessDenied',
      `User: ${ctx.callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  const target = ctx.sandbox.world.accounts[accountId];
  const role = target?.iam.roles[roleName];
  if (!target || !role) throw denied();
  // Normally caught before the handler by the model's rules (protocol/input-rules.ts); kept for direct calls.
  if (
    !Number.isInteger(duration) ||
    duration < STS_SESSION_MIN_SECONDS ||
    duration > STS_SESSION_MAX_SECONDS
  ) {
    throw validation(
      `1 validation error detected: Value '${input.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${duration > STS_SESSION_MAX_SECONDS ? `less than or equal to ${STS_SESSION_MAX_SECONDS}` : `greater than or equal to ${STS_SESSION_MIN_SECONDS}`}`,
    );
  }
  const max = chained
    ? Math.min(role.maxSessionDuration, STS_CHAINED_SESSION_MAX_SECONDS)
    : role.maxSessionDuration;
  if (duration > max) {
    throw validation(
      `The requested DurationSeconds exceeds the ${chained ? '1 hour session limit for roles assumed by role chaining' : 'MaxSessionDuration set for this role'}.`,
    );
  }
  if (!trustAllows(role.assumeRolePolicyDocument, ctx.account.id, ctx.callerArn, input.ExternalId))
    throw denied();
  const session: StsSession = {
    accessKeyId: token('ASIA', 8),
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(48).toString('base64'),
    accountId,
    roleArn: role.arn,
    roleId: role.roleId,
    sessionName,
    expiresAt: ctx.now + duration * 1000,
  };
  ctx.sandbox.world.sessions[session.accessKeyId] = session;
  ctx.sandbox.changed();
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: new Date(session.expiresAt),
    },
    AssumedRoleUser: {
      AssumedRoleId: `${role.roleId}:${sessionName}`,
      Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    },
    PackedPolicySize: input.Policy ? 6 : undefined,
  };
}

export const stsService: QueryService = {
  name: 'sts',
  xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
  actions: {
    GetCallerIdentity: (_input, ctx) => {
      const session = callerAccountOfSession(ctx);
      return {
        Arn: ctx.callerArn,
        UserId: session ? `${session.roleId}:${session.sessionName}` : ctx.account.id,
        Account: ctx.account.id,
      };
    },
    AssumeRole: assumeRole,
  },
};
