/** Request fields Logs actions share: group names and ARNs, stream names, paging. */
import type { AwsError } from '../errors.js';
import { invalidParameter, optionalInt, optionalString } from '../errors.js';
import type { CallContext, JsonInput } from '../service.js';

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
const STREAM_NAME = /^[^:*]+$/;

function constraint(value: string, field: string, rule: string): AwsError {
  return invalidParameter(
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${rule}`,
  );
}

/** Checks a log group name against the service's constraints. */
export function validGroupName(name: string, field = 'logGroupName'): string {
  if (name.length < 1 || name.length > 512) {
    throw constraint(name, field, 'Member must have length less than or equal to 512');
  }
  if (!GROUP_NAME.test(name)) {
    throw constraint(name, field, 'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+');
  }
  return name;
}

/** Checks a log stream name against the service's constraints. */
export function validStreamName(name: string, field = 'logStreamName'): string {
  if (name.length < 1 || name.length > 512) {
    throw constraint(name, field, 'Member must have length less than or equal to 512');
  }
  if (!STREAM_NAME.test(name)) {
    throw constraint(name, field, 'Member must satisfy regular expression pattern: [^:*]*');
  }
  return name;
}

/** The group named by `logGroupName` or `logGroupIdentifier` (a name or an ARN), exactly one. */
export function groupNameOf(input: JsonInput): string {
  const name = optionalString(input, 'logGroupName');
  const id = optionalString(input, 'logGroupIdentifier');
  if (name !== undefined && id !== undefined) {
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (name !== undefined) return validGroupName(name);
  if (id === undefined) throw invalidParameter('Should provide either name or ARN of the log group.');
  const m = /^arn:aws[a-z-]*:logs:[^:]*:[0-9]{12}:log-group:([^:]+)(?::\*)?$/.exec(id);
  return validGroupName(m ? m[1]! : id, 'logGroupIdentifier');
}

export function groupArn(ctx: CallContext, name: string): string {
  return `arn:aws:logs:${ctx.region}:${ctx.account.id}:log-group:${name}`;
}

const PREFIX = 'logs-page:';

/** One page by offset: `limit` between 1 and `max`, default `dflt`; opaque nextToken. */
export function paginate<T>(
  items: T[],
  input: JsonInput,
  dflt: number,
  max: number,
): { page: T[]; nextToken?: string } {
  const limit = optionalInt(input, 'limit') ?? dflt;
  if (limit < 1 || limit > max) {
    throw constraint(String(limit), 'limit', `Member must have value less than or equal to ${max}`);
  }
  const token = optionalString(input, 'nextToken');
  let start = 0;
  if (token !== undefined) {
    const text = Buffer.from(token, 'base64').toString('utf8');
    const n = text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : NaN;
    if (!Number.isInteger(n) || n < 0) throw invalidParameter('The specified nextToken is invalid.');
    start = n;
  }
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  if (end >= items.length) return { page };
  return { page, nextToken: Buffer.from(`${PREFIX}${end}`).toString('base64') };
}
