/**
 * The process editor's form model: the process JSON the API answers (GET .../process) becomes form
 * values that follow the JSON's own shape, so an API issue's path (`steps[2].action.containers[0].name`)
 * names the form field (`steps.2.action.containers.0.name`) directly. Only what an input cannot hold
 * differs: maps (docker labels, log options) become lists of {key, value} rows. Back to JSON, empty
 * optional fields are left out and numeric fields become numbers (or stay `#{...}` templates).
 * Pure: no DOM, no React.
 */

/** Any JSON object (an action, a container...). */
export type JsonObject = { [key: string]: unknown };

/** The step types, in the order the "add step" menu offers them (the same as the server's ACTION_TYPES). */
export const STEP_TYPES = [
  'ecs-update-service',
  'ecs-deploy-service',
  'run-script',
  'manual-intervention',
  'cloudformation-deploy',
  'cloudformation-delete',
  'ecs-run-task',
] as const;

/** A step type. */
export type StepType = (typeof STEP_TYPES)[number];

/** What each step type is called in the UI (docs/steps.md). */
export const STEP_TYPE_LABELS: Record<string, string> = {
  'ecs-update-service': 'Update ECS service',
  'ecs-deploy-service': 'Deploy ECS service',
  'run-script': 'Run a script',
  'manual-intervention': 'Manual intervention',
  'cloudformation-deploy': 'Deploy a CloudFormation template',
  'cloudformation-delete': 'Delete a CloudFormation stack',
  'ecs-run-task': 'Run an ECS task',
};

/** The label of a step type; an unknown type (from a newer server) shows as written. */
export function stepTypeLabel(type: string): string {
  return STEP_TYPE_LABELS[type] ?? type;
}

/** The types that run against deployment targets and so need target roles (the server's targetsEcs). */
export function needsRoles(type: string): boolean {
  return type.startsWith('ecs-') || type.startsWith('cloudformation-');
}

/** A step as the form holds it (the JSON's shape). */
export interface StepForm {
  name: string;
  condition: string;
  conditionExpression?: string;
  startTrigger: string;
  roles: string[];
  environments: string[];
  excludedEnvironments: string[];
  channels: string[];
  tenantTags: string[];
  disabled: boolean;
  required: boolean;
  action: JsonObject & { type: string };
}

/** The whole form. */
export interface ProcessForm {
  steps: StepForm[];
}

/** The process resource as GET answers it (metadata, then the document). */
export interface ProcessResource {
  id: string;
  spaceId: string;
  projectId: string;
  version: number;
  createdAt?: string;
  updatedAt?: string;
  steps: JsonObject[];
}

/** A key/value row standing for one entry of a map. */
export interface KeyValueRow {
  key: string;
  value: string;
}

const clone = <T>(value: T): T => structuredClone(value);

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A map as rows, in its order. */
export function mapToRows(map: unknown): KeyValueRow[] {
  if (!isObject(map)) return [];
  return Object.entries(map).map(([key, value]) => ({ key, value: String(value) }));
}

/** Rows back to a map; rows without a key are dropped (an empty row is an unfinished one). */
export function rowsToMap(rows: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(rows)) return out;
  for (const row of rows) {
    if (isObject(row) && typeof row.key === 'string' && row.key.trim() !== '') {
      out[row.key] = typeof row.value === 'string' ? row.value : String(row.value ?? '');
    }
  }
  return out;
}

/** Applies `fn` to each container of a deploy-service action (the only one with maps inside). */
function mapContainers(action: JsonObject, fn: (c: JsonObject) => JsonObject): JsonObject {
  if (action.type !== 'ecs-deploy-service' || !Array.isArray(action.containers)) return action;
  return { ...action, containers: action.containers.map((c) => (isObject(c) ? fn(c) : c)) };
}

/** One step of the API's JSON as form values (defaults filled where the stored document lacks them). */
export function stepToForm(step: JsonObject): StepForm {
  const action = isObject(step.action) ? clone(step.action) : { type: 'run-script' };
  const formAction = mapContainers(action, (c) => {
    const out: JsonObject = { ...c, dockerLabels: mapToRows(c.dockerLabels) };
    if (isObject(c.logging) && c.logging.type === 'manual') {
      out.logging = { ...c.logging, options: mapToRows(c.logging.options) };
    }
    return out;
  });
  const form: StepForm = {
    name: typeof step.name === 'string' ? step.name : '',
    condition: typeof step.condition === 'string' ? step.condition : 'success',
    startTrigger: typeof step.startTrigger === 'string' ? step.startTrigger : 'after-previous',
    roles: strings(step.roles),
    environments: strings(step.environments),
    excludedEnvironments: strings(step.excludedEnvironments),
    channels: strings(step.channels),
    tenantTags: strings(step.tenantTags),
    disabled: step.disabled === true,
    required: step.required === true,
    action: { ...formAction, type: typeof action.type === 'string' ? action.type : 'run-script' },
  };
  if (typeof step.conditionExpression === 'string') form.conditionExpression = step.conditionExpression;
  return form;
}

/** The process resource as form values. */
export function toForm(resource: { steps?: unknown }): ProcessForm {
  const steps = Array.isArray(resource.steps) ? resource.steps.filter(isObject) : [];
  return { steps: steps.map(stepToForm) };
}

/**
 * Optional properties (of steps, actions, containers, network...) that the API wants absent rather
 * than empty: an empty input leaves them out.
 */
export const OPTIONAL_KEYS: ReadonlySet<string> = new Set([
  'conditionExpression',
  'templateTaskDefinition',
  'keepRevisions',
  'secretsKmsKey',
  'workerPool',
  'taskRole',
  'executionRole',
  'stackName',
  'cpu',
  'memory',
  'memoryReservation',
  'repositoryCredentials',
  'workingDirectory',
  'stopTimeout',
  'startTimeout',
  'taskDefinition',
  'fromStep',
  'networkFrom',
  'launchType',
  'platformVersion',
  'image',
  'sourcePath',
  'rootDirectory',
]);

/**
 * Drops `OPTIONAL_KEYS` whose value is "", null or undefined, and every undefined, at every depth.
 * (Where such a key is required, e.g. a Deploy ECS service's cpu, the API then says "is required"
 * on the same field.)
 */
export function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => pruneEmpty(v));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (OPTIONAL_KEYS.has(key) && (v === '' || v === null)) continue;
    out[key] = pruneEmpty(v);
  }
  return out;
}

/** Optional keys that some types require at the top of their action: sent as "" so the API says "must not be empty". */
const REQUIRED_BY_TYPE: Record<string, readonly string[]> = {
  'cloudformation-deploy': ['stackName'],
  'cloudformation-delete': ['stackName'],
};

/** Form values of one step back to the API's JSON. */
export function stepToJson(step: StepForm): JsonObject {
  const action = mapContainers(clone(step.action), (c) => {
    const out: JsonObject = { ...c, dockerLabels: rowsToMap(c.dockerLabels) };
    if (isObject(c.logging) && c.logging.type === 'manual') {
      out.logging = { ...c.logging, options: rowsToMap(c.logging.options) };
    }
    return out;
  });
  const json: JsonObject = {
    name: step.name,
    condition: step.condition,
    startTrigger: step.startTrigger,
    roles: step.roles,
    environments: step.environments,
    excludedEnvironments: step.excludedEnvironments,
    channels: step.channels,
    tenantTags: step.tenantTags,
    disabled: step.disabled,
    required: step.required,
    action: pruneEmpty(action) as JsonObject,
  };
  const pruned = json.action as JsonObject;
  for (const key of REQUIRED_BY_TYPE[step.action.type] ?? []) pruned[key] ??= '';
  // The API refuses an expression on any other condition: keep it only where it means something.
  if (step.condition === 'variable') json.conditionExpression = step.conditionExpression ?? '';
  return json;
}

/** The body of PUT .../process for the form's values. */
export function toProcessBody(form: ProcessForm): { steps: JsonObject[] } {
  return { steps: form.steps.map(stepToJson) };
}

/**
 * What a numeric input holds, for the JSON: a whole number as a number, a `#{...}` template (or
 * anything else, which the API then names) as written, "" as undefined (left out, or "required").
 */
export function numberOrTemplate(input: unknown): number | string | undefined {
  if (typeof input === 'number') return input;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (text === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** An API issue's path under the process (`steps[2].action.containers[0].name`) as the form's (`steps.2.action...`). */
export function issuePathToFormPath(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
}

/** The step index a form path is under (`steps.2.name` → 2), or undefined. */
export function stepIndexOf(path: string): number | undefined {
  const match = /^steps\.(\d+)(?:\.|$)/.exec(path);
  return match ? Number(match[1]) : undefined;
}

/**
 * The message for the field at `path`: its own, else the first one of a field under it (a list's
 * item, e.g. `roles.1` for the roles input), else undefined.
 */
export function errorFor(errors: Readonly<Record<string, string>>, path: string): string | undefined {
  const own = errors[path];
  if (own !== undefined) return own;
  const prefix = `${path}.`;
  for (const [key, message] of Object.entries(errors)) {
    if (key.startsWith(prefix) && /^\d+$/.test(key.slice(prefix.length).split('.')[0] ?? '')) {
      // Only a plain list item (`roles.1`), not a field of an object row, which shows on its own input.
      if (!key.slice(prefix.length).includes('.')) return message;
    }
  }
  return undefined;
}

/** A name not in `taken` (ignoring case): `base`, else `base (2)`, `base (3)`... */
export function uniqueName(base: string, taken: readonly string[]): string {
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  if (!lower.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const name = `${base} (${n})`;
    if (!lower.has(name.toLowerCase())) return name;
  }
}

/** A new action of `type` with the fields its form starts with. */
export function newAction(type: string): StepForm['action'] {
  switch (type) {
    case 'ecs-update-service':
      return {
        type,
        service: '',
        templateTaskDefinition: '',
        containers: [],
        waitForDeployment: true,
        timeoutMinutes: 30,
        forceNewDeployment: false,
        tags: [],
        pauseResponsibleTeams: [],
        stopEcsDeploymentOnCancel: false,
        packages: [],
      };
    case 'ecs-deploy-service':
      return {
        type,
        service: '',
        taskFamily: '',
        cpu: 256,
        memory: 512,
        networkMode: 'awsvpc',
        subnets: [],
        securityGroups: [],
        assignPublicIp: false,
        enableEcsManagedTags: true,
        tags: [],
        containers: [newDeployContainer('app', '')],
        desiredCount: 1,
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        loadBalancers: [],
        volumes: [],
        wait: { mode: 'wait', timeoutMinutes: 30 },
        circuitBreaker: true,
        packages: [],
      };
    case 'run-script':
      return { type, syntax: 'bash', script: '', packages: [] };
    case 'manual-intervention':
      return { type, instructions: '', responsibleTeams: [], packages: [] };
    case 'cloudformation-deploy':
      return {
        type,
        stackName: '',
        template: '',
        parameters: [],
        capabilities: [],
        tags: [],
        disableRollback: false,
        wait: { mode: 'wait', timeoutMinutes: 30 },
        packages: [],
      };
    case 'cloudformation-delete':
      return { type, stackName: '', wait: { mode: 'wait', timeoutMinutes: 30 }, packages: [] };
    case 'ecs-run-task':
      return { type, taskDefinition: '', containers: [], timeoutMinutes: 30, packages: [] };
    default:
      return { type, packages: [] };
  }
}

/** A new container of a Deploy ECS service step, in form shape. */
export function newDeployContainer(name: string, image: string): JsonObject {
  return {
    name,
    image,
    essential: true,
    portMappings: [],
    environment: [],
    secrets: [],
    environmentFiles: [],
    command: [],
    entryPoint: [],
    logging: { type: 'auto' },
    dockerLabels: [],
    dependsOn: [],
    ulimits: [],
    mountPoints: [],
    volumesFrom: [],
  };
}

/** A new step of `type`, named after the type and unique among `taken`. */
export function newStep(type: string, taken: readonly string[]): StepForm {
  return {
    name: uniqueName(stepTypeLabel(type), taken),
    condition: 'success',
    startTrigger: 'after-previous',
    roles: [],
    environments: [],
    excludedEnvironments: [],
    channels: [],
    tenantTags: [],
    disabled: false,
    required: false,
    action: newAction(type),
  };
}

/** A copy of `step` named "<name> (copy)" (unique among `taken`). */
export function duplicateStep(step: StepForm, taken: readonly string[]): StepForm {
  const copy = clone(step);
  copy.name = uniqueName(`${step.name} (copy)`, taken);
  return copy;
}

/** A one-line summary of what a step does (its service, stack, script syntax...). */
export function stepSummary(step: StepForm): string {
  const a = step.action;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  switch (a.type) {
    case 'ecs-update-service':
    case 'ecs-deploy-service':
      return text(a.service) ? `service ${String(a.service)}` : '';
    case 'cloudformation-deploy':
    case 'cloudformation-delete':
      return text(a.stackName) ? `stack ${String(a.stackName)}` : '';
    case 'run-script':
      return `${String(a.syntax ?? 'bash')} script${text(a.workerPool) ? ` on pool ${String(a.workerPool)}` : ''}`;
    case 'ecs-run-task':
      return text(a.fromStep)
        ? `task of step ${String(a.fromStep)}`
        : text(a.taskDefinition)
          ? `task ${String(a.taskDefinition)}`
          : '';
    default:
      return '';
  }
}
