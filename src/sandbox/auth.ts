/**
 * Who is calling: the access key from the SigV4 scope decides the account; a temporary key must
 * carry its session token and be unexpired. Errors use each protocol's real codes.
 */
import type { IncomingMessage } from 'node:http';
import { AwsError } from './errors.js';
import { parseAuthorization, parsePresigned, type SigV4Scope } from './protocol/sigv4.js';
import type { SandboxRuntime } from './runtime.js';
import type { AccountState, StsSession } from './world.js';

export type Protocol = 'json' | 'query';

export interface Caller {
  scope: SigV4Scope;
  account: AccountState;
  session?: StsSession;
  /** arn:aws:iam::<acct>:root, or arn:aws:sts::<acct>:assumed-role/<role>/<session>. */
  arn: string;
  userId: string;
}

function invalidToken(protocol: Protocol): AwsError {
  return protocol === 'json'
    ? new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.')
    : new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
}

/** Identifies the caller or throws the error AWS would answer. */
export function authenticate(
  req: IncomingMessage,
  search: URLSearchParams,
  runtime: SandboxRuntime,
  protocol: Protocol,
): Caller {
  const scope = parseAuthorization(req.headers.authorization) ?? parsePresigned(search);
  if (!scope) {
    throw protocol === 'json'
      ? new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400)
      : new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  }
  const found = runtime.findCaller(scope.accessKeyId);
  if (!found) throw invalidToken(protocol);
  const { account, session } = found;
  if (!session) {
    return { scope, account, arn: `arn:aws:iam::${account.id}:root`, userId: account.id };
  }
  const token = req.headers['x-amz-security-token'] ?? search.get('X-Amz-Security-Token') ?? undefined;
  if (token !== session.sessionToken) throw invalidToken(protocol);
  if (runtime.now() >= session.expiresAt) {
    throw protocol === 'json'
      ? new AwsError('ExpiredTokenException', 'The security token included in the request is expired')
      : new AwsError('ExpiredToken', 'The security token included in the request is expired');
  }
  const roleName = session.roleArn.slice(session.roleArn.lastIndexOf('/') + 1);
  return {
    scope,
    account,
    session,
    arn: `arn:aws:sts::${account.id}:assumed-role/${roleName}/${session.sessionName}`,
    userId: `${session.roleId}:${session.sessionName}`,
  };
}
