/**
 * RegisterTaskDefinition's validation (with ECS's own messages) and the read-only fields ECS
 * derives from a body: requiresAttributes and compatibilities.
 */
import { clientException, invalidParameter } from '../errors.js';
import { isObject } from './util.js';

const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none'];
const COMPATIBILITIES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'];

/** Fargate's valid memory sizes (MiB) for each task cpu (units). */
const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Task-level cpu in units: "1024", "1 vCPU", "0.5 vcpu" or a number; undefined when absent or unreadable. */
export function parseCpu(v: unknown): number | undefined {
  return parseSize(v, /^([\d.]+)\s*vcpu$/i);
}

/** Task-level memory in MiB: "2048", "2 GB" or a number. */
export function parseMemory(v: unknown): number | undefined {
  return parseSize(v, /^([\d.]+)\s*gb$/i);
}

function parseSize(v: unknown, scaled: RegExp): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const m = scaled.exec(s);
  return m ? Math.round(Number(m[1]) * 1024) : undefined;
}

/** ECS's limit on the size of a task definition (the RegisterTaskDefinition payload): 64 KiB. */
export const MAX_TASK_DEFINITION_BYTES = 65536;
/** Task-level cpu outside Fargate: 128 (0.125 vCPU) to 196,608 units (192 vCPU). */
const TASK_CPU_RANGE = [128, 196608] as const;
/** The smallest container memory (hard or soft limit) ECS accepts, in MiB. */
const MIN_CONTAINER_MEMORY = 4;
/** HealthCheck's documented ranges (seconds, or tries for retries). */
const HEALTH_CHECK_RANGES: Record<string, [number, number, string]> = {
  interval: [5, 300, 'seconds'],
  timeout: [2, 120, 'seconds'],
  retries: [1, 10, 'retries'],
  startPeriod: [0, 300, 'seconds'],
};

function outside(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && (v < min || v > max);
}

/** The documented limits on a container's numbers (the model only knows they are Int32). */
function validateContainerLimits(c: Record<string, unknown>, name: string): void {
  if (typeof c.cpu === 'number' && c.cpu < 0) {
    throw clientException(`Invalid 'cpu' setting for container '${name}'. It must be 0 or more CPU units.`);
  }
  for (const field of ['memory', 'memoryReservation'] as const) {
    if (typeof c[field] === 'number' && c[field] < MIN_CONTAINER_MEMORY) {
      throw clientException(
        `Invalid '${field}' setting for container '${name}'. The minimum is ${MIN_CONTAINER_MEMORY} MiB.`,
      );
    }
  }
  if (
    typeof c.memory === 'number' &&
    typeof c.memoryReservation === 'number' &&
    c.memoryReservation > c.memory
  ) {
    throw clientException(
      `Invalid 'memoryReservation' setting for container '${name}'. It must not exceed 'memory' (${c.memory} MiB).`,
    );
  }
  for (const pm of Array.isArray(c.portMappings) ? c.portMappings.filter(isObject) : []) {
    for (const field of ['containerPort', 'hostPort'] as const) {
      if (outside(pm[field], 0, 65535)) {
        throw clientException(
          `Invalid port mapping for container '${name}': ${field} ${pm[field]} is not between 0 and 65535.`,
        );
      }
    }
  }
  if (isObject(c.healthCheck)) {
    for (const [field, [min, max, unit]] of Object.entries(HEALTH_CHECK_RANGES)) {
      if (outside(c.healthCheck[field], min, max)) {
        throw clientException(
          `Invalid 'healthCheck' setting for container '${name}': ${field} must be between ${min} and ${max} ${unit}.`,
        );
      }
    }
  }
  if (isObject(c.linuxParameters) && outside(c.linuxParameters.swappiness, 0, 100)) {
    throw clientException(
      `Invalid 'linuxParameters' setting for container '${name}': swappiness must be between 0 and 100.`,
    );
  }
  if (isObject(c.linuxParameters) && outside(c.linuxParameters.maxSwap, 0, Infinity)) {
    throw clientException(
      `Invalid 'linuxParameters' setting for container '${name}': maxSwap must be 0 or more.`,
    );
  }
}

/** Throws the ClientException ECS answers when a RegisterTaskDefinition body is invalid. */
export function validateTaskDefinition(body: Record<string, unknown>): void {
  const length = Buffer.byteLength(JSON.stringify(body));
  if (length > MAX_TASK_DEFINITION_BYTES) {
    throw clientException(
      `Actual length: '${length}'. Max allowed length is '${MAX_TASK_DEFINITION_BYTES}' bytes.`,
    );
  }
  const family = body.family;
  if (typeof family !== 'string' || family === '')
    throw clientException('Family should not be null or empty.');
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
    throw clientException(
      'Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.',
    );
  }
  const containers = body.containerDefinitions;
  if (!Array.isArray(containers) || containers.length === 0) {
    throw clientException('Container list cannot be empty.');
  }
  const usesSecrets = containers.some(
    (c) =>
      isObject(c) &&
      ((Array.isArray(c.secrets) && c.secrets.length > 0) ||
        (isObject(c.logConfiguration) &&
          Array.isArray(c.logConfiguration.secretOptions) &&
          c.logConfiguration.secretOptions.length > 0)),
  );
  if (usesSecrets && (typeof body.executionRoleArn !== 'string' || body.executionRoleArn === '')) {
    throw clientException(
      "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.",
    );
  }
  const networkMode = body.networkMode;
  if (
    networkMode !== undefined &&
    (typeof networkMode !== 'string' || !NETWORK_MODES.includes(networkMode))
  ) {
    throw invalidParameter(
      `Invalid networkMode: ${String(networkMode)}. Valid values: ${NETWORK_MODES.join(', ')}.`,
    );
  }
  const requires = body.requiresCompatibilities ?? [];
  if (
    !Array.isArray(requires) ||
    requires.some((c) => typeof c !== 'string' || !COMPATIBILITIES.includes(c))
  ) {
    throw invalidParameter(`requiresCompatibilities must contain only: ${COMPATIBILITIES.join(', ')}.`);
  }
  const taskCpu = parseCpu(body.cpu);
  const taskMemory = parseMemory(body.memory);
  if (body.cpu !== undefined && taskCpu === undefined)
    throw clientException(`Invalid 'cpu' setting for task.`);
  if (body.memory !== undefined && taskMemory === undefined)
    throw clientException(`Invalid 'memory' setting for task.`);
  if (taskCpu !== undefined && !requires.includes('FARGATE') && outside(taskCpu, ...TASK_CPU_RANGE)) {
    throw clientException(
      `Invalid 'cpu' setting for task. It must be between ${TASK_CPU_RANGE[0]} and ${TASK_CPU_RANGE[1]} CPU units.`,
    );
  }
  if (isObject(body.ephemeralStorage) && outside(body.ephemeralStorage.sizeInGiB, 21, 200)) {
    throw clientException(
      `Invalid 'ephemeralStorage' setting for task. sizeInGiB must be between 21 and 200.`,
    );
  }

  const names = new Set<string>();
  for (const c of containers) {
    if (!isObject(c)) throw clientException('Container definition must be an object.');
    if (typeof c.name !== 'string' || c.name === '')
      throw clientException('Container.name should not be null or empty.');
    if (typeof c.image !== 'string' || c.image === '')
      throw clientException('Container.image should not be null or empty.');
    if (names.has(c.name)) throw clientException(`Duplicate container name: ${c.name}.`);
    names.add(c.name);
    validateContainerLimits(c, c.name);
    if (taskMemory === undefined && c.memory === undefined && c.memoryReservation === undefined) {
      throw clientException(
        `Invalid setting for container '${c.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
      );
    }
    if (typeof c.memory === 'number' && taskMemory !== undefined && c.memory > taskMemory) {
      throw clientException(
        `Invalid 'memory' setting for container '${c.name}'. The container memory must not exceed the task memory.`,
      );
    }
  }

  if (requires.includes('FARGATE')) validateFargate(body, containers, taskCpu, taskMemory);
}

function validateFargate(
  body: Record<string, unknown>,
  containers: unknown[],
  taskCpu: number | undefined,
  taskMemory: number | undefined,
): void {
  if (body.networkMode !== 'awsvpc') throw clientException(`Fargate only supports network mode 'awsvpc'.`);
  if (taskCpu === undefined)
    throw clientException(`Fargate requires that 'cpu' be defined at the task level.`);
  if (taskMemory === undefined)
    throw clientException(`Fargate requires that 'memory' be defined at the task level.`);
  if (!FARGATE_SIZES[taskCpu]?.includes(taskMemory)) {
    throw clientException(
      `No Fargate configuration exists for given values: ${taskCpu} CPU, ${taskMemory} memory. See the Amazon ECS documentation for the valid values.`,
    );
  }
  const hasRole = typeof body.executionRoleArn === 'string' && body.executionRoleArn !== '';
  for (const c of containers) {
    if (!isObject(c)) continue;
    const log = c.logConfiguration;
    if (!hasRole && isObject(log) && log.logDriver === 'awslogs') {
      throw clientException(
        'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
      );
    }
    if (!hasRole && typeof c.image === 'string' && isEcrImage(c.image)) {
      throw clientException(
        'Fargate requires task definition to have execution role ARN to support ECR images.',
      );
    }
  }
}

function isEcrImage(image: string): boolean {
  return /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\//.test(image);
}

/** The `compatibilities` ECS computes: EC2 always; FARGATE for an awsvpc body with a valid Fargate size. */
export function compatibilitiesOf(body: Record<string, unknown>): string[] {
  const out = ['EC2'];
  const cpu = parseCpu(body.cpu);
  const memory = parseMemory(body.memory);
  if (body.networkMode === 'awsvpc' && cpu !== undefined && memory !== undefined) out.push('FARGATE');
  return out;
}

/** A plausible `requiresAttributes` list for a body, in the spirit of what ECS derives. */
export function requiresAttributesOf(body: Record<string, unknown>): { name: string }[] {
  const names = new Set<string>();
  const hasExecRole = typeof body.executionRoleArn === 'string';
  if (typeof body.taskRoleArn === 'string') names.add('com.amazonaws.ecs.capability.task-iam-role');
  if (body.networkMode === 'awsvpc') {
    names.add('ecs.capability.task-eni');
    names.add('com.amazonaws.ecs.capability.docker-remote-api.1.18');
  }
  const containers = Array.isArray(body.containerDefinitions) ? body.containerDefinitions : [];
  for (const c of containers) {
    if (!isObject(c)) continue;
    const log = c.logConfiguration;
    if (isObject(log) && typeof log.logDriver === 'string') {
      names.add(`com.amazonaws.ecs.capability.logging-driver.${log.logDriver}`);
      names.add('com.amazonaws.ecs.capability.docker-remote-api.1.19');
      if (log.logDriver === 'awslogs' && hasExecRole) names.add('ecs.capability.execution-role-awslogs');
    }
    if (typeof c.image === 'string' && isEcrImage(c.image)) {
      names.add('com.amazonaws.ecs.capability.ecr-auth');
      if (hasExecRole) names.add('ecs.capability.execution-role-ecr-pull');
    }
    if (isObject(c.healthCheck)) {
      names.add('ecs.capability.container-health-check');
      names.add('com.amazonaws.ecs.capability.docker-remote-api.1.24');
    }
    if (Array.isArray(c.secrets) && c.secrets.length > 0) {
      names.add('ecs.capability.secrets.asm.environment-variables');
    }
    if (Array.isArray(c.dependsOn) && c.dependsOn.length > 0) names.add('ecs.capability.container-ordering');
  }
  return [...names].map((name) => ({ name }));
}
