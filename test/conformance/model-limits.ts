/**
 * Derives src/sandbox/protocol/model-limits.ts from AWS's service models (botocore): for each action
 * the sandbox serves, the numeric members of its input (type, and the model's min/max) and, for the
 * Query services, the string members' length and pattern rules and the required members. The sandbox
 * checks requests against that table without needing Python; model-limits.test.ts keeps it in step.
 *
 *   node --import tsx test/conformance/model-limits.ts --write   # regenerates the table
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MemberRule, ModelLimits } from '../../src/sandbox/protocol/model-limit-types.js';
import { ecrService } from '../../src/sandbox/ecr/api.js';
import { ecsService } from '../../src/sandbox/ecs/api.js';
import { iamService } from '../../src/sandbox/iam/api.js';
import { logsService } from '../../src/sandbox/logs/api.js';
import { stsService } from '../../src/sandbox/sts/api.js';
import { loadModel } from './support.js';

export const MODEL_LIMITS_FILE = resolve(import.meta.dirname, '../../src/sandbox/protocol/model-limits.ts');

interface RawShape {
  type: string;
  members?: Record<string, { shape: string }>;
  required?: string[];
  member?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
}

const NUMERIC = new Set(['integer', 'long', 'double', 'float']);

/** The services the sandbox serves, with their protocol and actions. */
function served(): { service: string; query: boolean; actions: string[] }[] {
  return [
    ...[ecsService, ecrService, logsService].map((s) => ({
      service: s.name,
      query: false,
      actions: Object.keys(s.actions),
    })),
    ...[stsService, iamService].map((s) => ({
      service: s.name,
      query: true,
      actions: Object.keys(s.actions),
    })),
  ];
}

function rulesOf(shapes: Record<string, RawShape>, inputShape: string, query: boolean): MemberRule[] {
  const out: MemberRule[] = [];
  const walk = (name: string, path: string, seen: readonly string[], topLevel: boolean) => {
    if (seen.includes(name)) return;
    const shape = shapes[name]!;
    if (shape.type === 'structure') {
      for (const [key, member] of Object.entries(shape.members ?? {})) {
        const before = out.length;
        walk(member.shape, path ? `${path}.${key}` : key, [...seen, name], false);
        if (query && topLevel && shape.required?.includes(key)) {
          const own = out.slice(before).find((r) => r.path === key);
          if (own) own.required = true;
          else out.splice(before, 0, { path: key, type: shapes[member.shape]!.type, required: true });
        }
      }
    } else if (shape.type === 'list') {
      walk(shape.member!.shape, `${path}[]`, [...seen, name], false);
    } else if (NUMERIC.has(shape.type) || (query && shape.type === 'string')) {
      const rule: MemberRule = { path, type: shape.type };
      if (shape.min !== undefined) rule.min = shape.min;
      if (shape.max !== undefined) rule.max = shape.max;
      if (shape.pattern !== undefined) rule.pattern = shape.pattern;
      // A string member without any rule says nothing worth checking.
      if (shape.type !== 'string' || Object.keys(rule).length > 2) out.push(rule);
    }
  };
  walk(inputShape, '', [], true);
  return out;
}

/** The table, derived from the models; undefined when botocore's models are not on this machine. */
export function deriveModelLimits(): ModelLimits | undefined {
  const out: Record<string, Record<string, MemberRule[]>> = {};
  for (const { service, query, actions } of served()) {
    const model = loadModel(service) as unknown as
      | { operations: Record<string, { input?: { shape: string } }>; shapes: Record<string, RawShape> }
      | undefined;
    if (!model) return undefined;
    const table: Record<string, MemberRule[]> = {};
    for (const action of [...actions].sort()) {
      const input = model.operations[action]?.input;
      const rules = input ? rulesOf(model.shapes, input.shape, query) : [];
      if (rules.length > 0) table[action] = rules;
    }
    out[service] = table;
  }
  return out;
}

/** The table as the TypeScript source of src/sandbox/protocol/model-limits.ts (before prettier). */
export function modelLimitsSource(limits: ModelLimits): string {
  // One rule a line: prettier keeps an object on one line when it was written so and fits.
  const rule = (r: MemberRule) =>
    `{ ${Object.entries(r)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join(', ')} }`;
  const body: string[] = [];
  for (const [service, actions] of Object.entries(limits)) {
    body.push(`  ${service}: {`);
    for (const [action, rules] of Object.entries(actions)) {
      body.push(`    ${action}: [`, ...rules.map((r) => `      ${rule(r)},`), '    ],');
    }
    body.push('  },');
  }
  return [
    '// Generated from botocore service models by test/conformance/model-limits.ts: do not edit by hand.',
    '// Regenerate: node --import tsx test/conformance/model-limits.ts --write',
    "import type { ModelLimits } from './model-limit-types.js';",
    '',
    '/** Per service and action: the members AWS checks by type range, min/max, length and pattern. */',
    'export const MODEL_LIMITS: ModelLimits = {',
    ...body,
    '};',
    '',
  ].join('\n');
}

if (process.argv.includes('--write')) {
  const limits = deriveModelLimits();
  if (!limits) {
    process.stderr.write('botocore models not found (set BOTOCORE_DATA_DIR)\n');
    process.exit(1);
  }
  writeFileSync(MODEL_LIMITS_FILE, modelLimitsSource(limits));
  execFileSync('npx', ['prettier', '--write', MODEL_LIMITS_FILE], { stdio: 'inherit' });
}
