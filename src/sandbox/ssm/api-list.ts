/** GetParametersByPath, DescribeParameters and GetParameterHistory: filters and paging. */
import { AwsError } from '../errors.js';
import { epochSeconds, type CallContext, type JsonInput } from '../service.js';
import { optBool, optInt, optStr, page, reqStr } from './input.js';
import { current, ssmOf, type SsmParameter } from './model.js';
import { checkPath, parameterArn, parseRef, validation } from './names.js';
import { findParameter, parameterNotFound, parameterOut, shownValue } from './store.js';

interface Filter {
  key: string;
  option: string;
  values: string[];
}

const invalidToken = () => new AwsError('InvalidNextToken', 'The specified token is not valid.');

function byName(a: SsmParameter, b: SsmParameter): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Whether `name` lies under `path` (one level, or any depth when recursive). */
export function underPath(name: string, path: string, recursive: boolean): boolean {
  const prefix = path === '/' ? '/' : `${path.replace(/\/+$/, '')}/`;
  if (!name.startsWith(prefix)) return false;
  return recursive || !name.slice(prefix.length).includes('/');
}

function invalidOption(option: string, valid: string[]): AwsError {
  return new AwsError(
    'InvalidFilterOption',
    `The following filter option is not valid: ${option}. Valid options include: [${valid.join(', ')}].`,
  );
}

/** Reads ParameterFilters; `keys` are the filter keys this call allows (tag:* always). */
function parameterFilters(input: JsonInput, keys: string[]): Filter[] {
  const raw = input.ParameterFilters;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new AwsError('SerializationException', 'ParameterFilters must be a list.');
  return raw.map((f: unknown) => {
    const o = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    const key = typeof o.Key === 'string' ? o.Key : '';
    if (!keys.includes(key) && !key.startsWith('tag:')) {
      throw new AwsError(
        'InvalidFilterKey',
        `The following filter key is not valid: ${key}. Valid filter keys include: [${keys.join(', ')}].`,
      );
    }
    const values = Array.isArray(o.Values) ? o.Values.filter((v): v is string => typeof v === 'string') : [];
    const dflt = key === 'Path' ? 'OneLevel' : 'Equals';
    const option = typeof o.Option === 'string' ? o.Option : dflt;
    const valid =
      key === 'Path'
        ? ['Recursive', 'OneLevel']
        : key === 'Name'
          ? ['BeginsWith', 'Equals', 'Contains']
          : ['Equals'];
    if (!valid.includes(option)) throw invalidOption(option, valid);
    if (key === 'Path') for (const v of values) checkPath(v);
    if (values.length === 0 && !key.startsWith('tag:')) {
      throw new AwsError(
        'InvalidFilterValue',
        `The following filter values are missing : null for filter key ${key}.`,
      );
    }
    return { key, option, values };
  });
}

function matches(p: SsmParameter, f: Filter): boolean {
  const v = current(p);
  const any = (get: string | undefined) => get !== undefined && f.values.includes(get);
  switch (f.key) {
    case 'Name':
      return f.values.some((x) => {
        const wanted = x.startsWith('/') || !p.name.startsWith('/') ? x : `/${x}`;
        if (f.option === 'BeginsWith') return p.name.startsWith(wanted);
        if (f.option === 'Contains') return p.name.includes(x);
        return p.name === wanted;
      });
    case 'Path':
      return f.values.some((x) => underPath(p.name, x, f.option === 'Recursive'));
    case 'Type':
      return any(v.type);
    case 'KeyId':
      return any(v.keyId);
    case 'Tier':
      return any(v.tier);
    case 'DataType':
      return any(v.dataType);
    default: {
      const tag = p.tags.find((t) => t.Key === f.key.slice('tag:'.length));
      return tag !== undefined && (f.values.length === 0 || f.values.includes(tag.Value));
    }
  }
}

/** GetParametersByPath: the parameters under a path, 10 a page at most. */
export function getParametersByPath(input: JsonInput, ctx: CallContext): unknown {
  const path = checkPath(reqStr(input, 'Path'));
  const recursive = optBool(input, 'Recursive') ?? false;
  const decrypt = optBool(input, 'WithDecryption') ?? false;
  const filters = parameterFilters(input, ['Type', 'KeyId', 'Label']);
  const limit = optInt(input, 'MaxResults', 1, 10) ?? 10;
  const list = Object.values(ssmOf(ctx.regionState).parameters)
    .filter((p) => underPath(p.name, path, recursive))
    .filter((p) => filters.every((f) => matches(p, f)))
    .sort(byName);
  const { items, nextToken } = page(list, limit, optStr(input, 'NextToken'), invalidToken);
  return {
    Parameters: items.map((p) => parameterOut(ctx, p, current(p), decrypt)),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

function legacyFilters(input: JsonInput): Filter[] {
  const raw = input.Filters;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new AwsError('SerializationException', 'Filters must be a list.');
  return raw.map((f: unknown) => {
    const o = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    const key = typeof o.Key === 'string' ? o.Key : '';
    if (!['Name', 'Type', 'KeyId'].includes(key)) {
      throw validation(
        `1 validation error detected: Value '${key}' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [Name, Type, KeyId]`,
      );
    }
    const values = Array.isArray(o.Values) ? o.Values.filter((v): v is string => typeof v === 'string') : [];
    // The legacy Name filter matches names that begin with a value.
    return { key, option: key === 'Name' ? 'BeginsWith' : 'Equals', values };
  });
}

/** DescribeParameters: metadata (never values), filtered, 50 a page at most. */
export function describeParameters(input: JsonInput, ctx: CallContext): unknown {
  if (input.Filters != null && input.ParameterFilters != null) {
    throw validation('You can use either Filters or ParameterFilters in a single request.');
  }
  const filters = [
    ...legacyFilters(input),
    ...parameterFilters(input, ['Name', 'Path', 'Type', 'KeyId', 'Tier', 'DataType']),
  ];
  const limit = optInt(input, 'MaxResults', 1, 50) ?? 50;
  const list = Object.values(ssmOf(ctx.regionState).parameters)
    .filter((p) => filters.every((f) => matches(p, f)))
    .sort(byName);
  const { items, nextToken } = page(list, limit, optStr(input, 'NextToken'), invalidToken);
  return {
    Parameters: items.map((p) => {
      const v = current(p);
      return {
        Name: p.name,
        ARN: parameterArn(ctx, p.name),
        Type: v.type,
        ...(v.keyId !== undefined ? { KeyId: v.keyId } : {}),
        LastModifiedDate: epochSeconds(v.lastModifiedDate),
        LastModifiedUser: v.lastModifiedUser,
        ...(v.description !== undefined ? { Description: v.description } : {}),
        ...(v.allowedPattern !== undefined ? { AllowedPattern: v.allowedPattern } : {}),
        Version: v.version,
        Tier: v.tier,
        Policies: [],
        DataType: v.dataType,
      };
    }),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

/** GetParameterHistory: every kept version, oldest first, 50 a page at most. */
export function getParameterHistory(input: JsonInput, ctx: CallContext): unknown {
  const name = reqStr(input, 'Name');
  const p = findParameter(
    ssmOf(ctx.regionState),
    { names: parseRef(name).names },
    ctx.account.id,
    ctx.region,
  );
  if (!p) throw parameterNotFound(name);
  const decrypt = optBool(input, 'WithDecryption') ?? false;
  const limit = optInt(input, 'MaxResults', 1, 50) ?? 50;
  const { items, nextToken } = page(p.versions, limit, optStr(input, 'NextToken'), invalidToken);
  return {
    Parameters: items.map((v) => ({
      Name: p.name,
      Type: v.type,
      ...(v.keyId !== undefined ? { KeyId: v.keyId } : {}),
      LastModifiedDate: epochSeconds(v.lastModifiedDate),
      LastModifiedUser: v.lastModifiedUser,
      ...(v.description !== undefined ? { Description: v.description } : {}),
      Value: shownValue(p, v, decrypt),
      ...(v.allowedPattern !== undefined ? { AllowedPattern: v.allowedPattern } : {}),
      Version: v.version,
      Labels: [],
      Tier: v.tier,
      Policies: [],
      DataType: v.dataType,
    })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}
