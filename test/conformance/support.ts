/**
 * Shared machinery of the conformance tests: response shapes, their comparison, AWS's own service
 * models (botocore's service-2.json.gz, when the machine has them) and the two targets (moto, sandbox).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A response's structure: leaves are type names, objects map keys, arrays hold their elements' merged shape. */
export type Shape = string | { [key: string]: Shape } | Shape[];

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return 'Date';
  if (value instanceof Uint8Array) return 'Uint8Array';
  return typeof value;
}

function mergeShapes(a: Shape, b: Shape): Shape {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length === 0) return b;
    if (b.length === 0) return a;
    return [mergeShapes(a[0]!, b[0]!)];
  }
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: { [key: string]: Shape } = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeShapes(out[k]!, v) : v;
    return out;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return a === b ? a : [...new Set([...a.split('|'), ...b.split('|')])].sort().join('|');
  }
  return `${JSON.stringify(a)}|${JSON.stringify(b)}`;
}

/** The structure of a value: keys → type names, arrays → their elements' merged shape, Dates as 'Date'. */
export function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) {
    const elements = value.map((v) => shapeOf(v));
    return elements.length === 0 ? [] : [elements.reduce((acc, s) => mergeShapes(acc, s))];
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  ) {
    const out: { [key: string]: Shape } = {};
    for (const key of Object.keys(value).sort()) {
      if (key === '$metadata') continue;
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      out[key] = shapeOf(v);
    }
    return out;
  }
  return typeName(value);
}

/** A shape as `path → type` lines: `service.deployments[].rolloutState → string`. Empty arrays are 'array'. */
export function flatten(shape: Shape, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (Array.isArray(shape)) {
    out.set(prefix, 'array');
    if (shape[0] !== undefined) for (const [k, v] of flatten(shape[0], `${prefix}[]`)) out.set(k, v);
  } else if (typeof shape === 'object') {
    if (prefix) out.set(prefix, 'object');
    for (const [key, child] of Object.entries(shape)) {
      for (const [k, v] of flatten(child, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
    }
  } else {
    out.set(prefix, shape);
  }
  return out;
}

export interface ShapeDiff {
  /** Paths the sandbox returns and moto does not. */
  sandboxOnly: string[];
  /** Paths moto returns and the sandbox does not. */
  motoOnly: string[];
  /** Paths both return with different types: `path: sandbox-type vs moto-type`. */
  typeDiffers: string[];
}

export function diffShapes(sandbox: unknown, moto: unknown): ShapeDiff {
  const s = flatten(shapeOf(sandbox));
  const m = flatten(shapeOf(moto));
  const diff: ShapeDiff = { sandboxOnly: [], motoOnly: [], typeDiffers: [] };
  for (const [path, type] of s) {
    const other = m.get(path);
    if (other === undefined) diff.sandboxOnly.push(path);
    else if (other !== type) diff.typeDiffers.push(`${path}: ${type} vs ${other}`);
  }
  for (const path of m.keys()) if (!s.has(path)) diff.motoOnly.push(path);
  return diff;
}

/**
 * An expected, documented difference between the sandbox and moto for one call. `path` is a flattened
 * path (see flatten); a trailing `.*` also covers everything under it.
 */
export interface Deviation {
  call: string;
  path: string;
  side: 'sandboxOnly' | 'motoOnly' | 'typeDiffers';
  /** Which side follows AWS (per botocore's model and AWS's documentation); 'moto' marks a sandbox bug. */
  follows: 'sandbox' | 'both' | 'moto';
  reason: string;
}

function covers(deviation: Deviation, path: string): boolean {
  if (deviation.path.endsWith('.*')) {
    const base = deviation.path.slice(0, -2);
    return path === base || path.startsWith(`${base}.`) || path.startsWith(`${base}[]`);
  }
  return deviation.path === path;
}

/**
 * The differences of `diff` that no listed deviation (of this call) explains. Top-level paths are
 * reported alone: when a whole subtree is missing, its children are not repeated.
 */
export function unexplained(call: string, diff: ShapeDiff, deviations: readonly Deviation[]): string[] {
  const mine = deviations.filter((d) => d.call === call);
  const out: string[] = [];
  for (const side of ['sandboxOnly', 'motoOnly', 'typeDiffers'] as const) {
    const paths = diff[side];
    for (const entry of paths) {
      const path = side === 'typeDiffers' ? entry.split(':')[0]! : entry;
      if (mine.some((d) => d.side === side && covers(d, path))) continue;
      const parentReported = paths.some(
        (other) => other !== entry && (path.startsWith(`${other}.`) || path.startsWith(`${other}[]`)),
      );
      if (side !== 'typeDiffers' && parentReported) continue;
      out.push(`${side}: ${entry}`);
    }
  }
  return out;
}

/** The deviations of this call that the diff did not show: stale rows of the table. */
export function unused(call: string, diff: ShapeDiff, deviations: readonly Deviation[]): Deviation[] {
  return deviations.filter((d) => {
    if (d.call !== call) return false;
    const paths = d.side === 'typeDiffers' ? diff.typeDiffers.map((e) => e.split(':')[0]!) : diff[d.side];
    return !paths.some((p) => covers(d, p));
  });
}

// ---------------------------------------------------------------------------------------------
// AWS's service models (botocore), used as the referee.

interface ModelShape {
  type: string;
  members?: Record<string, { shape: string }>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  exception?: boolean;
}

export interface ServiceModel {
  operations: Record<string, { output?: { shape: string }; errors?: { shape: string }[] }>;
  shapes: Record<string, ModelShape>;
}

/** Where botocore's data directory is, if any Python install on the machine has one. */
export function botocoreDataDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.BOTOCORE_DATA_DIR) candidates.push(process.env.BOTOCORE_DATA_DIR);
  const pyenv = join(process.env.PYENV_ROOT ?? '/root/.pyenv', 'versions');
  const libRoots: string[] = [];
  try {
    for (const version of readdirSync(pyenv)) libRoots.push(join(pyenv, version, 'lib'));
  } catch {
    // no pyenv
  }
  libRoots.push('/usr/local/lib', '/usr/lib');
  for (const lib of libRoots) {
    let pythons: string[];
    try {
      pythons = readdirSync(lib).filter((d) => d.startsWith('python3'));
    } catch {
      continue;
    }
    for (const py of pythons) {
      for (const packages of ['site-packages', 'dist-packages']) {
        candidates.push(join(lib, py, packages, 'botocore', 'data'));
      }
    }
  }
  candidates.push('/usr/lib/python3/dist-packages/botocore/data');
  return candidates.find((dir) => existsSync(join(dir, 'ecs')));
}

const models = new Map<string, ServiceModel>();

/** botocore's model of a service (`ecs`, `ecr`, `sts`, `iam`, `logs`), or undefined when not installed. */
export function loadModel(service: string): ServiceModel | undefined {
  const cached = models.get(service);
  if (cached) return cached;
  const data = botocoreDataDir();
  if (!data) return undefined;
  const versions = readdirSync(join(data, service)).sort();
  const latest = versions[versions.length - 1];
  if (!latest) return undefined;
  const file = join(data, service, latest, 'service-2.json.gz');
  const plain = join(data, service, latest, 'service-2.json');
  const text = existsSync(file)
    ? gunzipSync(readFileSync(file)).toString('utf8')
    : readFileSync(plain, 'utf8');
  const model = JSON.parse(text) as ServiceModel;
  models.set(service, model);
  return model;
}

function leafMatches(modelType: string, value: unknown): boolean {
  switch (modelType) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'timestamp':
      return value instanceof Date;
    case 'blob':
      return value instanceof Uint8Array || typeof value === 'string';
    default:
      return false;
  }
}

function walk(model: ServiceModel, shapeName: string, value: unknown, path: string, out: string[]): void {
  const shape = model.shapes[shapeName];
  if (!shape) {
    out.push(`${path}: unknown model shape ${shapeName}`);
    return;
  }
  const where = path || '(output)';
  if (shape.type === 'structure') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      out.push(`${where}: expected structure ${shapeName}, got ${typeName(value)}`);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const [key, v] of Object.entries(record)) {
      if (key === '$metadata' || v === undefined) continue;
      const member = shape.members?.[key];
      if (!member) out.push(`${path ? `${path}.` : ''}${key}: not a member of ${shapeName}`);
      else walk(model, member.shape, v, path ? `${path}.${key}` : key, out);
    }
    for (const required of shape.required ?? []) {
      if (record[required] === undefined)
        out.push(`${where}: required member ${shapeName}.${required} is missing`);
    }
  } else if (shape.type === 'list') {
    if (!Array.isArray(value)) {
      out.push(`${where}: expected list ${shapeName}, got ${typeName(value)}`);
      return;
    }
    value.forEach((element: unknown) => walk(model, shape.member!.shape, element, `${path}[]`, out));
  } else if (shape.type === 'map') {
    if (typeof value !== 'object' || value === null) {
      out.push(`${where}: expected map ${shapeName}, got ${typeName(value)}`);
      return;
    }
    for (const [k, v] of Object.entries(value)) walk(model, shape.value!.shape, v, `${path}{${k}}`, out);
  } else if (!leafMatches(shape.type, value)) {
    out.push(`${where}: expected ${shape.type} (${shapeName}), got ${typeName(value)}`);
  }
}

/**
 * How an SDK response departs from the operation's output shape in AWS's model: members the model
 * does not have, required members missing, wrong types. Empty when it conforms; undefined without a model.
 */
export function modelProblems(service: string, operation: string, output: unknown): string[] | undefined {
  const model = loadModel(service);
  if (!model) return undefined;
  const op = model.operations[operation];
  if (!op) return [`the ${service} model has no operation ${operation}`];
  const out: string[] = [];
  if (op.output) walk(model, op.output.shape, output, '', out);
  return out;
}

/** Whether AWS's model lists `errorName` as an error shape of the service (any operation). */
export function modelHasError(service: string, errorName: string): boolean | undefined {
  const model = loadModel(service);
  if (!model) return undefined;
  return model.shapes[errorName]?.exception === true;
}

/** Whether AWS's model lists `errorName` among the errors of `operation`. */
export function operationDeclaresError(
  service: string,
  operation: string,
  errorName: string,
): boolean | undefined {
  const model = loadModel(service);
  if (!model) return undefined;
  return (model.operations[operation]?.errors ?? []).some((e) => e.shape === errorName);
}

// ---------------------------------------------------------------------------------------------
// Targets and errors.

export interface Target {
  name: 'moto' | 'sandbox';
  endpoint: string;
  region: string;
  accountId: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** The error name of a rejected call (the SDK's exception name, i.e. AWS's error code), or 'resolved'. */
export async function errorName(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'resolved';
  } catch (error) {
    return error instanceof Error ? error.name : String(error);
  }
}

/** SDK client options for a target (no retries: a conformance run must not hide errors). */
export function clientConfig(target: Target): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
} {
  return {
    endpoint: target.endpoint,
    region: target.region,
    credentials: target.credentials,
    maxAttempts: 1,
  };
}
