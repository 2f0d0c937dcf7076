/** Request fields every ECR action shares. */
import { AwsError, invalidParameter, optionalString } from '../errors.js';
import type { CallContext, JsonInput } from '../service.js';

/** Checks `registryId` (if given) names the caller's own registry; returns the registry id. */
export function registryOf(input: JsonInput, ctx: CallContext, action: string): string {
  const id = optionalString(input, 'registryId');
  if (id === undefined || id === ctx.account.id) return ctx.account.id;
  if (!/^[0-9]{12}$/.test(id)) {
    throw invalidParameter(
      `Invalid parameter at 'registryId' failed to satisfy constraint: 'must satisfy regular expression '[0-9]{12}''`,
    );
  }
  // Cross-account access needs a repository policy, which the sandbox does not model.
  throw new AwsError(
    'AccessDeniedException',
    `User: ${ctx.callerArn} is not authorized to perform: ecr:${action} on resource: arn:aws:ecr:${ctx.region}:${id}:repository/*`,
  );
}

/** An optional object field, or InvalidParameterException when it is not one. */
export function objectField(input: JsonInput, field: string): Record<string, unknown> | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParameter(`${field} must be an object.`);
  return v as Record<string, unknown>;
}
