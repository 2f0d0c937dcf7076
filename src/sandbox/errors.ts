/**
 * An error answered to an AWS client in the shape of the service's protocol. `code` is the AWS
 * error code the SDK maps to an exception class (ClientException, ThrottlingException, ...).
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Query protocol only: Sender (the caller's fault) or Receiver (ours). */
  readonly fault: 'Sender' | 'Receiver';

  constructor(code: string, message: string, status = 400, fault: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.fault = fault;
  }
}

/** The common validation error of JSON services (ECS spells it InvalidParameterException). */
export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

/** ECS's catch-all client error. */
export function clientException(message: string): AwsError {
  return new AwsError('ClientException', message);
}

/** Throws InvalidParameterException unless `value` is a non-empty string. */
export function requireString(input: Record<string, unknown>, field: string): string {
  const v = input[field];
  if (typeof v !== 'string' || v.length === 0) {
    throw invalidParameter(`${field} is required and must be a non-empty string.`);
  }
  return v;
}

/** Returns the optional string field, or throws when present with the wrong type. */
export function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameter(`${field} must be a string.`);
  return v;
}

/** Returns the optional integer field, or throws when present and not an integer. */
export function optionalInt(input: Record<string, unknown>, field: string): number | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidParameter(`${field} must be an integer.`);
  return v;
}

/** Returns the optional boolean field, or throws when present and not a boolean. */
export function optionalBool(input: Record<string, unknown>, field: string): boolean | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidParameter(`${field} must be a boolean.`);
  return v;
}

/** Returns the optional list of strings, or throws when present and not one. */
export function optionalStringList(input: Record<string, unknown>, field: string): string[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw invalidParameter(`${field} must be a list of strings.`);
  }
  return v as string[];
}
