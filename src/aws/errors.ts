/**
 * Naming AWS errors for messages, and turning credential problems into SlipwayError('AWS_CREDENTIALS')
 * that say what to set. Everything the SDK already names well is left as it is.
 */
import { SlipwayError } from '../core/errors.js';

/** What to set, in one sentence, for every credential message. */
export const CREDENTIALS_HINT =
  'Set AWS_PROFILE (or pass -p PROFILE), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or -k KEY -s SECRET), ' +
  'and AWS_REGION (or -r REGION). For the local sandbox, run `slipway sandbox` and eval its export lines ' +
  '(eval "$(slipway sandbox)").';

/** The error code of an SDK or Node error (`ThrottlingException`, `ECONNREFUSED`, ...), if it has one. */
export function awsErrorCode(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const { Code, code } = e as Error & { Code?: unknown; code?: unknown };
  if (typeof Code === 'string' && Code) return Code;
  if (e.name && e.name !== 'Error') return e.name;
  if (typeof code === 'string' && code) return code;
  return undefined;
}

/** `Code: message` for SDK errors (e.g. `ClusterNotFoundException: Cluster not found.`); the message alone otherwise. */
export function describeAwsError(e: unknown): string {
  if (e instanceof SlipwayError) return e.message;
  if (!(e instanceof Error)) return String(e);
  let message = e.message;
  // Node reports a refused dual-stack connect as an AggregateError with an empty message.
  if (!message && e instanceof AggregateError) {
    const first: unknown = e.errors[0];
    if (first instanceof Error) message = first.message;
  }
  const code = awsErrorCode(e);
  if (!code) return message || e.name;
  if (!message || message === code) return code;
  return `${code}: ${message}`;
}

/** True for the SDK's "no credentials could be found / loaded" errors. */
export function isCredentialsProviderError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'CredentialsProviderError' || e.name === 'TokenProviderError');
}

/** Errors that mean the signing credentials have expired: refresh and try again. */
export function isExpiredCredentialsError(e: unknown): boolean {
  const code = awsErrorCode(e);
  return code === 'ExpiredTokenException' || code === 'ExpiredToken' || code === 'RequestExpired';
}

/** An AWS_CREDENTIALS error with the hint appended, keeping `cause`. */
export function credentialsError(message: string, cause?: unknown): SlipwayError {
  return new SlipwayError('AWS_CREDENTIALS', `${message} ${CREDENTIALS_HINT}`, { cause });
}
