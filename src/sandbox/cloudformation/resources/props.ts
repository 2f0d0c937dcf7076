/**
 * CloudFormation properties (PascalCase, values as the template evaluated them) to the service
 * APIs' input (camelCase, typed). Refs to Number parameters are strings, so numbers and booleans
 * given as strings are coerced where the API wants them (cloudformation.md §A4 point 6).
 */

/** Property names whose API name is not the property name with a lower-case first letter. */
const RENAMES: Record<string, string> = {
  EFSVolumeConfiguration: 'efsVolumeConfiguration',
  FilesystemId: 'fileSystemId',
  IAM: 'iam',
  FSxWindowsFileServerVolumeConfiguration: 'fsxWindowsFileServerVolumeConfiguration',
  ProxyConfigurationProperties: 'properties',
  PlacementStrategies: 'placementStrategy',
  ClusterSettings: 'settings',
};

/** Maps whose keys are the user's data (labels, driver options): copied, never renamed. */
const OPAQUE = new Set(['DockerLabels', 'Options', 'DriverOpts', 'Labels']);

/** API fields that are integers wherever they appear. */
const INTEGERS = new Set([
  'containerPort',
  'hostPort',
  'memoryReservation',
  'startTimeout',
  'stopTimeout',
  'interval',
  'timeout',
  'retries',
  'startPeriod',
  'softLimit',
  'hardLimit',
  'sharedMemorySize',
  'maxSwap',
  'swappiness',
  'size',
  'sizeInGiB',
  'desiredCount',
  'healthCheckGracePeriodSeconds',
  'minimumHealthyPercent',
  'maximumPercent',
  'base',
  'weight',
  'iops',
  'throughput',
  'bakeTimeInMinutes',
  'retentionInDays',
  'maxSessionDuration',
]);

/** Integers only inside a container definition: the task's own cpu and memory are strings. */
const NESTED_INTEGERS = new Set(['cpu', 'memory']);

const BOOLEANS = new Set([
  'essential',
  'readonlyRootFilesystem',
  'disableNetworking',
  'privileged',
  'interactive',
  'pseudoTerminal',
  'initProcessEnabled',
  'readOnly',
  'enable',
  'rollback',
  'enableECSManagedTags',
  'enableExecuteCommand',
  'enableFaultInjection',
  'autoprovision',
  'encrypted',
  'configuredAtLaunch',
]);

/** Fields that are strings in the API even when a template writes a number (env values, tags). */
const STRINGS = new Set(['value', 'cpu', 'memory']);

/** The API name of a property. */
export function apiName(property: string): string {
  return RENAMES[property] ?? property.charAt(0).toLowerCase() + property.slice(1);
}

function coerce(key: string, v: unknown, depth: number): unknown {
  if (typeof v === 'string') {
    const int = INTEGERS.has(key) || (depth > 0 && NESTED_INTEGERS.has(key));
    if (int && /^-?\d+$/.test(v.trim())) return Number(v.trim());
    if (BOOLEANS.has(key) && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  }
  if ((typeof v === 'number' || typeof v === 'boolean') && STRINGS.has(key)) {
    if (!(depth > 0 && NESTED_INTEGERS.has(key))) return String(v);
  }
  return v;
}

function convert(v: unknown, depth: number): unknown {
  if (Array.isArray(v)) return v.map((x) => convert(x, depth));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue;
    const name = apiName(k);
    out[name] = OPAQUE.has(k) ? stringMap(x) : coerce(name, convert(x, depth + 1), depth);
  }
  return out;
}

/** A user map copied as is, with numbers and booleans as strings (Docker wants strings). */
function stringMap(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] = typeof x === 'number' || typeof x === 'boolean' ? String(x) : x;
  }
  return out;
}

/**
 * Converts a resource's properties to an API input: names to camelCase (with ECS's exceptions),
 * numeric and boolean strings to numbers and booleans where the API wants them. The top level is
 * depth 0 (a task definition's `cpu`/`memory` stay strings there, as ECS wants).
 */
export function toApiInput(properties: Record<string, unknown>): Record<string, unknown> {
  return convert(properties, 0) as Record<string, unknown>;
}

/** CloudFormation's `[{Key, Value}]` tags (undefined or malformed: none). */
export function cfnTags(v: unknown): { Key: string; Value: string }[] {
  if (!Array.isArray(v)) return [];
  const out: { Key: string; Value: string }[] = [];
  for (const t of v) {
    if (t === null || typeof t !== 'object') continue;
    const { Key, Value } = t as Record<string, unknown>;
    if (typeof Key === 'string') out.push({ Key, Value: Value === undefined ? '' : String(Value) });
  }
  return out;
}

/** The string property, or undefined when absent or empty. */
export function stringProp(properties: Record<string, unknown>, name: string): string | undefined {
  const v = properties[name];
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Stable JSON (sorted keys) to compare property values. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The properties whose value differs between two property sets (either side may lack it). */
export function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !sameValue(before[k], after[k])).sort();
}
