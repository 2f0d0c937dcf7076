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

/** Throws the ClientException ECS answers when a RegisterTaskDefinition body is invalid. */
export function validateTaskDefinition(body: Record<string, unknown>): void {
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

  const names = new Set<string>();
  for (const c of containers) {
    if (!isObject(c)) throw clientException('Container definition must be an object.');
    if (typeof c.name !== 'string' || c.name === '')
      throw clientException('Container.name should not be null or empty.');
    if (typeof c.image !== 'string' || c.image === '')
      throw clientException('Container.image should not be null or empty.');
    if (names.has(c.name)) throw clientException(`Duplicate container name: ${c.name}.`);
    names.add(c.name);
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
