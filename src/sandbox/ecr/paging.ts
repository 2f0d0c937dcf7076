/** Offset-based nextToken pagination for ECR list calls (tokens are opaque to clients). */
import { AwsError, optionalInt, optionalString } from '../errors.js';
import type { JsonInput } from '../service.js';

const PREFIX = 'ecr-page:';

function invalid(field: string, constraint: string): AwsError {
  return new AwsError(
    'InvalidParameterException',
    `Invalid parameter at '${field}' failed to satisfy constraint: '${constraint}'`,
  );
}

/** One page of `items` per the request's maxResults (1–1000, default 100) and nextToken. */
export function paginate<T>(items: T[], input: JsonInput): { page: T[]; nextToken?: string } {
  const max = optionalInt(input, 'maxResults') ?? 100;
  if (max < 1 || max > 1000) throw invalid('maxResults', 'must be between 1 and 1000');
  const token = optionalString(input, 'nextToken');
  let start = 0;
  if (token !== undefined) {
    const text = Buffer.from(token, 'base64').toString('utf8');
    const n = text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : NaN;
    if (!Number.isInteger(n) || n < 0) throw invalid('nextToken', 'Invalid NextToken');
    start = n;
  }
  const page = items.slice(start, start + max);
  const end = start + page.length;
  if (end >= items.length) return { page };
  return { page, nextToken: Buffer.from(`${PREFIX}${end}`).toString('base64') };
}
