/**
 * Slipway's coded errors. Every error a user can see has a stable code, an owner (who must act:
 * the user, AWS, or us) and a message that says what to do next. `docs/errors.md` lists every
 * code in ERROR_CODES; test/errors-doc.test.ts keeps the two in step.
 */

/** Who has to act on an error. */
export type ErrorOwner = 'user' | 'aws' | 'internal';

interface ErrorCodeInfo {
  owner: ErrorOwner;
  /** One-line meaning, as printed in docs/errors.md. */
  summary: string;
}

/** The registry of error codes. Add a code here and a row in docs/errors.md. */
export const ERROR_CODES = {
  USAGE: { owner: 'user', summary: 'A command was called with missing, unknown or malformed arguments.' },
  INVALID_INPUT: { owner: 'user', summary: 'A value given to Slipway failed validation.' },
  CONFIG: { owner: 'user', summary: 'A configuration file or environment variable is wrong.' },
  NOT_FOUND: { owner: 'user', summary: 'A named thing (cluster, service, file, ...) does not exist.' },
  METHOD_NOT_ALLOWED: {
    owner: 'user',
    summary: 'An API path was called with an HTTP method it does not take.',
  },
  AWS_CALL_FAILED: { owner: 'aws', summary: 'An AWS API call failed after retries.' },
  SANDBOX_START_FAILED: {
    owner: 'user',
    summary: 'The sandbox could not start (port in use, unreadable state file, ...).',
  },
  SANDBOX_STATE_INVALID: {
    owner: 'user',
    summary: 'The sandbox state file is damaged, unreadable, or not one the sandbox wrote.',
  },
  ECS_DEPLOY_NO_TARGET: {
    owner: 'user',
    summary: 'ecs-deploy was given neither -n (service) nor -d (task definition).',
  },
  ECS_DEPLOY_BOTH_TARGETS: { owner: 'user', summary: 'ecs-deploy was given both -n and -d.' },
  ECS_DEPLOY_NO_CLUSTER: { owner: 'user', summary: 'ecs-deploy -n was given without -c (cluster).' },
  ECS_DEPLOY_NO_IMAGE: {
    owner: 'user',
    summary: 'ecs-deploy has nothing to deploy: no -i, no --tag-only, and no --force-new-deployment.',
  },
  ECS_DEPLOY_BAD_MAX_DEFINITIONS: { owner: 'user', summary: '--max-definitions is not a whole number.' },
  IMAGE_REFERENCE_INVALID: { owner: 'user', summary: 'An image reference does not parse.' },
  IMAGE_NOT_IN_TASK_DEFINITION: {
    owner: 'user',
    summary: 'No container of the task definition uses the repository of the image given with -i.',
  },
  AWS_CREDENTIALS: { owner: 'user', summary: 'No usable AWS credentials or region were found.' },
  TEMPLATE_CYCLE: { owner: 'user', summary: 'Variables refer to each other in a cycle (A → B → A).' },
  TEMPLATE_TOO_EXPENSIVE: {
    owner: 'user',
    summary: 'A template went over a budget of its evaluation: steps, text built, regex work or time.',
  },
  FEED_UNREACHABLE: { owner: 'user', summary: 'A container registry (feed) could not be reached.' },
  FEED_UNAUTHORIZED: { owner: 'user', summary: 'A container registry (feed) refused the credentials.' },
  FEED_REPOSITORY_NOT_FOUND: {
    owner: 'user',
    summary: 'A container registry (feed) has no such repository.',
  },
  ALREADY_EXISTS: { owner: 'user', summary: 'A name that must be unique is already taken.' },
  CONFLICT: {
    owner: 'user',
    summary: 'Someone else changed the thing since you read it (its version moved on).',
  },
  IN_USE: {
    owner: 'user',
    summary: 'The thing cannot be deleted while other things use it (they are named in the message).',
  },
  PRECONDITION_FAILED: {
    owner: 'user',
    summary: "An API request's If-Match names a version the thing is no longer at.",
  },
  PRECONDITION_REQUIRED: {
    owner: 'user',
    summary: 'An API request that changes a thing was sent without If-Match.',
  },
  STORE_UNAVAILABLE: {
    owner: 'user',
    summary: 'The database (data directory or PostgreSQL) could not be opened or reached.',
  },
  STORE_MIGRATION_FAILED: {
    owner: 'internal',
    summary: 'A database migration failed at start-up and was rolled back.',
  },
  SECRET_UNREADABLE: {
    owner: 'user',
    summary: 'A stored secret cannot be decrypted: wrong master key, or the stored value was altered.',
  },
  UNAUTHENTICATED: {
    owner: 'user',
    summary: 'An API request carried no API key, or a key that is wrong, expired or revoked.',
  },
  FORBIDDEN: { owner: 'user', summary: 'The API key is valid but its user may not do this.' },
  CSRF_REJECTED: {
    owner: 'user',
    summary:
      'A change made with the web UI session cookie lacked the X-Slipway-Csrf token, or came from another site.',
  },
  SIGN_IN_LIMITED: {
    owner: 'user',
    summary: 'Too many failed sign-ins for that user name or from that address in the last 15 minutes.',
  },
  LIFECYCLE_REFUSED: {
    owner: 'user',
    summary: "The release's lifecycle does not allow a deployment to that environment yet.",
  },
  SCRIPT_REFUSED: {
    owner: 'user',
    summary: 'A script step cannot run: the server (or worker) has no unprivileged user to run it as.',
  },
  WORKER_TASK_LOST: {
    owner: 'user',
    summary:
      'A worker reported on a script task that is no longer its own (it timed out, or the worker was removed).',
  },
  SERVER_START_FAILED: {
    owner: 'user',
    summary: 'The server could not start listening (port in use, address not available, ...).',
  },
  CLOUDFORMATION_REFUSED: {
    owner: 'user',
    summary:
      'CloudFormation refused a stack request: template, parameters, capabilities, stack name or state.',
  },
  CLOUDFORMATION_STACK_FAILED: {
    owner: 'user',
    summary: 'A CloudFormation stack operation ended in a failed or rolled-back state.',
  },
  CLOUDFORMATION_TIMEOUT: {
    owner: 'user',
    summary: 'A CloudFormation stack did not reach a final state within the wait timeout.',
  },
  NOT_IMPLEMENTED: { owner: 'internal', summary: 'The command or feature is planned but not built yet.' },
  DEMO_FAILED: { owner: 'internal', summary: 'The scripted demo rollout did not end as expected.' },
  INTERNAL: { owner: 'internal', summary: 'A bug in Slipway. Please report it with the log.' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Options for a SlipwayError beyond its code and message. */
export interface SlipwayErrorOptions {
  /** The error that caused this one; kept for logs. */
  cause?: unknown;
  /** Structured details (never secrets) for `--output json` and the API. */
  data?: Record<string, unknown>;
}

/** The base of every error Slipway raises on purpose. */
export class SlipwayError extends Error {
  readonly code: ErrorCode;
  readonly owner: ErrorOwner;
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: SlipwayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SlipwayError';
    this.code = code;
    this.owner = ERROR_CODES[code].owner;
    this.data = options.data ?? {};
  }
}

/** A usage or validation problem the user can fix by changing the input. */
export class UserInputError extends SlipwayError {
  constructor(message: string, options: SlipwayErrorOptions = {}) {
    super('INVALID_INPUT', message, options);
    this.name = 'UserInputError';
  }
}

/** True when `e` is a SlipwayError (also across module copies, by shape). */
export function isSlipwayError(e: unknown): e is SlipwayError {
  return e instanceof SlipwayError;
}

/** The message of anything thrown: an Error's message, else the value as text. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Wraps anything thrown into a SlipwayError, keeping coded errors as they are. */
export function toSlipwayError(e: unknown): SlipwayError {
  if (isSlipwayError(e)) return e;
  const message = messageOf(e);
  return new SlipwayError('INTERNAL', `Unexpected error: ${message}`, { cause: e });
}
