/**
 * Which environment values go to a task as secrets, and the task definition that references them
 * (pure). A plain environment value whose evaluated text contains any sensitive value of the step
 * (a sensitive variable, or a value computed from one) is never written into a task definition:
 * it is delivered through Parameter Store and the container gets `secrets: [{name, valueFrom}]`.
 */
import { SlipwayError } from '../../core/errors.js';
import { containerName, containersOf, editEntries } from '../../core/taskdef/entries.js';
import type { TaskDefinitionJson } from '../../core/taskdef/index.js';
import { deepCopy, isPlainObject } from '../../core/taskdef/json.js';
import { parameterName, type SecretScope } from './names.js';

/** A container's plain environment as a step gives it (after evaluation). */
export interface PlainContainer {
  name: string;
  environment: readonly { name: string; value: string }[];
}

/** One value to deliver: where it goes and what it is (the value never leaves this module's callers' memory). */
export interface PlannedSecret {
  container: string;
  /** The environment variable's name in the container. */
  name: string;
  parameterName: string;
  value: string;
}

/** A delivered secret as the task definition references it (no value). */
export interface DeliveredSecret {
  container: string;
  name: string;
  parameterName: string;
  /** The parameter's ARN: the `valueFrom` ECS reads. */
  valueFrom: string;
  /** The parameter's version holding this value. */
  version: number;
  /** true when this deployment wrote it (created, or the value changed). */
  written: boolean;
}

/** The docker label on each container listing its delivered secrets' versions (a new value → a new revision). */
export const SECRET_VERSIONS_LABEL = 'slipway.secret-versions';

/** Sensitive values shorter than this are masked nowhere, and too common to refuse in a template's variables. */
const MIN_GUARDED_LENGTH = 4;

/** True when `text` holds any of the non-empty `sensitive` values. */
export function containsSensitive(text: string, sensitive: readonly string[]): boolean {
  return sensitive.some((s) => s !== '' && text.includes(s));
}

/** The environment values of `containers` to deliver as secrets, in order. */
export function planSecrets(
  containers: readonly PlainContainer[],
  sensitive: readonly string[],
  scope: SecretScope,
): PlannedSecret[] {
  const out: PlannedSecret[] = [];
  for (const c of containers)
    for (const e of c.environment)
      if (containsSensitive(e.value, sensitive))
        out.push({
          container: c.name,
          name: e.name,
          parameterName: parameterName(scope, c.name, e.name),
          value: e.value,
        });
  return out;
}

/** The containers with the planned secrets left out of their plain environment. */
export function withoutPlanned<C extends PlainContainer>(
  containers: readonly C[],
  planned: readonly { container: string; name: string }[],
): C[] {
  return containers.map((c) => {
    const mine = new Set(planned.filter((p) => p.container === c.name).map((p) => p.name));
    return mine.size === 0 ? c : { ...c, environment: c.environment.filter((e) => !mine.has(e.name)) };
  });
}

/** A container's explicit secrets and how they combine with the template's. */
export interface SecretSettings {
  name: string;
  secrets: readonly { name: string; valueFrom: string }[];
  /** "append": set these names, keep the template's others; "replace": exactly these (plus delivered ones). */
  mode: 'append' | 'replace';
}

/**
 * The definition with each container's explicit secrets (per its mode) and the delivered ones set:
 * a name set as a secret leaves the plain environment, and a name the step sets as a plain variable
 * leaves the secrets (`plainNames`), so no name is in both. The version label lists the delivered
 * secrets of each container, or is removed when it has none. Never mutates `base`.
 */
export function applySecrets(
  base: TaskDefinitionJson,
  settings: readonly SecretSettings[],
  delivered: readonly DeliveredSecret[],
  plainNames: ReadonlyMap<string, readonly string[]> = new Map(),
): TaskDefinitionJson {
  const td = deepCopy(base);
  const containers = containersOf(td);
  containers.forEach((c, i) => {
    const name = containerName(c, i);
    const s = settings.find((x) => x.name === name);
    const mine = delivered.filter((d) => d.container === name);
    if (!s && mine.length === 0 && !plainNames.has(name)) return;
    const set = Object.fromEntries([
      ...(s?.secrets ?? []).map((e) => [e.name, e.valueFrom] as const),
      ...mine.map((d) => [d.name, d.valueFrom] as const),
    ]);
    const only = s?.mode === 'replace' ? new Set(Object.keys(set)) : undefined;
    const unset = (plainNames.get(name) ?? []).filter((n) => !Object.hasOwn(set, n));
    put(c, 'secrets', editEntries(c['secrets'], 'valueFrom', set, unset, only));
    put(c, 'environment', editEntries(c['environment'], 'value', {}, Object.keys(set)));
    setVersionLabel(c, mine);
  });
  return td;
}

/** A container as a step's model holds it (the CloudFormation step's containers have this shape). */
export interface ModelContainer extends PlainContainer {
  secrets: readonly { name: string; valueFrom: string }[];
  dockerLabels: Record<string, string>;
}

/**
 * The containers with their delivered secrets in place of the plain values: the name leaves
 * `environment`, joins `secrets` (replacing an explicit one of that name) with the parameter's ARN,
 * and the version label is set (for steps that render a whole task definition, like CloudFormation's).
 */
export function withDeliveredSecrets<C extends ModelContainer>(
  containers: readonly C[],
  delivered: readonly DeliveredSecret[],
): C[] {
  return containers.map((c) => {
    const mine = delivered.filter((d) => d.container === c.name);
    if (mine.length === 0) return c;
    const names = new Set(mine.map((d) => d.name));
    const labels: Record<string, string> = { ...c.dockerLabels };
    const holder: Record<string, unknown> = { dockerLabels: labels };
    setVersionLabel(holder, mine);
    return {
      ...c,
      environment: c.environment.filter((e) => !names.has(e.name)),
      secrets: [
        ...c.secrets.filter((s) => !names.has(s.name)),
        ...mine.map((d) => ({ name: d.name, valueFrom: d.valueFrom })),
      ],
      dockerLabels: (holder['dockerLabels'] as Record<string, string> | undefined) ?? {},
    };
  });
}

function setVersionLabel(c: Record<string, unknown>, mine: readonly DeliveredSecret[]): void {
  const labels = isPlainObject(c['dockerLabels']) ? { ...c['dockerLabels'] } : {};
  if (mine.length === 0) delete labels[SECRET_VERSIONS_LABEL];
  else
    labels[SECRET_VERSIONS_LABEL] = JSON.stringify(
      Object.fromEntries([...mine].sort((a, b) => cmp(a.name, b.name)).map((d) => [d.name, d.version])),
    );
  if (Object.keys(labels).length === 0) delete c['dockerLabels'];
  else c['dockerLabels'] = labels;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function put(container: Record<string, unknown>, key: string, list: unknown[]): void {
  if (list.length === 0) delete container[key];
  else container[key] = list;
}

/**
 * The plain environment variables of `td` that hold a sensitive value of 4 characters or more
 * (`container app: PGPASSWORD`): ones the template brought along, since the step's own were
 * delivered. Shorter values are left alone, as the masker leaves them: they are too common.
 */
export function plaintextVariables(td: TaskDefinitionJson, sensitive: readonly string[]): string[] {
  const guarded = sensitive.filter((s) => [...s].length >= MIN_GUARDED_LENGTH);
  const out: string[] = [];
  containersOf(td).forEach((c, i) => {
    const env = Array.isArray(c['environment']) ? (c['environment'] as unknown[]) : [];
    for (const e of env)
      if (isPlainObject(e) && typeof e['value'] === 'string' && containsSensitive(e['value'], guarded))
        out.push(`container ${containerName(c, i)}: ${String(e['name'])}`);
  });
  return out;
}

/**
 * Refuses a task definition whose plain environment would carry a sensitive value in clear
 * (INVALID_INPUT naming the variables, never the value); returns it otherwise.
 */
export function refusePlaintext(td: TaskDefinitionJson, sensitive: readonly string[]): TaskDefinitionJson {
  const found = plaintextVariables(td, sensitive);
  if (found.length > 0)
    throw new SlipwayError(
      'INVALID_INPUT',
      `The template task definition has environment variables holding a sensitive value in clear (${found.join('; ')}), ` +
        "and Slipway never registers a revision with one. Set each in the step's container environment (it is then " +
        'delivered as a secret), or use environmentMode "replace" to leave them out.',
      { data: { variables: found } },
    );
  return td;
}

/** Throws INVALID_INPUT when the definition has secrets but no execution role to read them with. */
export function requireExecutionRole(td: TaskDefinitionJson): string | undefined {
  const role = td['executionRoleArn'];
  const hasSecrets = containersOf(td).some((c) => Array.isArray(c['secrets']) && c['secrets'].length > 0);
  if (typeof role === 'string' && role !== '') return role;
  if (!hasSecrets) return undefined;
  throw new SlipwayError(
    'INVALID_INPUT',
    'The task definition has container secrets but no executionRoleArn: ECS reads secrets with the task execution role. ' +
      'Set executionRoleArn on the template task definition (a role ecs-tasks.amazonaws.com may assume, allowed ssm:GetParameters on the parameters).',
  );
}
