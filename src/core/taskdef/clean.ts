/** Cleaning a described task definition into RegisterTaskDefinition input. */
import { SlipwayError } from '../errors.js';
import { isEmptyValue, isPlainObject, setKey } from './json.js';
import type { TaskDefinitionJson } from './types.js';

/** Read-only fields that DescribeTaskDefinition returns and RegisterTaskDefinition rejects. */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

const READ_ONLY = new Set<string>(READ_ONLY_FIELDS);

/**
 * The definition inside `{taskDefinition: {...}}` (DescribeTaskDefinition's response, as saved to a
 * file), or the value itself. Siblings of the wrapper (`tags` from `--include TAGS`) are not part
 * of the definition and are left out; `--copy-task-definition-tags` carries tags explicitly.
 */
export function unwrapTaskDefinition(value: TaskDefinitionJson): TaskDefinitionJson {
  const inner = value['taskDefinition'];
  if (isPlainObject(inner) && !('containerDefinitions' in value) && !('family' in value)) return inner;
  return value;
}

/** Strips exactly READ_ONLY_FIELDS and drops empty values (`""`, `[]`, `{}`, null) at any depth; passes the rest through. Accepts `{taskDefinition: {...}}` too. */
export function cleanForRegister(described: TaskDefinitionJson): TaskDefinitionJson {
  if (!isPlainObject(described)) {
    throw new SlipwayError('INVALID_INPUT', 'A task definition must be a JSON object.');
  }
  const td = unwrapTaskDefinition(described);
  const out: TaskDefinitionJson = {};
  for (const [key, value] of Object.entries(td)) {
    if (READ_ONLY.has(key)) continue;
    const cleaned = dropEmpties(value);
    if (!isEmptyValue(cleaned)) setKey(out, key, cleaned);
  }
  return out;
}

/**
 * A copy without empty values. In arrays, elements that are null or clean to `{}`/`[]` go, but
 * strings stay, even `""`: arrays such as `command` are positional, and an empty argument means
 * something there.
 */
export function dropEmpties(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const element of value) {
      const cleaned = dropEmpties(element);
      if (cleaned === '' || !isEmptyValue(cleaned)) out.push(cleaned);
    }
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, element] of Object.entries(value)) {
      const cleaned = dropEmpties(element);
      if (!isEmptyValue(cleaned)) setKey(out, key, cleaned);
    }
    return out;
  }
  return value;
}
