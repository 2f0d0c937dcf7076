/** DescribeSecret and ListSecrets (filters, sorting, paging). Neither ever returns a value. */
import { AwsError } from '../errors.js';
import { epochSeconds, type CallContext, type JsonInput } from '../service.js';
import { optBool, optInt, optStr, page, reqStr } from '../ssm/input.js';
import { secretsOf, type SmSecret } from './model.js';
import { getSecret, purgeExpired, versionsToStages } from './store.js';

function metadata(
  s: SmSecret,
  versionsKey: 'VersionIdsToStages' | 'SecretVersionsToStages',
): Record<string, unknown> {
  return {
    ARN: s.arn,
    Name: s.name,
    ...(s.description !== undefined ? { Description: s.description } : {}),
    ...(s.kmsKeyId !== undefined ? { KmsKeyId: s.kmsKeyId } : {}),
    LastChangedDate: epochSeconds(s.lastChangedDate),
    ...(s.lastAccessedDate !== undefined ? { LastAccessedDate: epochSeconds(s.lastAccessedDate) } : {}),
    ...(s.deletedDate !== undefined ? { DeletedDate: epochSeconds(s.deletedDate) } : {}),
    ...(s.tags.length > 0 ? { Tags: s.tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : {}),
    ...(s.versions.length > 0 ? { [versionsKey]: versionsToStages(s) } : {}),
    CreatedDate: epochSeconds(s.createdDate),
  };
}

/** DescribeSecret: works on a secret marked deleted too (it shows DeletedDate). */
export function describeSecret(input: JsonInput, ctx: CallContext): unknown {
  return metadata(
    getSecret(secretsOf(ctx.regionState), reqStr(input, 'SecretId'), ctx.now),
    'VersionIdsToStages',
  );
}

const FILTER_KEYS = [
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
];

interface Filter {
  key: string;
  values: string[];
}

function filtersOf(input: JsonInput): Filter[] {
  const raw = input.Filters;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new AwsError('SerializationException', 'Filters must be a list.');
  return raw.map((f: unknown, i) => {
    const o = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    const key = typeof o.Key === 'string' ? o.Key : '';
    if (!FILTER_KEYS.includes(key)) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${key}' at 'filters.${i + 1}.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${FILTER_KEYS.join(', ')}]`,
      );
    }
    const values = Array.isArray(o.Values) ? o.Values.filter((v): v is string => typeof v === 'string') : [];
    return { key, values };
  });
}

/** A value matches by prefix, case-insensitively; a leading `!` negates it (AWS's filter rules). */
function valueMatches(candidates: string[], wanted: string): boolean {
  const negate = wanted.startsWith('!');
  const w = (negate ? wanted.slice(1) : wanted).toLowerCase();
  const hit = candidates.some((c) => c.toLowerCase().startsWith(w));
  return negate ? !hit : hit;
}

function matches(s: SmSecret, f: Filter, region: string): boolean {
  const fields: Record<string, string[]> = {
    name: [s.name],
    description: s.description !== undefined ? [s.description] : [],
    'tag-key': s.tags.map((t) => t.Key),
    'tag-value': s.tags.map((t) => t.Value),
    'primary-region': [region],
    'owning-service': [],
  };
  const candidates = f.key === 'all' ? Object.values(fields).flat() : (fields[f.key] ?? []);
  return f.values.some((w) => valueMatches(candidates, w));
}

/** ListSecrets: by creation date (SortOrder desc reverses), 100 a page at most. */
export function listSecrets(input: JsonInput, ctx: CallContext): unknown {
  const sm = secretsOf(ctx.regionState);
  purgeExpired(sm, ctx.now);
  const includeDeleted = optBool(input, 'IncludePlannedDeletion') ?? false;
  const filters = filtersOf(input);
  const limit = optInt(input, 'MaxResults', 1, 100) ?? 100;
  const order = optStr(input, 'SortOrder') ?? 'asc';
  const list = Object.values(sm.secrets)
    .filter((s) => includeDeleted || s.deletedDate === undefined)
    .filter((s) => filters.every((f) => matches(s, f, ctx.region)))
    .sort((a, b) => a.createdDate - b.createdDate || (a.name < b.name ? -1 : 1));
  if (order === 'desc') list.reverse();
  const { items, nextToken } = page(
    list,
    limit,
    optStr(input, 'NextToken'),
    () => new AwsError('InvalidNextTokenException', 'The specified token is not valid.'),
  );
  return {
    SecretList: items.map((s) => metadata(s, 'SecretVersionsToStages')),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}
